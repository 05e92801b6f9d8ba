using System.Runtime.InteropServices;
using OpenCvSharp;

namespace MaskRcnn.Synthetic;

/// <summary>
/// Draws a <see cref="Scene"/>: solid shapes in the gray of their band (<see cref="SyntheticPalette.Gray"/>) on a dark
/// background, without anti-aliasing, and records for each object the exact pixels that show it.
/// </summary>
/// <remarks>
/// Each object is rasterised once, with <see cref="LineTypes.Link8"/>, into its own single-channel mask; the image is then
/// painted in the band's gray through that mask on all three channels, so the masks are exactly the drawn pixels.
/// Objects are drawn in the order they were added; where they overlap, the later one is visible and the earlier
/// object's mask loses those pixels. Shapes may extend past the image border; only the pixels inside count.
/// </remarks>
public sealed class SceneBuilder
{
    /// <summary>The flat gray of <see cref="SceneBackground.Dark"/>.</summary>
    public const byte DarkGray = 40;

    private readonly List<SceneObject> _objects = [];

    /// <summary>Starts a scene of the given size for a model with the given band-to-class mapping.</summary>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="model">The model the scene is for: its <see cref="SyntheticModelOptions.ResolvedBandClassIds"/> give the
    /// number of bands (hence each band's gray) and the class id of each band. Default: the 3-class model.</param>
    public SceneBuilder(int width, int height, SyntheticModelOptions? model = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)width * height, int.MaxValue / 3, "width * height");
        Width = width;
        Height = height;
        BandClassIds = [.. (model ?? new SyntheticModelOptions()).Validate().ResolvedBandClassIds];
    }

    /// <summary>Starts a scene of the given size; see <see cref="SceneBuilder(int, int, SyntheticModelOptions?)"/>.</summary>
    public SceneBuilder(Size size, SyntheticModelOptions? model = null) : this(size.Width, size.Height, model) { }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>The class id of each band, darkest band first.</summary>
    public IReadOnlyList<int> BandClassIds { get; }

    /// <summary>The number of gray bands.</summary>
    public int BandCount => BandClassIds.Count;

    /// <summary>The background to draw on (default <see cref="SceneBackground.Dark"/>).</summary>
    public SceneBackground Background { get; private set; } = SceneBackground.Dark;

    /// <summary>The seed of the <see cref="SceneBackground.Noisy"/> background.</summary>
    public int Seed { get; private set; }

    /// <summary>The objects added so far, in drawing order.</summary>
    public IReadOnlyList<SceneObject> Objects => _objects;

    /// <summary>Sets the background and, for <see cref="SceneBackground.Noisy"/>, the noise seed.</summary>
    public SceneBuilder WithBackground(SceneBackground background, int seed = 0)
    {
        if (!Enum.IsDefined(background)) throw new ArgumentOutOfRangeException(nameof(background), background, "Unknown background.");
        Background = background;
        Seed = seed;
        return this;
    }

    /// <summary>The gray level objects of <paramref name="band"/> are drawn in, for this builder's band count.</summary>
    public byte GrayOf(int band) => SyntheticPalette.Gray(band, BandCount);

    /// <summary>Adds a filled rectangle covering exactly <paramref name="box"/>.</summary>
    /// <param name="box">Pixels <c>X..X+Width-1</c> by <c>Y..Y+Height-1</c>.</param>
    /// <param name="band">Gray band, 0..<see cref="BandCount"/> - 1.</param>
    public SceneBuilder AddRectangle(Rect box, int band)
    {
        CheckBox(box);
        _objects.Add(new SceneObject(SceneShape.Rectangle, band, ClassOf(band), box));
        return this;
    }

    /// <summary>Adds a filled ellipse inscribed in <paramref name="box"/>: centred on the box's middle, its extreme
    /// points on the box's first and last pixel rows and columns.</summary>
    /// <param name="box">Pixels <c>X..X+Width-1</c> by <c>Y..Y+Height-1</c>.</param>
    /// <param name="band">Gray band, 0..<see cref="BandCount"/> - 1.</param>
    public SceneBuilder AddEllipse(Rect box, int band)
    {
        CheckBox(box);
        _objects.Add(new SceneObject(SceneShape.Ellipse, band, ClassOf(band), box));
        return this;
    }

    /// <summary>Adds a filled polygon (vertices in pixel coordinates, in order; the outline belongs to the polygon).</summary>
    /// <param name="points">At least three vertices.</param>
    /// <param name="band">Gray band, 0..<see cref="BandCount"/> - 1.</param>
    public SceneBuilder AddPolygon(IReadOnlyList<Point> points, int band)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count < 3) throw new ArgumentException($"A polygon needs at least 3 vertices but {points.Count} were given.", nameof(points));
        Point[] copy = [.. points];
        int x0 = copy.Min(p => p.X), x1 = copy.Max(p => p.X), y0 = copy.Min(p => p.Y), y1 = copy.Max(p => p.Y);
        _objects.Add(new SceneObject(SceneShape.Polygon, band, ClassOf(band), new Rect(x0, y0, x1 - x0 + 1, y1 - y0 + 1), copy));
        return this;
    }

    /// <summary>Draws the scene.</summary>
    public Scene Build()
    {
        var pixels = Width * Height;
        var bgr = BackgroundPixels();
        var masks = new byte[_objects.Count][];
        using (var image = new Mat(Height, Width, MatType.CV_8UC3))
        using (var mask = new Mat(Height, Width, MatType.CV_8UC1))
        {
            CopyIn(bgr, image, Width * 3);
            for (var i = 0; i < _objects.Count; i++)
            {
                var o = _objects[i];
                mask.SetTo(Scalar.All(0));
                Draw(mask, o, Scalar.All(1));
                var gray = GrayOf(o.Band);
                image.SetTo(new Scalar(gray, gray, gray), mask);
                masks[i] = new byte[pixels];
                CopyOut(mask, masks[i], Width);
            }
            CopyOut(image, bgr, Width * 3);
        }

        // Later objects hide earlier ones: walk back from the last, removing what is already covered.
        var covered = new byte[pixels];
        var truth = new GroundTruthObject[_objects.Count];
        for (var i = _objects.Count - 1; i >= 0; i--)
        {
            var m = masks[i];
            int area = 0, minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1;
            for (var y = 0; y < Height; y++)
            {
                var row = y * Width;
                for (var x = 0; x < Width; x++)
                {
                    var p = row + x;
                    if (m[p] == 0) continue;
                    if (covered[p] != 0)
                    {
                        m[p] = 0;
                        continue;
                    }
                    m[p] = 1;
                    covered[p] = 1;
                    area++;
                    if (x < minX) minX = x;
                    if (x > maxX) maxX = x;
                    if (y < minY) minY = y;
                    if (y > maxY) maxY = y;
                }
            }
            var box = area == 0 ? default : new Rect(minX, minY, maxX - minX + 1, maxY - minY + 1);
            var o = _objects[i];
            truth[i] = new GroundTruthObject(o.ClassId, o.Band, o.Shape, box, m, area, o);
        }
        return new Scene(Width, Height, bgr, truth, Background);
    }

    private static void Draw(Mat target, SceneObject o, Scalar color)
    {
        switch (o.Shape)
        {
            case SceneShape.Rectangle:
                Cv2.Rectangle(target, o.Box, color, -1, LineTypes.Link8);
                break;
            case SceneShape.Ellipse:
                var b = o.Box;
                var centre = new Point2f(b.X + (b.Width - 1) / 2f, b.Y + (b.Height - 1) / 2f);
                Cv2.Ellipse(target, new RotatedRect(centre, new Size2f(b.Width - 1, b.Height - 1), 0), color, -1, LineTypes.Link8);
                break;
            case SceneShape.Polygon:
                Cv2.FillPoly(target, [o.Points!], color, LineTypes.Link8);
                break;
            default:
                throw new InvalidOperationException($"Unknown shape {o.Shape}.");
        }
    }

    private byte[] BackgroundPixels()
    {
        var bgr = new byte[Width * Height * 3];
        switch (Background)
        {
            case SceneBackground.Black:
                break;
            case SceneBackground.Dark:
                Array.Fill(bgr, DarkGray);
                break;
            case SceneBackground.Noisy:
                var rng = new Random(Seed);
                for (var i = 0; i < bgr.Length; i++) bgr[i] = (byte)rng.Next(SyntheticPalette.BackgroundMax + 1);
                break;
            default:
                throw new InvalidOperationException($"Unknown background {Background}.");
        }
        return bgr;
    }

    private int ClassOf(int band)
    {
        if (band < 0 || band >= BandCount)
            throw new ArgumentOutOfRangeException(nameof(band), band, $"Band must be 0..{BandCount - 1}.");
        return BandClassIds[band];
    }

    private static void CheckBox(Rect box)
    {
        if (box.Width <= 0 || box.Height <= 0)
            throw new ArgumentException($"Box {box} is empty.", nameof(box));
    }

    private void CopyIn(byte[] source, Mat target, int rowBytes)
    {
        for (var y = 0; y < Height; y++) Marshal.Copy(source, y * rowBytes, target.Ptr(y), rowBytes);
    }

    private void CopyOut(Mat source, byte[] target, int rowBytes)
    {
        for (var y = 0; y < Height; y++) Marshal.Copy(source.Ptr(y), target, y * rowBytes, rowBytes);
    }
}
