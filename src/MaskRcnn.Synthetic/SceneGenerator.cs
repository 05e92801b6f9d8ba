using OpenCvSharp;

namespace MaskRcnn.Synthetic;

/// <summary>
/// Seeded random scenes laid out on a synthetic model's proposal grid, so that the model's answers are known: objects
/// cover whole cells, are at least <see cref="SceneGeneratorOptions.GapCells"/> empty cells apart and keep
/// <see cref="SceneGeneratorOptions.MarginCells"/> from the border. The same options and seed give the same scene.
/// </summary>
public static class SceneGenerator
{
    private const double Tolerance = 1e-6;

    /// <summary>
    /// One cell of the model's proposal grid (<see cref="SyntheticModelOptions.CellSize"/> = 16 network-input pixels)
    /// in image pixels, when an image of <paramref name="imageSize"/> is resized (without cropping) to
    /// <paramref name="inputSize"/>: <c>16 * W / inputW</c> by <c>16 * H / inputH</c>.
    /// </summary>
    public static Size2d GridCell(Size imageSize, Size inputSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageSize.Width, nameof(imageSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageSize.Height, nameof(imageSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize.Width, nameof(inputSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize.Height, nameof(inputSize));
        const double c = SyntheticModelOptions.CellSize;
        return new Size2d(c * imageSize.Width / inputSize.Width, c * imageSize.Height / inputSize.Height);
    }

    /// <summary>The smallest number of cells of <paramref name="cellPixels"/> pixels that spans a whole number of pixels
    /// (1 for 16 or 32, 5 for 12.8 or 25.6), or 0 when none up to 1000 does.</summary>
    public static int PixelAlignedStep(double cellPixels)
    {
        if (!(cellPixels > 0) || double.IsInfinity(cellPixels))
            throw new ArgumentOutOfRangeException(nameof(cellPixels), cellPixels, "A cell must be a positive number of pixels.");
        for (var k = 1; k <= 1000; k++)
        {
            var span = k * cellPixels;
            if (Math.Abs(span - Math.Round(span)) < Tolerance * Math.Max(1, span)) return k;
        }
        return 0;
    }

    /// <summary>A random scene of <paramref name="imageSize"/> fed to the network at 800 x 800, with
    /// <paramref name="objectCount"/> rectangles and ellipses.</summary>
    public static Scene Random(Size imageSize, int objectCount, int seed, SyntheticModelOptions? model = null) =>
        Random(new SceneGeneratorOptions { ImageSize = imageSize, ObjectCount = objectCount, Model = model }, seed);

    /// <summary>A random scene.</summary>
    /// <exception cref="ArgumentException">The options contradict each other (e.g. no allowed object size).</exception>
    /// <exception cref="InvalidOperationException">The objects do not fit: after
    /// <see cref="SceneGeneratorOptions.MaxAttempts"/> tries one could not be placed. Ask for fewer or smaller objects.</exception>
    public static Scene Random(SceneGeneratorOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        var model = (options.Model ?? new SyntheticModelOptions()).Validate();
        var cell = options.CellSize ?? GridCell(options.ImageSize, options.InputSize);
        var builder = new SceneBuilder(options.ImageSize, model).WithBackground(options.Background, seed);
        var bands = options.Bands ?? Enumerable.Range(0, builder.BandCount).ToArray();
        Validate(options, bands, builder.BandCount);

        var stepX = options.PixelAligned ? PixelAlignedStep(cell.Width) : 1;
        var stepY = options.PixelAligned ? PixelAlignedStep(cell.Height) : 1;
        if (stepX == 0 || stepY == 0)
            throw new ArgumentException($"No grid line of a {cell.Width} x {cell.Height} pixel cell falls on a whole pixel; set PixelAligned to false.", nameof(options));
        var columns = (int)Math.Floor(options.ImageSize.Width / cell.Width + Tolerance);
        var rows = (int)Math.Floor(options.ImageSize.Height / cell.Height + Tolerance);
        var maxCells = Math.Min(options.MaxCells, model.MaxObjectCells);
        var widths = Sizes(options.MinCells, maxCells, stepX);
        var heights = Sizes(options.MinCells, maxCells, stepY);
        if (widths.Length == 0 || heights.Length == 0)
            throw new ArgumentException($"No object size between {options.MinCells} and {maxCells} cells is a multiple of the pixel-aligned step ({stepX} x {stepY} cells).", nameof(options));

        var rng = new Random(seed);
        var placed = new List<Rect>();
        for (var n = 0; n < options.ObjectCount; n++)
        {
            var done = false;
            for (var attempt = 0; attempt < options.MaxAttempts && !done; attempt++)
            {
                var shape = options.Shapes[rng.Next(options.Shapes.Count)];
                var band = bands[rng.Next(bands.Count)];
                var w = widths[rng.Next(widths.Length)];
                var h = heights[rng.Next(heights.Length)];
                var x = Position(rng, columns, w, options.MarginCells, stepX);
                var y = Position(rng, rows, h, options.MarginCells, stepY);
                if (x < 0 || y < 0) continue;
                if (shape == SceneShape.Ellipse && (double)Math.Max(w, h) / Math.Min(w, h) > options.MaxEllipseAspect) continue;
                var cells = new Rect(x, y, w, h);
                if (placed.Any(p => TooClose(p, cells, options.GapCells))) continue;
                placed.Add(cells);

                var x0 = Edge(x, cell.Width);
                var y0 = Edge(y, cell.Height);
                var box = new Rect(x0, y0, Edge(x + w, cell.Width) - x0, Edge(y + h, cell.Height) - y0);
                switch (shape)
                {
                    case SceneShape.Rectangle: builder.AddRectangle(box, band); break;
                    case SceneShape.Ellipse: builder.AddEllipse(box, band); break;
                    default: builder.AddPolygon(Octagon(rng, box), band); break;
                }
                done = true;
            }
            if (!done)
                throw new InvalidOperationException($"Could not place object {n + 1} of {options.ObjectCount} on a {columns} x {rows} cell grid after {options.MaxAttempts} tries; ask for fewer or smaller objects.");
        }
        return builder.Build();
    }

    private static void Validate(SceneGeneratorOptions o, IReadOnlyList<int> bands, int bandCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(o.ObjectCount, nameof(o.ObjectCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(o.MinCells, 1, nameof(o.MinCells));
        ArgumentOutOfRangeException.ThrowIfLessThan(o.MaxCells, o.MinCells, nameof(o.MaxCells));
        ArgumentOutOfRangeException.ThrowIfNegative(o.GapCells, nameof(o.GapCells));
        ArgumentOutOfRangeException.ThrowIfNegative(o.MarginCells, nameof(o.MarginCells));
        ArgumentOutOfRangeException.ThrowIfLessThan(o.MaxEllipseAspect, 1.0, nameof(o.MaxEllipseAspect));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.MaxAttempts, nameof(o.MaxAttempts));
        if (o.Shapes is null || o.Shapes.Count == 0) throw new ArgumentException("Shapes must name at least one shape.", nameof(o));
        if (bands.Count == 0) throw new ArgumentException("Bands must name at least one band.", nameof(o));
        foreach (var b in bands)
            if (b < 0 || b >= bandCount) throw new ArgumentException($"Band {b} is outside 0..{bandCount - 1}.", nameof(o));
    }

    private static int[] Sizes(int min, int max, int step) =>
        Enumerable.Range(min, Math.Max(0, max - min + 1)).Where(s => s % step == 0).ToArray();

    // A start cell, a multiple of step, keeping margin cells free on both sides; -1 when the object cannot fit.
    private static int Position(Random rng, int cells, int size, int margin, int step)
    {
        var first = (margin + step - 1) / step;
        var last = (cells - margin - size) / step;
        if (cells - margin - size < 0 || last < first) return -1;
        return rng.Next(first, last + 1) * step;
    }

    private static bool TooClose(Rect a, Rect b, int gap) =>
        a.X < b.X + b.Width + gap && b.X < a.X + a.Width + gap &&
        a.Y < b.Y + b.Height + gap && b.Y < a.Y + a.Height + gap;

    private static int Edge(int line, double cell) => (int)Math.Round(line * cell, MidpointRounding.AwayFromZero);

    // An octagon touching all four sides of the box: each corner cut by 10-40 % of the side.
    private static Point[] Octagon(Random rng, Rect box)
    {
        int l = box.X, t = box.Y, r = box.X + box.Width - 1, b = box.Y + box.Height - 1;
        int Cut(int side) => (int)Math.Round(side * (0.1 + 0.3 * rng.NextDouble()));
        int w = r - l, h = b - t;
        return
        [
            new(l + Cut(w), t), new(r - Cut(w), t), new(r, t + Cut(h)), new(r, b - Cut(h)),
            new(r - Cut(w), b), new(l + Cut(w), b), new(l, b - Cut(h)), new(l, t + Cut(h)),
        ];
    }
}
