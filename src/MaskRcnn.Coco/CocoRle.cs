using System.Globalization;
using System.Text;

namespace MaskRcnn.Coco;

/// <summary>
/// A binary mask in COCO run-length encoding: the pixels are read in column-major order (down the first column, then
/// down the second, ...) and <see cref="Counts"/> holds the lengths of alternating runs of zeros and ones, always
/// starting with a run of zeros (which may have length 0). The encoding, the compressed string form and every
/// operation follow pycocotools' <c>maskApi.c</c>, so RLEs and strings can be exchanged with it unchanged.
/// Instances are immutable.
/// </summary>
public sealed class CocoRle : IEquatable<CocoRle>
{
    private const double PolygonScale = 5;
    private const double MaxPolygonCoordinate = 2e8;
    private const int MaxChunksPerValue = 12;

    private readonly int[] _counts;

    private CocoRle(int height, int width, int[] counts)
    {
        Height = height;
        Width = width;
        _counts = counts;
    }

    /// <summary>Gets the mask height in pixels (rows).</summary>
    public int Height { get; }

    /// <summary>Gets the mask width in pixels (columns).</summary>
    public int Width { get; }

    /// <summary>Gets the number of pixels, <c>Height * Width</c>.</summary>
    public int PixelCount => Height * Width;

    /// <summary>
    /// Gets the run lengths: zeros, ones, zeros, ... in column-major pixel order. They add up to
    /// <see cref="PixelCount"/>.
    /// </summary>
    public ReadOnlySpan<int> Counts => _counts;

    /// <summary>Gets the number of runs in <see cref="Counts"/>.</summary>
    public int RunCount => _counts.Length;

    /// <summary>Creates an all-zero mask of the given size.</summary>
    /// <param name="height">Mask height; not negative.</param>
    /// <param name="width">Mask width; not negative.</param>
    /// <returns>An RLE with the single run <c>[height * width]</c>.</returns>
    public static CocoRle Empty(int height, int width)
    {
        int total = CheckSize(height, width);
        return new CocoRle(height, width, [total]);
    }

    /// <summary>
    /// Encodes a binary mask (any nonzero byte is foreground). The result is identical to pycocotools'
    /// <c>mask.encode</c> of the same mask.
    /// </summary>
    /// <param name="mask">The mask, <c>height * width</c> bytes.</param>
    /// <param name="height">Mask height; not negative.</param>
    /// <param name="width">Mask width; not negative.</param>
    /// <param name="rowMajor">
    /// <see langword="true"/> (the default) when <paramref name="mask"/> is stored row by row, as OpenCV and this
    /// library store masks; <see langword="false"/> when it is stored column by column (NumPy Fortran order, as
    /// pycocotools expects).
    /// </param>
    /// <returns>The run-length encoding.</returns>
    /// <exception cref="ArgumentException">The sizes are negative or do not match the mask length.</exception>
    public static CocoRle Encode(ReadOnlySpan<byte> mask, int height, int width, bool rowMajor = true)
    {
        int total = CheckSize(height, width);
        if (mask.Length != total)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The mask has {mask.Length} bytes but a {height}x{width} mask needs {total}."),
                nameof(mask));
        }

        var runs = new RunBuilder(16);
        if (!rowMajor || height == 1 || width == 1)
        {
            // Column-major order is the RLE order: scan for runs directly (vectorised by IndexOf).
            int pos = 0;
            while (pos < total)
            {
                int zeros = mask[pos..].IndexOfAnyExcept((byte)0);
                if (zeros < 0)
                {
                    zeros = total - pos;
                }

                runs.Add(zeros);
                pos += zeros;
                if (pos == total)
                {
                    break;
                }

                int ones = mask[pos..].IndexOf((byte)0);
                if (ones < 0)
                {
                    ones = total - pos;
                }

                runs.Add(ones);
                pos += ones;
            }

            if (runs.Count == 0)
            {
                runs.Add(0);
            }
        }
        else
        {
            bool previous = false;
            int current = 0;
            for (int x = 0; x < width; x++)
            {
                for (int i = x; i < total; i += width)
                {
                    bool value = mask[i] != 0;
                    if (value != previous)
                    {
                        runs.Add(current);
                        current = 0;
                        previous = value;
                    }

                    current++;
                }
            }

            runs.Add(current);
        }

        return new CocoRle(height, width, runs.ToArray());
    }

    /// <summary>Encodes a binary mask stored column by column (NumPy Fortran order, as pycocotools takes it).</summary>
    /// <param name="mask">The mask, <c>height * width</c> bytes, column-major.</param>
    /// <param name="height">Mask height; not negative.</param>
    /// <param name="width">Mask width; not negative.</param>
    /// <returns>The run-length encoding.</returns>
    /// <exception cref="ArgumentException">The sizes are negative or do not match the mask length.</exception>
    public static CocoRle EncodeColumnMajor(ReadOnlySpan<byte> mask, int height, int width) => Encode(mask, height, width, rowMajor: false);

    /// <summary>
    /// Creates an RLE from uncompressed run lengths (the <c>counts</c> integer list of COCO's uncompressed RLE).
    /// Zero-length runs are accepted and kept as given.
    /// </summary>
    /// <param name="counts">Run lengths, zeros first; not negative; they must add up to <c>height * width</c>.</param>
    /// <param name="height">Mask height; not negative.</param>
    /// <param name="width">Mask width; not negative.</param>
    /// <returns>The RLE.</returns>
    /// <exception cref="ArgumentException">A run is negative or the runs do not cover the mask exactly.</exception>
    public static CocoRle FromCounts(ReadOnlySpan<int> counts, int height, int width)
    {
        int total = CheckSize(height, width);
        long sum = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] < 0)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Run {i} has the negative length {counts[i]}."), nameof(counts));
            }

            sum += counts[i];
        }

        if (sum != total)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The runs cover {sum} pixels but a {height}x{width} mask has {total}."),
                nameof(counts));
        }

        return new CocoRle(height, width, counts.ToArray());
    }

    /// <summary>
    /// Parses COCO's compressed RLE string (the <c>counts</c> string of a compressed RLE, as written by pycocotools'
    /// <c>rleToString</c>).
    /// </summary>
    /// <param name="counts">The compressed string: characters <c>'0'</c> (48) to <c>'o'</c> (111).</param>
    /// <param name="height">Mask height (<c>size[0]</c>); not negative.</param>
    /// <param name="width">Mask width (<c>size[1]</c>); not negative.</param>
    /// <returns>The RLE.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="counts"/> is null.</exception>
    /// <exception cref="ArgumentException">The size is negative or too large.</exception>
    /// <exception cref="FormatException">The string is malformed or does not describe a mask of that size.</exception>
    public static CocoRle FromCompressedString(string counts, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(counts);
        int total = CheckSize(height, width);
        var runs = new RunBuilder(Math.Max(4, counts.Length / 2));
        long sum = 0;
        int p = 0;
        while (p < counts.Length)
        {
            int start = p;
            long x = 0;
            int k = 0;
            bool more = true;
            while (more)
            {
                if (p >= counts.Length)
                {
                    throw new FormatException(
                        string.Create(CultureInfo.InvariantCulture, $"The compressed RLE string ends inside the value that starts at character {start}."));
                }

                int c = counts[p] - 48;
                if (c < 0 || c > 63)
                {
                    throw new FormatException(
                        string.Create(CultureInfo.InvariantCulture, $"The compressed RLE string has the invalid character '{counts[p]}' at position {p}; only '0' to 'o' occur."));
                }

                if (k >= MaxChunksPerValue)
                {
                    throw new FormatException(
                        string.Create(CultureInfo.InvariantCulture, $"The value that starts at character {start} of the compressed RLE string is too long."));
                }

                x |= (long)(c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0)
                {
                    x |= -1L << (5 * k);
                }
            }

            if (runs.Count > 2)
            {
                x += runs[runs.Count - 2];
            }

            if (x < 0 || x > total)
            {
                throw new FormatException(
                    string.Create(CultureInfo.InvariantCulture, $"Run {runs.Count} of the compressed RLE string decodes to {x}, outside 0..{total} for a {height}x{width} mask."));
            }

            sum += x;
            if (sum > total)
            {
                throw new FormatException(
                    string.Create(CultureInfo.InvariantCulture, $"The compressed RLE string covers more than the {total} pixels of a {height}x{width} mask."));
            }

            runs.Add((int)x);
        }

        if (sum != total)
        {
            throw new FormatException(
                string.Create(CultureInfo.InvariantCulture, $"The compressed RLE string covers {sum} pixels but a {height}x{width} mask has {total}."));
        }

        return new CocoRle(height, width, runs.ToArray());
    }

    /// <summary>
    /// Writes the compressed string form exactly as pycocotools' <c>rleToString</c>: each run (after the third, as
    /// the difference to the run two places before it) is written little end first in 5-bit groups, one character
    /// per group, with bit 5 set while more groups follow and 48 added to every character.
    /// </summary>
    /// <returns>The compressed <c>counts</c> string.</returns>
    public string ToCompressedString()
    {
        var builder = new StringBuilder(_counts.Length * 2);
        for (int i = 0; i < _counts.Length; i++)
        {
            long x = _counts[i];
            if (i > 2)
            {
                x -= _counts[i - 2];
            }

            bool more = true;
            while (more)
            {
                int c = (int)(x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more)
                {
                    c |= 0x20;
                }

                builder.Append((char)(c + 48));
            }
        }

        return builder.ToString();
    }

    /// <summary>Decodes the mask into a new row-major array of 0 and 1 bytes (<c>Height * Width</c> long).</summary>
    /// <returns>The mask, row by row.</returns>
    public byte[] Decode()
    {
        // DecodeInto writes every byte, so the array need not be zeroed twice.
        var mask = GC.AllocateUninitializedArray<byte>(PixelCount);
        DecodeInto(mask);
        return mask;
    }

    /// <summary>Decodes the mask row by row into <paramref name="destination"/>, writing 0 and 1.</summary>
    /// <param name="destination">Exactly <c>Height * Width</c> bytes; every byte is overwritten.</param>
    /// <exception cref="ArgumentException">The destination has the wrong length.</exception>
    public void DecodeInto(Span<byte> destination)
    {
        CheckDestination(destination);
        if (Height == 1 || Width == 1)
        {
            DecodeColumnMajorInto(destination);
            return;
        }

        destination.Clear();
        int h = Height;
        int w = Width;
        int pos = 0;
        for (int j = 0; j < _counts.Length; j++)
        {
            int run = _counts[j];
            if ((j & 1) == 1 && run > 0)
            {
                int y = pos % h;
                int x = pos / h;
                int index = (y * w) + x;
                for (int r = 0; r < run; r++)
                {
                    destination[index] = 1;
                    if (++y == h)
                    {
                        y = 0;
                        x++;
                        index = x;
                    }
                    else
                    {
                        index += w;
                    }
                }
            }

            pos += run;
        }
    }

    /// <summary>Decodes the mask into a new column-major array of 0 and 1 bytes (the order pycocotools uses).</summary>
    /// <returns>The mask, column by column.</returns>
    public byte[] DecodeColumnMajor()
    {
        var mask = GC.AllocateUninitializedArray<byte>(PixelCount);
        DecodeColumnMajorInto(mask);
        return mask;
    }

    /// <summary>Decodes the mask column by column into <paramref name="destination"/>, writing 0 and 1.</summary>
    /// <param name="destination">Exactly <c>Height * Width</c> bytes; every byte is overwritten.</param>
    /// <exception cref="ArgumentException">The destination has the wrong length.</exception>
    public void DecodeColumnMajorInto(Span<byte> destination)
    {
        CheckDestination(destination);
        int pos = 0;
        byte value = 0;
        foreach (int run in _counts)
        {
            destination.Slice(pos, run).Fill(value);
            pos += run;
            value ^= 1;
        }
    }

    /// <summary>Counts the foreground pixels (pycocotools' <c>area</c>).</summary>
    /// <returns>The number of ones.</returns>
    public long Area()
    {
        long area = 0;
        for (int j = 1; j < _counts.Length; j += 2)
        {
            area += _counts[j];
        }

        return area;
    }

    /// <summary>
    /// Computes the bounding box exactly as pycocotools' <c>toBbox</c> (<c>rleToBbox</c>). That function works on
    /// runs rather than pixels: when a run of ones wraps from one column into the next, the box is widened to the
    /// full mask height, even if no pixel lies in the rows it adds. An empty mask gives <c>[0, 0, 0, 0]</c>.
    /// </summary>
    /// <returns>The box <c>[x, y, w, h]</c>.</returns>
    public CocoBox ToBoundingBox()
    {
        // Unsigned arithmetic on purpose: it mirrors the C code, including for runs of length zero.
        uint h = (uint)Height;
        uint w = (uint)Width;
        int m = _counts.Length / 2 * 2;
        if (m == 0 || h == 0 || w == 0)
        {
            return default;
        }

        uint xs = w, ys = h, xe = 0, ye = 0, cc = 0, xp = 0;
        unchecked
        {
            for (int j = 0; j < m; j++)
            {
                cc += (uint)_counts[j];
                uint t = cc - (uint)(j % 2);
                uint y = t % h;
                uint x = (t - y) / h;
                if (j % 2 == 0)
                {
                    xp = x;
                }
                else if (xp < x)
                {
                    ys = 0;
                    ye = h - 1;
                }

                xs = Math.Min(xs, x);
                xe = Math.Max(xe, x);
                ys = Math.Min(ys, y);
                ye = Math.Max(ye, y);
            }

            return new CocoBox(xs, ys, (double)xe - xs + 1, (double)ye - ys + 1);
        }
    }

    /// <summary>
    /// Merges masks of one size by union or intersection (pycocotools' <c>merge</c>). The result is in canonical
    /// form (no zero-length runs except possibly the first).
    /// </summary>
    /// <param name="rles">The masks; all of the same size.</param>
    /// <param name="intersect"><see langword="true"/> for the intersection, <see langword="false"/> for the union.</param>
    /// <returns>
    /// The merged mask. One input is returned as it is; no input gives a 0x0 mask with no runs, as in pycocotools.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="rles"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException">The masks differ in size (pycocotools silently returns an empty mask).</exception>
    public static CocoRle Merge(IEnumerable<CocoRle> rles, bool intersect = false)
    {
        ArgumentNullException.ThrowIfNull(rles);
        CocoRle? result = null;
        foreach (var rle in rles)
        {
            ArgumentNullException.ThrowIfNull(rle, nameof(rles));
            if (result is null)
            {
                result = rle;
                continue;
            }

            if (rle.Height != result.Height || rle.Width != result.Width)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Cannot merge a {rle.Height}x{rle.Width} mask with a {result.Height}x{result.Width} mask."),
                    nameof(rles));
            }

            result = MergeTwo(result, rle, intersect);
        }

        return result ?? new CocoRle(0, 0, []);
    }

    /// <summary>
    /// Rasterises a polygon exactly as pycocotools' <c>frPyObjects</c> / <c>rleFrPoly</c>: the vertices are scaled by
    /// 5 and rounded, the boundary is traced on that fine grid, and a pixel is inside when its centre lies inside the
    /// traced boundary.
    /// </summary>
    /// <param name="xy">Vertices as <c>x0, y0, x1, y1, ...</c> in pixel coordinates; an odd trailing value is ignored.</param>
    /// <param name="height">Mask height; not negative.</param>
    /// <param name="width">Mask width; not negative.</param>
    /// <returns>The RLE of the filled polygon.</returns>
    /// <exception cref="ArgumentException">
    /// The polygon has no vertex, a coordinate is not finite or beyond ±2e8, or the size is invalid.
    /// </exception>
    public static CocoRle FromPolygon(ReadOnlySpan<double> xy, int height, int width)
    {
        int total = CheckSize(height, width);
        int k = xy.Length / 2;
        if (k == 0)
        {
            throw new ArgumentException("A polygon needs at least one vertex (two coordinates).", nameof(xy));
        }

        for (int i = 0; i < 2 * k; i++)
        {
            if (!double.IsFinite(xy[i]) || Math.Abs(xy[i]) > MaxPolygonCoordinate)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Polygon coordinate {i} is {xy[i]}; coordinates must be finite and within ±{MaxPolygonCoordinate}."),
                    nameof(xy));
            }
        }

        if (height == 0 || width == 0)
        {
            return new CocoRle(height, width, [0]);
        }

        var px = new int[k + 1];
        var py = new int[k + 1];
        for (int j = 0; j < k; j++)
        {
            px[j] = (int)((PolygonScale * xy[(j * 2) + 0]) + .5);
            py[j] = (int)((PolygonScale * xy[(j * 2) + 1]) + .5);
        }

        px[k] = px[0];
        py[k] = py[0];

        // Walk the boundary point by point on the upsampled grid; wherever the fine x changes, keep the crossing if
        // it lies on a pixel centre column, as the row where the mask toggles in that column.
        var crossings = new RunBuilder(16);
        var tracer = new BoundaryTracer(height, width, crossings);
        for (int j = 0; j < k; j++)
        {
            int xs = px[j], xe = px[j + 1], ys = py[j], ye = py[j + 1];
            int dx = Math.Abs(xe - xs);
            int dy = Math.Abs(ys - ye);
            bool flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip)
            {
                (xs, xe) = (xe, xs);
                (ys, ye) = (ye, ys);
            }

            double s = dx >= dy ? (double)(ye - ys) / dx : (double)(xe - xs) / dy;
            if (dx >= dy)
            {
                for (int d = 0; d <= dx; d++)
                {
                    int t = flip ? dx - d : d;
                    tracer.Add(t + xs, ToInt(ys + (s * t) + .5));
                }
            }
            else
            {
                for (int d = 0; d <= dy; d++)
                {
                    int t = flip ? dy - d : d;
                    tracer.Add(ToInt(xs + (s * t) + .5), t + ys);
                }
            }
        }

        // Turn the toggle positions (column-major pixel indices) into run lengths.
        crossings.Add(total);
        var a = crossings.ToArray();
        Array.Sort(a);
        int previous = 0;
        for (int j = 0; j < a.Length; j++)
        {
            int t = a[j];
            a[j] -= previous;
            previous = t;
        }

        var runs = new RunBuilder(a.Length);
        int i2 = 0;
        runs.Add(a[i2++]);
        while (i2 < a.Length)
        {
            if (a[i2] > 0)
            {
                runs.Add(a[i2++]);
            }
            else
            {
                // Two toggles at one pixel cancel: fold the following run into the previous one.
                i2++;
                if (i2 < a.Length)
                {
                    runs[runs.Count - 1] += a[i2++];
                }
            }
        }

        return new CocoRle(height, width, runs.ToArray());
    }

    /// <summary>
    /// Rasterises several polygons (the parts of one object) with <see cref="FromPolygon"/> and returns their union,
    /// as pycocotools' <c>annToRLE</c> does for polygon segmentations.
    /// </summary>
    /// <param name="polygons">The polygons, each as <c>x0, y0, x1, y1, ...</c>.</param>
    /// <param name="height">Mask height; not negative.</param>
    /// <param name="width">Mask width; not negative.</param>
    /// <returns>The union mask; an all-zero mask when there are no polygons.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="polygons"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException">A polygon is invalid (see <see cref="FromPolygon"/>).</exception>
    public static CocoRle FromPolygons(IEnumerable<double[]> polygons, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(polygons);
        CocoRle? result = null;
        foreach (var polygon in polygons)
        {
            ArgumentNullException.ThrowIfNull(polygon, nameof(polygons));
            var rle = FromPolygon(polygon, height, width);
            result = result is null ? rle : MergeTwo(result, rle, intersect: false);
        }

        return result ?? Empty(height, width);
    }

    /// <summary>
    /// Rasterises a box exactly as pycocotools' <c>frBbox</c>: as the polygon through its four corners.
    /// </summary>
    /// <param name="box">The box <c>[x, y, w, h]</c>.</param>
    /// <param name="height">Mask height; not negative.</param>
    /// <param name="width">Mask width; not negative.</param>
    /// <returns>The RLE of the box.</returns>
    /// <exception cref="ArgumentException">A coordinate is not finite or the size is invalid.</exception>
    public static CocoRle FromBox(CocoBox box, int height, int width)
    {
        double xs = box.X, xe = xs + box.Width;
        double ys = box.Y, ye = ys + box.Height;
        ReadOnlySpan<double> xy = [xs, ys, xs, ye, xe, ye, xe, ys];
        return FromPolygon(xy, height, width);
    }

    /// <summary>
    /// Computes the intersection over union of every detection mask with every ground-truth mask, as pycocotools'
    /// <c>iou</c> for RLEs. For a crowd ground truth the denominator is the detection's area instead of the union.
    /// Pairs whose bounding boxes (<see cref="ToBoundingBox"/>) do not overlap get 0 without looking at the masks,
    /// and pairs of different mask sizes whose boxes overlap get -1, both as in pycocotools.
    /// </summary>
    /// <param name="detections">Detection masks (rows of the result).</param>
    /// <param name="groundTruths">Ground-truth masks (columns of the result).</param>
    /// <param name="isCrowd">One flag per ground truth.</param>
    /// <returns>The IoU matrix <c>[detection, groundTruth]</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument or item is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="isCrowd"/> has the wrong length.</exception>
    public static double[,] Iou(IReadOnlyList<CocoRle> detections, IReadOnlyList<CocoRle> groundTruths, IReadOnlyList<bool> isCrowd)
    {
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentNullException.ThrowIfNull(groundTruths);
        ArgumentNullException.ThrowIfNull(isCrowd);
        CheckCrowdLength(groundTruths.Count, isCrowd);
        var dtBoxes = new CocoBox[detections.Count];
        for (int d = 0; d < dtBoxes.Length; d++)
        {
            dtBoxes[d] = (detections[d] ?? throw new ArgumentNullException(nameof(detections))).ToBoundingBox();
        }

        var gtBoxes = new CocoBox[groundTruths.Count];
        for (int g = 0; g < gtBoxes.Length; g++)
        {
            gtBoxes[g] = (groundTruths[g] ?? throw new ArgumentNullException(nameof(groundTruths))).ToBoundingBox();
        }

        var result = BoxIou(dtBoxes, gtBoxes, isCrowd);
        for (int g = 0; g < gtBoxes.Length; g++)
        {
            var gt = groundTruths[g];
            for (int d = 0; d < dtBoxes.Length; d++)
            {
                if (result[d, g] > 0)
                {
                    var dt = detections[d];
                    result[d, g] = dt.Height != gt.Height || dt.Width != gt.Width ? -1 : MaskIou(dt, gt, isCrowd[g]);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Computes the intersection over union of every detection box with every ground-truth box, as pycocotools'
    /// <c>iou</c> for boxes. For a crowd ground truth the denominator is the detection box's area.
    /// </summary>
    /// <param name="detections">Detection boxes (rows of the result).</param>
    /// <param name="groundTruths">Ground-truth boxes (columns of the result).</param>
    /// <param name="isCrowd">One flag per ground truth.</param>
    /// <returns>The IoU matrix <c>[detection, groundTruth]</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="isCrowd"/> has the wrong length.</exception>
    public static double[,] BoxIou(IReadOnlyList<CocoBox> detections, IReadOnlyList<CocoBox> groundTruths, IReadOnlyList<bool> isCrowd)
    {
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentNullException.ThrowIfNull(groundTruths);
        ArgumentNullException.ThrowIfNull(isCrowd);
        CheckCrowdLength(groundTruths.Count, isCrowd);
        var result = new double[detections.Count, groundTruths.Count];
        for (int g = 0; g < groundTruths.Count; g++)
        {
            var gb = groundTruths[g];
            double ga = gb.Width * gb.Height;
            bool crowd = isCrowd[g];
            for (int d = 0; d < detections.Count; d++)
            {
                var db = detections[d];
                double da = db.Width * db.Height;
                double w = FMin(db.Width + db.X, gb.Width + gb.X) - FMax(db.X, gb.X);
                if (w <= 0)
                {
                    continue;
                }

                double h = FMin(db.Height + db.Y, gb.Height + gb.Y) - FMax(db.Y, gb.Y);
                if (h <= 0)
                {
                    continue;
                }

                double i = w * h;
                double u = crowd ? da : da + ga - i;
                result[d, g] = i / u;
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public bool Equals(CocoRle? other) =>
        other is not null && other.Height == Height && other.Width == Width && other._counts.AsSpan().SequenceEqual(_counts);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as CocoRle);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(Height);
        hash.Add(Width);
        hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_counts.AsSpan()));
        return hash.ToHashCode();
    }

    /// <summary>Describes the RLE (size, runs and area).</summary>
    /// <returns>A short description.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"CocoRle {Height}x{Width}, {_counts.Length} runs, area {Area()}");

    internal static int CheckSize(int height, int width)
    {
        if (height < 0 || width < 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Mask size {height}x{width} is negative."), nameof(height));
        }

        long total = (long)height * width;
        if (total > Array.MaxLength)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Mask size {height}x{width} exceeds the largest supported mask ({Array.MaxLength} pixels)."),
                nameof(height));
        }

        return (int)total;
    }

    private static void CheckCrowdLength(int groundTruths, IReadOnlyList<bool> isCrowd)
    {
        if (groundTruths != isCrowd.Count)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"There are {groundTruths} ground truths but {isCrowd.Count} crowd flags."), nameof(isCrowd));
        }
    }

    private void CheckDestination(Span<byte> destination)
    {
        if (destination.Length != PixelCount)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The destination has {destination.Length} bytes but the {Height}x{Width} mask needs {PixelCount}."),
                nameof(destination));
        }
    }

    // C's fmin/fmax: a NaN argument is ignored in favour of the other one.
    private static double FMin(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Min(a, b);

    private static double FMax(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Max(a, b);

    // The value only matters when it is finite; NaN (from a zero-length edge) is never used downstream.
    private static int ToInt(double value) => double.IsNaN(value) ? int.MinValue : (int)value;

    private static CocoRle MergeTwo(CocoRle a, CocoRle b, bool intersect)
    {
        var runs = new RunBuilder(Math.Max(a._counts.Length, b._counts.Length) + 1);
        var walk = new RunPairWalker(a, b);
        bool current = false;
        int length = 0;
        while (walk.Next(out var c, out var va, out var vb))
        {
            bool v = intersect ? va && vb : va || vb;
            if (v != current)
            {
                runs.Add(length);
                length = 0;
                current = v;
            }

            length += c;
        }

        runs.Add(length);
        return new CocoRle(a.Height, a.Width, runs.ToArray());
    }

    private static double MaskIou(CocoRle dt, CocoRle gt, bool crowd)
    {
        long intersection = 0, union = 0;
        var walk = new RunPairWalker(dt, gt);
        while (walk.Next(out var c, out var va, out var vb))
        {
            if (va || vb)
            {
                union += c;
                if (va && vb)
                {
                    intersection += c;
                }
            }
        }

        if (intersection == 0)
        {
            return 0;
        }

        if (crowd)
        {
            union = dt.Area();
        }

        return (double)intersection / union;
    }

    /// <summary>Collects the toggle points of <see cref="FromPolygon"/>'s boundary walk.</summary>
    private sealed class BoundaryTracer(int height, int width, RunBuilder crossings)
    {
        private bool _hasPrevious;
        private int _pu;
        private int _pv;

        public void Add(int u, int v)
        {
            if (_hasPrevious && u != _pu)
            {
                double xd = u < _pu ? u : u - 1;
                xd = ((xd + .5) / PolygonScale) - .5;
                if (Math.Floor(xd) == xd && xd >= 0 && xd <= width - 1)
                {
                    double yd = v < _pv ? v : _pv;
                    yd = ((yd + .5) / PolygonScale) - .5;
                    if (yd < 0)
                    {
                        yd = 0;
                    }
                    else if (yd > height)
                    {
                        yd = height;
                    }

                    yd = Math.Ceiling(yd);
                    crossings.Add(((int)xd * height) + (int)yd);
                }
            }

            _hasPrevious = true;
            _pu = u;
            _pv = v;
        }
    }

    /// <summary>A minimal growable list of ints.</summary>
    private sealed class RunBuilder(int capacity)
    {
        private int[] _items = new int[Math.Max(1, capacity)];

        public int Count { get; private set; }

        public int this[int index]
        {
            get => _items[index];
            set => _items[index] = value;
        }

        public void Add(int value)
        {
            if (Count == _items.Length)
            {
                Array.Resize(ref _items, _items.Length * 2);
            }

            _items[Count++] = value;
        }

        public int[] ToArray() => _items.AsSpan(0, Count).ToArray();
    }

    /// <summary>
    /// Walks two RLEs of the same size in step, yielding stretches where neither changes value; zero-length runs in the
    /// middle of either (possible in uncompressed input) are skipped.
    /// </summary>
    private ref struct RunPairWalker
    {
        private readonly ReadOnlySpan<int> _a;
        private readonly ReadOnlySpan<int> _b;
        private readonly int _total;
        private int _ia, _ib, _ra, _rb, _pos;
        private bool _va, _vb;

        public RunPairWalker(CocoRle a, CocoRle b)
        {
            _a = a._counts;
            _b = b._counts;
            _total = a.PixelCount;
            _ia = 0;
            _ib = 0;
            _ra = _a.Length > 0 ? _a[0] : 0;
            _rb = _b.Length > 0 ? _b[0] : 0;
            _pos = 0;
            _va = false;
            _vb = false;
        }

        public bool Next(out int length, out bool a, out bool b)
        {
            if (_pos >= _total)
            {
                length = 0;
                a = b = false;
                return false;
            }

            // The remaining runs cover total - pos > 0 pixels, so a longer run exists on each side.
            while (_ra == 0)
            {
                _ra = _a[++_ia];
                _va = !_va;
            }

            while (_rb == 0)
            {
                _rb = _b[++_ib];
                _vb = !_vb;
            }

            length = Math.Min(_ra, _rb);
            a = _va;
            b = _vb;
            _ra -= length;
            _rb -= length;
            _pos += length;
            return true;
        }
    }
}
