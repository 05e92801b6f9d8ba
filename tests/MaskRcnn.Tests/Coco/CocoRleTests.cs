using MaskRcnn.Coco;

namespace MaskRcnn.Tests.Coco;

public class CocoRleTests
{
    public static TheoryData<int, int> Shapes() => new()
    {
        { 0, 0 }, { 0, 5 }, { 5, 0 }, { 1, 1 }, { 1, 17 }, { 23, 1 }, { 2, 2 }, { 3, 7 }, { 31, 33 }, { 64, 48 }, { 97, 130 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Encode_then_decode_reproduces_seeded_random_masks(int height, int width)
    {
        var random = new Random((height * 1000) + width);
        for (int trial = 0; trial < 20; trial++)
        {
            var mask = RandomMask(random, height, width, trial);
            var rle = CocoRle.Encode(mask, height, width);

            var binary = Binary(mask);
            Assert.Equal(binary, rle.Decode());
            Assert.Equal(height * width, Sum(rle.Counts));
            Assert.Equal(mask.Count(b => b != 0), rle.Area());

            // Column-major input of the same mask gives the same RLE, and the column-major decode is its transpose.
            var columnMajor = Transpose(mask, height, width);
            Assert.Equal(rle, CocoRle.Encode(columnMajor, height, width, rowMajor: false));
            Assert.Equal(rle, CocoRle.EncodeColumnMajor(columnMajor, height, width));
            Assert.Equal(Binary(columnMajor), rle.DecodeColumnMajor());

            // Both text forms round-trip.
            Assert.Equal(rle, CocoRle.FromCompressedString(rle.ToCompressedString(), height, width));
            Assert.Equal(rle, CocoRle.FromCounts(rle.Counts, height, width));

            var into = new byte[height * width];
            Array.Fill(into, (byte)7);
            rle.DecodeInto(into);
            Assert.Equal(binary, into);
        }
    }

    [Fact]
    public void Empty_and_full_masks_have_the_expected_runs()
    {
        Assert.Equal([12], CocoRle.Encode(new byte[12], 3, 4).Counts.ToArray());
        Assert.Equal([0, 12], CocoRle.Encode(Enumerable.Repeat((byte)255, 12).ToArray(), 3, 4).Counts.ToArray());
        Assert.Equal([0], CocoRle.Encode([], 0, 0).Counts.ToArray());
        Assert.Equal([0, 1], CocoRle.Encode([1], 1, 1).Counts.ToArray());
        Assert.Equal([1], CocoRle.Encode([0], 1, 1).Counts.ToArray());
        Assert.Equal(CocoRle.Encode(new byte[12], 3, 4), CocoRle.Empty(3, 4));
    }

    [Fact]
    public void Runs_follow_column_major_order()
    {
        // Row-major 2x3 mask
        //   1 0 0
        //   1 1 0
        // read down the columns: 1 1 | 0 1 | 0 0 -> runs: 0 zeros, 2 ones, 1 zero, 1 one, 2 zeros.
        var rle = CocoRle.Encode([1, 0, 0, 1, 1, 0], 2, 3);
        Assert.Equal([0, 2, 1, 1, 2], rle.Counts.ToArray());
    }

    // Compressed strings, derived by hand from rleToString in maskApi.c: every value (for i > 2 the difference to
    // counts[i-2]) is cut into 5-bit groups, lowest first; a group gets bit 5 (0x20) when more groups follow, which is
    // the case while the rest is not 0 (or not -1 when the group's bit 4, the sign bit, is set); each group is written
    // as the character 48 + group.
    [Fact]
    public void Compressed_string_of_a_3x3_mask_has_a_negative_delta()
    {
        // Row-major   0 1 1     columns: (0,0,1) (1,1,1) (1,0,1)
        //             0 1 0     -> 0 0 1 1 1 1 1 0 1 -> counts [2, 5, 1, 1]
        //             1 1 1
        // 2 -> '2' (48 + 2); 5 -> '5'; 1 -> '1';
        // i = 3: 1 - counts[1] = 1 - 5 = -4; -4 & 0x1f = 28 = 0b11100, rest -4 >> 5 = -1 and bit 4 is set, so no
        // more groups -> 48 + 28 = 76 = 'L'.
        var rle = CocoRle.Encode([0, 1, 1, 0, 1, 0, 1, 1, 1], 3, 3);
        Assert.Equal([2, 5, 1, 1], rle.Counts.ToArray());
        Assert.Equal("251L", rle.ToCompressedString());
    }

    [Fact]
    public void Compressed_string_uses_a_continuation_group_for_runs_above_31()
    {
        // A full 40x1 mask: counts [0, 40].
        // 0 -> '0'. 40 = 0b1_01000: low group 8, rest 1 != 0 so more: 8 | 0x20 = 40 -> 48 + 40 = 88 = 'X';
        // then 1, rest 0 -> '1'. Result "0X1".
        var rle = CocoRle.Encode(Enumerable.Repeat((byte)1, 40).ToArray(), 40, 1);
        Assert.Equal("0X1", rle.ToCompressedString());
        Assert.Equal(rle, CocoRle.FromCompressedString("0X1", 40, 1));
    }

    [Fact]
    public void Compressed_string_needs_two_groups_for_16_because_of_the_sign_bit()
    {
        // 1x20 mask 0 0 [16 ones] 0 0: counts [2, 16, 2].
        // 16 = 0b10000: group 16 has bit 4 set and the rest is 0 (not -1), so a second group follows:
        // 16 | 0x20 = 48 -> 48 + 48 = 96 = '`', then 0 -> '0'. With '2' before and after: "2`02".
        var mask = new byte[20];
        mask.AsSpan(2, 16).Fill(1);
        var rle = CocoRle.Encode(mask, 1, 20);
        Assert.Equal([2, 16, 2], rle.Counts.ToArray());
        Assert.Equal("2`02", rle.ToCompressedString());
    }

    [Fact]
    public void Compressed_string_encodes_runs_after_the_third_as_deltas()
    {
        // 3x6 mask whose columns are 000 111 100 000 111 111: counts [3, 4, 5, 6].
        // 3 -> '3', 4 -> '4', 5 -> '5' (i = 2 is written as it is), i = 3: 6 - counts[1] = 6 - 4 = 2 -> '2'.
        byte[] rows =
        [
            0, 1, 1, 0, 1, 1,
            0, 1, 0, 0, 1, 1,
            0, 1, 0, 0, 1, 1,
        ];
        var rle = CocoRle.Encode(rows, 3, 6);
        Assert.Equal([3, 4, 5, 6], rle.Counts.ToArray());
        Assert.Equal("3452", rle.ToCompressedString());
    }

    [Fact]
    public void Compressed_string_encodes_a_large_negative_delta_in_two_groups()
    {
        // 103x1 mask: 100 ones, 1 zero, 2 ones -> counts [0, 100, 1, 2].
        // 0 -> '0'. 100 = 3 * 32 + 4: group 4 with more -> 36 -> 'T', then 3 -> '3'. 1 -> '1'.
        // i = 3: 2 - 100 = -98 = -4 * 32 + 30: group 30 (bit 4 set), rest -4 != -1 so more -> 30 | 0x20 = 62 -> 'n';
        // then -4 & 0x1f = 28, rest -1 with bit 4 set -> done -> 'L'. Result "0T31nL".
        var mask = new byte[103];
        mask.AsSpan(0, 100).Fill(1);
        mask[101] = 1;
        mask[102] = 1;
        var rle = CocoRle.Encode(mask, 103, 1);
        Assert.Equal([0, 100, 1, 2], rle.Counts.ToArray());
        Assert.Equal("0T31nL", rle.ToCompressedString());
        Assert.Equal([0, 100, 1, 2], CocoRle.FromCompressedString("0T31nL", 103, 1).Counts.ToArray());
    }

    [Theory]
    [InlineData("251", "covers 8 pixels")] // sums to 8 of 9
    [InlineData("251L1", "covers more than")]
    [InlineData("25 1L", "invalid character")]
    [InlineData("25~1L", "invalid character")]
    [InlineData("2X", "ends inside")]
    [InlineData("2L", "outside 0..9")] // -4 as a first value
    [InlineData("XXXXXXXXXXXXXXXX1", "too long")]
    public void Corrupt_compressed_strings_are_rejected_with_a_clear_message(string counts, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => CocoRle.FromCompressedString(counts, 3, 3));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_sizes_and_counts_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => CocoRle.Encode(new byte[5], 2, 3));
        Assert.Throws<ArgumentException>(() => CocoRle.Encode([], -1, 0));
        Assert.Throws<ArgumentException>(() => CocoRle.Encode([], 0, -3));
        Assert.Throws<ArgumentException>(() => CocoRle.Encode([], int.MaxValue, 2));
        Assert.Throws<ArgumentException>(() => CocoRle.FromCounts([2, -1, 5], 2, 3));
        Assert.Throws<ArgumentException>(() => CocoRle.FromCounts([2, 3], 2, 3));
        Assert.Throws<ArgumentException>(() => CocoRle.FromCompressedString("6", -2, -3));
        Assert.Throws<ArgumentException>(() => CocoRle.Empty(3, 4).DecodeInto(new byte[11]));
        Assert.Throws<ArgumentNullException>(() => CocoRle.FromCompressedString(null!, 1, 1));
    }

    [Fact]
    public void Area_and_bounding_box_of_a_simple_mask()
    {
        // 5x7 mask with ones at rows 1..3, columns 2..4.
        var mask = new byte[5 * 7];
        for (int y = 1; y <= 3; y++)
        {
            for (int x = 2; x <= 4; x++)
            {
                mask[(y * 7) + x] = 1;
            }
        }

        var rle = CocoRle.Encode(mask, 5, 7);
        Assert.Equal(9, rle.Area());
        Assert.Equal(new CocoBox(2, 1, 3, 3), rle.ToBoundingBox());
    }

    [Fact]
    public void Bounding_box_reproduces_rleToBbox_on_edge_cases()
    {
        // Empty mask: all zeros.
        Assert.Equal(new CocoBox(0, 0, 0, 0), CocoRle.Empty(4, 3).ToBoundingBox());

        // Full mask (counts [0, 12]): the run of ones wraps over columns, so the box spans the full height.
        Assert.Equal(new CocoBox(0, 0, 3, 4), CocoRle.FromCounts([0, 12], 4, 3).ToBoundingBox());

        // A non-canonical uncompressed RLE [5, 0] of an empty 5x1 mask: rleToBbox takes the "start" of the empty run
        // of ones at index 5 (column 1, outside the mask) and its "end" at index 4 (row 4), giving [0, 0, 2, 5] while
        // the area is 0. pycocotools gives the same.
        var odd = CocoRle.FromCounts([5, 0], 5, 1);
        Assert.Equal(0, odd.Area());
        Assert.Equal(new CocoBox(0, 0, 2, 5), odd.ToBoundingBox());

        // A run of ones from the bottom of column 0 into the top of column 1.
        var wrap = CocoRle.Encode([0, 1, 0, 0, 0, 0, 1, 0, 0], 3, 3);
        Assert.Equal([2, 2, 5], wrap.Counts.ToArray());
        Assert.Equal(new CocoBox(0, 0, 2, 3), wrap.ToBoundingBox());
    }

    [Fact]
    public void Axis_aligned_square_polygon_fills_the_enclosed_pixels()
    {
        // The square with corners (1,1) and (4,4) covers pixels 1..3 in both directions: area 9, box [1, 1, 3, 3].
        var rle = CocoRle.FromPolygon([1, 1, 1, 4, 4, 4, 4, 1], 6, 6);
        var expected = new byte[36];
        for (int y = 1; y <= 3; y++)
        {
            for (int x = 1; x <= 3; x++)
            {
                expected[(y * 6) + x] = 1;
            }
        }

        Assert.Equal(expected, rle.Decode());
        Assert.Equal(9, rle.Area());
        Assert.Equal(new CocoBox(1, 1, 3, 3), rle.ToBoundingBox());

        // Column-major: column 0 (6 zeros) and row 0 of column 1 give 7 zeros, then 3 ones, 3 zeros (rows 4-5 of
        // column 1 and row 0 of column 2), ... and finally rows 4-5 of column 3 and columns 4-5: 14 zeros.
        Assert.Equal([7, 3, 3, 3, 3, 3, 14], rle.Counts.ToArray());
        Assert.Equal("733000;", rle.ToCompressedString());

        // The vertex order does not matter.
        Assert.Equal(rle, CocoRle.FromPolygon([4, 1, 4, 4, 1, 4, 1, 1], 6, 6));
        Assert.Equal(rle, CocoRle.FromBox(new CocoBox(1, 1, 3, 3), 6, 6));
    }

    [Fact]
    public void Square_polygon_on_half_pixels_and_fractional_box()
    {
        // Corners at 0.5 and 2.5: rleFrPoly toggles a column where the upsampled boundary passes x + 0.5, so here
        // pixels 1 and 2 in each direction are inside (pycocotools gives the same).
        var half = CocoRle.FromPolygon([0.5, 0.5, 0.5, 2.5, 2.5, 2.5, 2.5, 0.5], 4, 4);
        Assert.Equal(
            [
                0, 0, 0, 0,
                0, 1, 1, 0,
                0, 1, 1, 0,
                0, 0, 0, 0,
            ],
            half.Decode());

        // x 2.2..5.0, y 1.0..3.6: columns 2, 3, 4 and rows 1, 2, 3 (pycocotools gives ";320009", area 9).
        var box = CocoRle.FromPolygon([2.2, 1.0, 5.0, 1.0, 5.0, 3.6, 2.2, 3.6], 5, 7);
        Assert.Equal(";320009", box.ToCompressedString());
        Assert.Equal(9, box.Area());
        Assert.Equal(new CocoBox(2, 1, 3, 3), box.ToBoundingBox());
    }

    [Fact]
    public void Polygon_outside_the_image_is_clipped()
    {
        var rle = CocoRle.FromPolygon([-10, -10, -10, 2, 2, 2, 2, -10], 4, 4);
        Assert.Equal(4, rle.Area());
        Assert.Equal(new CocoBox(0, 0, 2, 2), rle.ToBoundingBox());
        Assert.Equal(0, CocoRle.FromPolygon([10, 10, 10, 12, 12, 12], 4, 4).Area());
    }

    [Fact]
    public void Invalid_polygons_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => CocoRle.FromPolygon([], 4, 4));
        Assert.Throws<ArgumentException>(() => CocoRle.FromPolygon([1], 4, 4));
        Assert.Throws<ArgumentException>(() => CocoRle.FromPolygon([1, double.NaN, 2, 2, 3, 3], 4, 4));
        Assert.Throws<ArgumentException>(() => CocoRle.FromPolygon([1, 1, 2, double.PositiveInfinity, 3, 3], 4, 4));
        Assert.Throws<ArgumentException>(() => CocoRle.FromPolygon([1, 1, 2, 1e12, 3, 3], 4, 4));
    }

    [Fact]
    public void Several_polygons_are_merged_by_union()
    {
        var left = CocoRle.FromPolygon([0, 0, 0, 2, 2, 2, 2, 0], 4, 4);
        var right = CocoRle.FromPolygon([2, 2, 2, 4, 4, 4, 4, 2], 4, 4);
        var both = CocoRle.FromPolygons([[0, 0, 0, 2, 2, 2, 2, 0], [2, 2, 2, 4, 4, 4, 4, 2]], 4, 4);
        Assert.Equal(8, both.Area());
        Assert.Equal(CocoRle.Merge([left, right]), both);
        Assert.Equal(CocoRle.Empty(4, 4), CocoRle.FromPolygons([], 4, 4));
    }

    [Fact]
    public void Merge_computes_union_and_intersection_pixel_by_pixel()
    {
        var random = new Random(11);
        for (int trial = 0; trial < 50; trial++)
        {
            int h = random.Next(1, 12), w = random.Next(1, 12);
            var masks = Enumerable.Range(0, random.Next(2, 5)).Select(i => RandomMask(random, h, w, trial + i)).ToList();
            var rles = masks.Select(m => CocoRle.Encode(m, h, w)).ToList();

            var union = new byte[h * w];
            var intersection = Enumerable.Repeat((byte)1, h * w).ToArray();
            foreach (var m in masks)
            {
                for (int i = 0; i < m.Length; i++)
                {
                    union[i] |= m[i] != 0 ? (byte)1 : (byte)0;
                    intersection[i] &= m[i] != 0 ? (byte)1 : (byte)0;
                }
            }

            Assert.Equal(CocoRle.Encode(union, h, w), CocoRle.Merge(rles, intersect: false));
            Assert.Equal(CocoRle.Encode(intersection, h, w), CocoRle.Merge(rles, intersect: true));
        }
    }

    [Fact]
    public void Merge_edge_cases()
    {
        var one = CocoRle.Empty(2, 2);
        Assert.Same(one, CocoRle.Merge([one]));
        var none = CocoRle.Merge([]);
        Assert.Equal(0, none.Height);
        Assert.Equal(0, none.RunCount);
        Assert.Throws<ArgumentException>(() => CocoRle.Merge([CocoRle.Empty(2, 2), CocoRle.Empty(2, 3)]));

        // Zero-length interior runs (allowed in uncompressed RLEs) are handled.
        var withZeros = CocoRle.FromCounts([1, 0, 0, 2, 1], 2, 2); // ones at indices 1-2
        var plain = CocoRle.FromCounts([1, 2, 1], 2, 2);
        Assert.Equal(plain, CocoRle.Merge([withZeros, plain], intersect: true));
    }

    [Fact]
    public void Mask_iou_counts_pixels_and_uses_detection_area_for_crowds()
    {
        // dt covers columns 0-1 of a 4x4 mask (8 px); gt covers columns 1-2 (8 px); overlap 4 px.
        var dt = CocoRle.FromBox(new CocoBox(0, 0, 2, 4), 4, 4);
        var gt = CocoRle.FromBox(new CocoBox(1, 0, 2, 4), 4, 4);
        var far = CocoRle.FromBox(new CocoBox(3, 3, 1, 1), 4, 4);
        var iou = CocoRle.Iou([dt], [gt, gt, far], [false, true, false]);
        Assert.Equal(4.0 / 12, iou[0, 0]);
        Assert.Equal(4.0 / 8, iou[0, 1]); // crowd: intersection / detection area
        Assert.Equal(0, iou[0, 2]);

        // Different sizes with overlapping boxes give -1, as in pycocotools.
        var other = CocoRle.FromBox(new CocoBox(0, 0, 2, 4), 5, 4);
        Assert.Equal(-1, CocoRle.Iou([dt], [other], [false])[0, 0]);

        Assert.Equal(0, CocoRle.Iou([], [gt], [false]).GetLength(0));
        Assert.Throws<ArgumentException>(() => CocoRle.Iou([dt], [gt], []));
    }

    [Fact]
    public void Mask_iou_matches_a_pixel_count_on_random_masks()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 40; trial++)
        {
            int h = random.Next(1, 15), w = random.Next(1, 15);
            var a = RandomMask(random, h, w, trial);
            var b = RandomMask(random, h, w, trial + 1);
            int inter = 0, union = 0, areaA = 0;
            for (int i = 0; i < a.Length; i++)
            {
                bool x = a[i] != 0, y = b[i] != 0;
                inter += x && y ? 1 : 0;
                union += x || y ? 1 : 0;
                areaA += x ? 1 : 0;
            }

            var iou = CocoRle.Iou([CocoRle.Encode(a, h, w)], [CocoRle.Encode(b, h, w), CocoRle.Encode(b, h, w)], [false, true]);
            Assert.Equal(inter == 0 ? 0 : (double)inter / union, iou[0, 0]);
            Assert.Equal(inter == 0 ? 0 : (double)inter / areaA, iou[0, 1]);
        }
    }

    [Fact]
    public void Box_iou_follows_bbIou()
    {
        // [0,0,10,10] vs [5,0,10,10]: intersection 50, union 150.
        var iou = CocoRle.BoxIou([new CocoBox(0, 0, 10, 10)], [new CocoBox(5, 0, 10, 10), new CocoBox(5, 0, 10, 10), new CocoBox(10, 0, 5, 5)], [false, true, false]);
        Assert.Equal(50.0 / 150, iou[0, 0]);
        Assert.Equal(50.0 / 100, iou[0, 1]); // crowd: / detection area
        Assert.Equal(0, iou[0, 2]); // touching edges do not overlap
        Assert.Equal(1, iou.GetLength(0));
        Assert.Equal(3, iou.GetLength(1));
    }

    [Fact]
    public void Equality_and_hash_follow_the_runs()
    {
        var a = CocoRle.FromCounts([1, 2, 3], 2, 3);
        var b = CocoRle.FromCompressedString(a.ToCompressedString(), 2, 3);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, CocoRle.FromCounts([1, 2, 3], 3, 2));
        Assert.NotEqual(a, CocoRle.FromCounts([2, 2, 2], 2, 3));
    }

    private static byte[] RandomMask(Random random, int height, int width, int trial)
    {
        var mask = new byte[height * width];
        switch (trial % 5)
        {
            case 0:
                break; // empty
            case 1:
                Array.Fill(mask, (byte)1); // full
                break;
            case 2:
                for (int i = 0; i < mask.Length; i++)
                {
                    mask[i] = (byte)(random.NextDouble() < 0.5 ? random.Next(1, 256) : 0);
                }

                break;
            default:
                for (int r = 0; r < 3 && height > 0 && width > 0; r++)
                {
                    int y0 = random.Next(height), x0 = random.Next(width);
                    int y1 = random.Next(y0, height), x1 = random.Next(x0, width);
                    for (int y = y0; y <= y1; y++)
                    {
                        for (int x = x0; x <= x1; x++)
                        {
                            mask[(y * width) + x] = 1;
                        }
                    }
                }

                break;
        }

        return mask;
    }

    private static byte[] Binary(byte[] mask) => mask.Select(b => b != 0 ? (byte)1 : (byte)0).ToArray();

    private static byte[] Transpose(byte[] rowMajor, int height, int width)
    {
        var columnMajor = new byte[rowMajor.Length];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                columnMajor[(x * height) + y] = rowMajor[(y * width) + x];
            }
        }

        return columnMajor;
    }

    private static long Sum(ReadOnlySpan<int> counts)
    {
        long sum = 0;
        foreach (int c in counts)
        {
            sum += c;
        }

        return sum;
    }
}
