using System.Runtime.InteropServices;
using MaskRcnn.Postprocessing;
using OpenCvSharp;

namespace MaskRcnn.Tests.Postprocessing;

/// <summary>The post-processor on hand-built output tensors: no model involved.</summary>
public sealed class MaskRcnnPostprocessorTests
{
    private static readonly DetectOptions Options = DetectOptions.Default;

    /// <summary>Builds detection rows and a mask blob [rows, classes, S, S] filled per (row, class) by a function.</summary>
    private sealed class Outputs(int rows, int classes, int size)
    {
        public float[] Detections { get; } = new float[rows * 7];
        public float[] Masks { get; } = new float[rows * classes * size * size];
        public int Classes => classes;
        public int Size => size;

        public Outputs Row(int i, int classId, float score, float x1, float y1, float x2, float y2)
        {
            float[] row = [0, classId, score, x1, y1, x2, y2];
            row.CopyTo(Detections, i * 7);
            return this;
        }

        public Outputs Mask(int row, int classId, Func<int, int, float> value)
        {
            var offset = (row * classes + classId) * size * size;
            for (var y = 0; y < size; y++)
                for (var x = 0; x < size; x++)
                    Masks[offset + y * size + x] = value(x, y);
            return this;
        }

        public IReadOnlyList<Instance> Decode(int width, int height, DetectOptions? options = null, LabelMap? labels = null) =>
            MaskRcnnPostprocessor.Decode(Detections, Masks, classes, size, width, height, options ?? Options, labels);
    }

    [Fact]
    public void All_zero_rows_give_no_instance()
    {
        var outputs = new Outputs(100, 3, 15);
        Assert.Empty(outputs.Decode(640, 480));
    }

    [Fact]
    public void Rows_below_the_score_threshold_and_outside_the_class_list_are_dropped()
    {
        var outputs = new Outputs(4, 3, 15)
            .Row(0, 0, 0.49f, 0.1f, 0.1f, 0.2f, 0.2f)
            .Row(1, 1, 0.50f, 0.1f, 0.1f, 0.2f, 0.2f)
            .Row(2, 2, 0.90f, 0.3f, 0.3f, 0.5f, 0.5f)
            .Row(3, 1, 0.70f, 0.6f, 0.6f, 0.9f, 0.9f);

        var all = outputs.Decode(100, 100);
        Assert.Equal([2, 3, 1], all.Select(i => i.DetectionIndex));
        Assert.Equal([0.90f, 0.70f, 0.50f], all.Select(i => i.Score));

        var onlyClass1 = outputs.Decode(100, 100, Options with { ClassIds = new HashSet<int> { 1 } });
        Assert.Equal([3, 1], onlyClass1.Select(i => i.DetectionIndex));

        var top1 = outputs.Decode(100, 100, Options with { MaxInstances = 1 });
        Assert.Equal(2, Assert.Single(top1).DetectionIndex);
    }

    [Fact]
    public void Each_mask_comes_from_its_own_detection_row_and_class_channel_whatever_is_filtered()
    {
        // Row 0 is filtered out by its score; row 1's mask must be read from row 1, channel 2. Every other
        // (row, channel) holds a full mask, so reading the wrong one would fill the whole box.
        var outputs = new Outputs(3, 3, 4);
        for (var r = 0; r < 3; r++)
            for (var c = 0; c < 3; c++)
                outputs.Mask(r, c, (_, _) => 1f);
        outputs.Row(0, 2, 0.1f, 0f, 0f, 1f, 1f)
               .Row(1, 2, 0.9f, 0f, 0f, 1f, 1f)
               .Mask(1, 2, (x, _) => x < 2 ? 1f : 0f);

        var instance = Assert.Single(outputs.Decode(8, 8));
        Assert.Equal(1, instance.DetectionIndex);
        Assert.Equal(2, instance.ClassId);
        var mask = instance.FullMask();
        for (var y = 0; y < 8; y++)
            for (var x = 0; x < 8; x++)
                Assert.Equal(x < 4 ? 1 : 0, mask[y * 8 + x]);
    }

    [Fact]
    public void Boxes_are_clipped_to_the_image_and_masks_end_at_its_edges()
    {
        var outputs = new Outputs(1, 1, 8).Row(0, 0, 0.99f, -0.25f, 0.5f, 0.5f, 1.5f).Mask(0, 0, (_, _) => 1f);

        var instance = Assert.Single(outputs.Decode(40, 20));

        Assert.Equal(new BoxF(0, 10, 20, 20), instance.BoxF);
        Assert.Equal(new Rect(0, 10, 20, 10), instance.Box);
        Assert.Equal(200, instance.Area);
        var full = instance.FullMask();
        Assert.Equal(40 * 20, full.Length);
        Assert.Equal(1, full[19 * 40 + 0]);
        Assert.Equal(1, full[10 * 40 + 19]);
        Assert.Equal(0, full[9 * 40 + 0]);
        Assert.Equal(0, full[10 * 40 + 20]);
    }

    [Fact]
    public void Boxes_that_cover_no_whole_pixel_are_dropped_and_inverted_boxes_are_normalised()
    {
        var outputs = new Outputs(3, 1, 4)
            .Row(0, 0, 0.9f, 0.500f, 0.5f, 0.504f, 0.6f)   // 0.4 px wide at 100 px
            .Row(1, 0, 0.8f, 0.6f, 0.6f, 0.2f, 0.2f)       // corners swapped
            .Row(2, 0, 0.7f, 1.2f, 1.2f, 1.5f, 1.5f);      // entirely outside
        for (var r = 0; r < 3; r++) outputs.Mask(r, 0, (_, _) => 1f);

        var instance = Assert.Single(outputs.Decode(100, 100));
        Assert.Equal(1, instance.DetectionIndex);
        Assert.Equal(new Rect(20, 20, 40, 40), instance.Box);
    }

    [Theory]
    [InlineData(15, 37, 23)]
    [InlineData(33, 120, 64)]
    [InlineData(7, 5, 9)]
    [InlineData(15, 1, 1)]
    [InlineData(28, 300, 17)]
    // Widths around the 32-pixel vector step: whole steps, a step plus a scalar tail, and nearly the whole image.
    [InlineData(15, 32, 3)]
    [InlineData(15, 33, 2)]
    [InlineData(15, 95, 40)]
    [InlineData(33, 399, 299)]
    public void Mask_paste_equals_a_reference_Cv2_Resize_then_threshold_decode_pixel_for_pixel(int size, int width, int height)
    {
        // The reference is how OpenCV's sample decodes: Cv2.Resize of the S x S map to the box (INTER_LINEAR), then > 0.5.
        var random = new Random(size * 1000 + width + height);
        var outputs = new Outputs(1, 2, size).Row(0, 1, 0.9f, 0, 0, width / 400f, height / 300f)
            .Mask(0, 1, (_, _) => (float)random.NextDouble());

        var instance = Assert.Single(outputs.Decode(400, 300));
        Assert.Equal(new Rect(0, 0, width, height), instance.Box);

        using var map = new Mat(size, size, MatType.CV_32FC1);
        Marshal.Copy(outputs.Masks, size * size, map.Data, size * size);
        using var resized = new Mat();
        Cv2.Resize(map, resized, new Size(width, height), 0, 0, InterpolationFlags.Linear);
        var reference = new float[width * height];
        Marshal.Copy(resized.Data, reference, 0, reference.Length);

        var mask = instance.BoxMask.ToArray();
        var differences = Enumerable.Range(0, reference.Length).Where(i => (reference[i] > 0.5f ? 1 : 0) != mask[i]).ToList();
        // Equal except where OpenCV's float arithmetic lands within one float step (2^-24 at 0.5) of the threshold on
        // the other side of the double-precision value.
        Assert.All(differences, i => Assert.True(Math.Abs(reference[i] - 0.5f) <= 6e-8f, $"pixel {i}: reference {reference[i]}, ours {mask[i]}"));
    }

    [Fact]
    public void A_box_edge_a_hair_under_a_half_is_rounded_down_though_its_float_product_is_the_half()
    {
        // The float nearest 697.5 / 800 is a hair under it: in float arithmetic x * 800 rounds up to 697.5 (which would
        // round to 698); in double it is 697.4999905, and the pixel edge is 697.
        var x = (float)(697.5 / 800);
        Assert.Equal(697.5f, x * 800f);
        Assert.True(x * 800.0 < 697.5);
        var instance = Assert.Single(new Outputs(1, 1, 15).Row(0, 0, 0.9f, x, 0, 1, 0.5f).Mask(0, 0, (_, _) => 1f).Decode(800, 600));
        Assert.Equal(697, instance.Box.X);
        Assert.Equal(800 - 697, instance.Box.Width);
        Assert.Equal(x * 800.0, instance.BoxF.X1);
    }

    [Theory]
    [InlineData(0.5f, 801, 401)]
    [InlineData(0.25f, 802, 201)]
    [InlineData(0.125f, 804, 101)]
    public void A_box_edge_exactly_on_a_half_goes_up(float x1, int width, int expectedLeft)
    {
        var instance = Assert.Single(new Outputs(1, 1, 15).Row(0, 0, 0.9f, x1, 0, 1, 1).Mask(0, 0, (_, _) => 1f).Decode(width, 100));
        Assert.Equal(expectedLeft, instance.Box.X);
        Assert.Equal(width - expectedLeft, instance.Box.Width);
        Assert.Equal(new BoxF(x1 * (double)width, 0, width, 100).ToRect(), instance.Box);
    }

    [Fact]
    public void A_probability_of_exactly_the_threshold_is_not_in_the_mask_as_in_OpenCVs_decode()
    {
        // Columns alternating 0.25 and 0.75, halved by the resize: every value is exactly 0.5 in OpenCV and here.
        const int size = 14;
        var outputs = new Outputs(1, 1, size).Row(0, 0, 0.9f, 0, 0, size / 2 / 100f, size / 2 / 100f).Mask(0, 0, (x, _) => x % 2 == 0 ? 0.25f : 0.75f);
        var instance = Assert.Single(outputs.Decode(100, 100));
        Assert.Equal(new Rect(0, 0, size / 2, size / 2), instance.Box);
        using var map = new Mat(size, size, MatType.CV_32FC1);
        Marshal.Copy(outputs.Masks, 0, map.Data, size * size);
        using var resized = new Mat();
        Cv2.Resize(map, resized, new Size(size / 2, size / 2), 0, 0, InterpolationFlags.Linear);
        var reference = new float[size / 2 * (size / 2)];
        Marshal.Copy(resized.Data, reference, 0, reference.Length);
        Assert.All(reference, v => Assert.Equal(0.5f, v));
        Assert.Equal(0, instance.Area);
        // Just under the threshold, the same values are in.
        var lower = Assert.Single(MaskRcnnPostprocessor.Decode(outputs.Detections, outputs.Masks, 1, size, 100, 100, Options with { MaskThreshold = MathF.BitDecrement(0.5f) }));
        Assert.Equal(size / 2 * (size / 2), lower.Area);
    }

    [Fact]
    public void Mask_Mats_hold_the_mask_as_0_and_255_at_the_boxs_place()
    {
        var random = new Random(5);
        // A 37-pixel-wide box: two 16-byte vector steps and a scalar tail per row.
        var outputs = new Outputs(1, 2, 15).Row(0, 1, 0.9f, 100 / 400f, 30 / 300f, 137 / 400f, 59 / 300f)
            .Mask(0, 1, (_, _) => (float)random.NextDouble());
        var instance = Assert.Single(outputs.Decode(400, 300));
        Assert.Equal(new Rect(100, 30, 37, 29), instance.Box);
        Assert.InRange(instance.Area, 1, 37 * 29 - 1);

        using var box = instance.BoxMaskToMat();
        using var full = instance.FullMaskToMat();
        Assert.Equal((37, 29, MatType.CV_8UC1), (box.Width, box.Height, box.Type()));
        Assert.Equal((400, 300, MatType.CV_8UC1), (full.Width, full.Height, full.Type()));
        var boxMask = instance.BoxMask.ToArray();
        var fullMask = instance.FullMask();
        for (var y = 0; y < 300; y++)
            for (var x = 0; x < 400; x++)
                Assert.Equal(fullMask[y * 400 + x] * 255, full.At<byte>(y, x));
        for (var y = 0; y < 29; y++)
            for (var x = 0; x < 37; x++)
                Assert.Equal(boxMask[y * 37 + x] * 255, box.At<byte>(y, x));
        Assert.Equal(instance.Area, Cv2.CountNonZero(full));
    }

    [Fact]
    public void Labels_name_instances_and_unknown_ids_fall_back_to_class_N()
    {
        var outputs = new Outputs(2, 3, 4).Row(0, 0, 0.9f, 0, 0, 0.5f, 0.5f).Row(1, 2, 0.8f, 0.5f, 0.5f, 1, 1);
        var labels = new LabelMap(["dim", "medium"]);
        var instances = outputs.Decode(10, 10, null, labels);
        Assert.Equal(["dim", "class 2"], instances.Select(i => i.Label));
    }

    [Fact]
    public void Mismatched_tensors_are_a_typed_error_that_quotes_the_sizes()
    {
        var e = Assert.Throws<ModelOutputException>(() =>
            MaskRcnnPostprocessor.Decode(new float[7 * 10], new float[9 * 3 * 15 * 15], 3, 15, 100, 100, Options));
        Assert.Contains("10 detection rows x 3 classes x 15x15", e.Message);

        var badClass = new Outputs(1, 3, 4).Row(0, 5, 0.9f, 0, 0, 1, 1);
        Assert.Contains("class id 5", Assert.Throws<ModelOutputException>(() => badClass.Decode(10, 10)).Message);
    }

    [Fact]
    public void Mask_threshold_is_applied_with_strictly_greater()
    {
        var outputs = new Outputs(1, 1, 2).Row(0, 0, 0.9f, 0, 0, 1, 1).Mask(0, 0, (x, _) => x == 0 ? 0.5f : 0.75f);
        var atHalf = Assert.Single(outputs.Decode(2, 2));
        Assert.Equal([0, 1, 0, 1], atHalf.BoxMask.ToArray());
        var at075 = Assert.Single(outputs.Decode(2, 2, Options with { MaskThreshold = 0.75f }));
        Assert.Equal(0, at075.Area);
    }
}
