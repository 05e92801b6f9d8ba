using MaskRcnn.Synthetic;
using OpenCvSharp;

namespace MaskRcnn.Tests.Synthetic;

public sealed class SceneGeneratorTests
{
    [Theory]
    [InlineData(800, 800, 800, 800, 16.0, 16.0)]
    [InlineData(640, 480, 800, 800, 12.8, 9.6)]
    [InlineData(1280, 720, 800, 800, 25.6, 14.4)]
    [InlineData(1600, 1200, 800, 800, 32.0, 24.0)]
    [InlineData(1280, 720, 1024, 576, 20.0, 20.0)]
    [InlineData(500, 500, 800, 800, 10.0, 10.0)]
    public void GridCell_is_16_input_pixels_in_image_pixels(int w, int h, int inW, int inH, double cellX, double cellY)
    {
        var cell = SceneGenerator.GridCell(new Size(w, h), new Size(inW, inH));
        Assert.Equal(cellX, cell.Width, 12);
        Assert.Equal(cellY, cell.Height, 12);
    }

    [Theory]
    [InlineData(16.0, 1)]
    [InlineData(32.0, 1)]
    [InlineData(12.8, 5)]
    [InlineData(9.6, 5)]
    [InlineData(25.6, 5)]
    [InlineData(14.4, 5)]
    [InlineData(10.24, 25)]
    [InlineData(16.0 * 1000 / 1200, 3)]
    [InlineData(16.0 * 100 / 700, 7)]
    public void PixelAlignedStep_is_the_fewest_cells_spanning_whole_pixels(double cell, int step) =>
        Assert.Equal(step, SceneGenerator.PixelAlignedStep(cell));

    public static TheoryData<int, int, int> Layouts => new()
    {
        { 800, 800, 3 }, { 640, 480, 3 }, { 1280, 720, 90 }, { 1600, 1200, 90 }, { 480, 640, 3 }, { 1000, 600, 3 },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Objects_sit_on_whole_pixel_grid_lines_with_an_empty_cell_between_them(int width, int height, int numClasses)
    {
        var model = new SyntheticModelOptions { NumClasses = numClasses };
        var bandClasses = model.ResolvedBandClassIds;
        var options = new SceneGeneratorOptions
        {
            ImageSize = new Size(width, height),
            ObjectCount = 6,
            Shapes = [SceneShape.Rectangle, SceneShape.Ellipse, SceneShape.Polygon],
            Model = model,
        };
        var cell = SceneGenerator.GridCell(options.ImageSize, options.InputSize);
        var stepX = SceneGenerator.PixelAlignedStep(cell.Width);
        var stepY = SceneGenerator.PixelAlignedStep(cell.Height);
        var columns = (int)Math.Round(width / cell.Width);
        var rows = (int)Math.Round(height / cell.Height);
        var shapes = new HashSet<SceneShape>();

        for (var seed = 0; seed < 8; seed++)
        {
            var scene = SceneGenerator.Random(options, seed);
            Assert.Equal(6, scene.Objects.Count);
            var cells = new List<Rect>();
            foreach (var o in scene.Objects)
            {
                shapes.Add(o.Shape);
                Assert.Equal(bandClasses[o.Band], o.ClassId);
                Assert.True(o.Area > 0);
                var box = o.Source.Box;
                // Rectangles and ellipses fill their box to the edge pixels; polygons touch all four sides.
                Assert.Equal(box, o.Box);
                var c = new Rect(GridLine(box.X, cell.Width, stepX), GridLine(box.Y, cell.Height, stepY), 0, 0);
                c.Width = GridLine(box.X + box.Width, cell.Width, stepX) - c.X;
                c.Height = GridLine(box.Y + box.Height, cell.Height, stepY) - c.Y;
                Assert.InRange(c.Width, options.MinCells, options.MaxCells);
                Assert.InRange(c.Height, options.MinCells, options.MaxCells);
                Assert.True(c.X >= options.MarginCells && c.Y >= options.MarginCells, $"{c} within the margin");
                Assert.True(c.X + c.Width <= columns - options.MarginCells && c.Y + c.Height <= rows - options.MarginCells, $"{c} within the margin");
                if (o.Shape == SceneShape.Ellipse)
                    Assert.True(Math.Max(c.Width, c.Height) <= options.MaxEllipseAspect * Math.Min(c.Width, c.Height));
                foreach (var other in cells)
                {
                    var gapX = Math.Max(other.X - (c.X + c.Width), c.X - (other.X + other.Width));
                    var gapY = Math.Max(other.Y - (c.Y + c.Height), c.Y - (other.Y + other.Height));
                    Assert.True(Math.Max(gapX, gapY) >= options.GapCells, $"{c} and {other} are {Math.Max(gapX, gapY)} cells apart");
                }
                cells.Add(c);
            }
        }
        Assert.Equal(3, shapes.Count);
    }

    [Fact]
    public void The_same_seed_gives_the_same_scene_and_another_seed_another()
    {
        var options = new SceneGeneratorOptions { ImageSize = new Size(640, 480), ObjectCount = 5, Background = SceneBackground.Noisy };
        var a = SceneGenerator.Random(options, 42);
        var b = SceneGenerator.Random(options, 42);
        var c = SceneGenerator.Random(options, 43);

        Assert.Equal(a.Bgr, b.Bgr);
        Assert.Equal(a.Objects.Select(o => (o.Shape, o.Band, o.Box, o.Area)), b.Objects.Select(o => (o.Shape, o.Band, o.Box, o.Area)));
        for (var i = 0; i < a.Objects.Count; i++) Assert.Equal(a.Objects[i].Mask, b.Objects[i].Mask);
        Assert.NotEqual(a.Objects.Select(o => o.Box), c.Objects.Select(o => o.Box));
        Assert.NotEqual(a.Bgr, c.Bgr);
    }

    [Fact]
    public void Without_pixel_alignment_every_grid_line_is_used_and_rounded()
    {
        var options = new SceneGeneratorOptions { ImageSize = new Size(640, 480), ObjectCount = 8, PixelAligned = false, MaxCells = 6 };
        var xs = new HashSet<int>();
        for (var seed = 0; seed < 10; seed++)
        {
            foreach (var o in SceneGenerator.Random(options, seed).Objects)
            {
                var k = o.Source.Box.X / 12.8;
                Assert.Equal(Math.Round(k) * 12.8, o.Source.Box.X, 0.5 + 1e-9);
                xs.Add((int)Math.Round(k) % 5);
            }
        }
        Assert.True(xs.Count > 1, "objects start on grid lines that are not whole pixels too");
    }

    [Fact]
    public void Impossible_requests_fail_clearly()
    {
        var crowded = new SceneGeneratorOptions { ObjectCount = 60, MinCells = 8, MaxCells = 8 };
        var ex = Assert.Throws<InvalidOperationException>(() => SceneGenerator.Random(crowded, 1));
        Assert.Contains("Could not place object", ex.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => SceneGenerator.Random(new SceneGeneratorOptions { ImageSize = new Size(640, 480), MinCells = 2, MaxCells = 4 }, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SceneGenerator.Random(new SceneGeneratorOptions { MinCells = 5, MaxCells = 4 }, 1));
        Assert.Throws<ArgumentException>(() => SceneGenerator.Random(new SceneGeneratorOptions { Shapes = [] }, 1));
        Assert.Throws<ArgumentException>(() => SceneGenerator.Random(new SceneGeneratorOptions { Bands = [3] }, 1));
        Assert.Throws<ArgumentException>(() => SceneGenerator.Random(new SceneGeneratorOptions { CellSize = new Size2d(Math.PI, 16) }, 1));
    }

    // The index of the grid line at pixel x, which must be a multiple of the pixel-aligned step.
    private static int GridLine(int x, double cell, int step)
    {
        var k = (int)Math.Round(x / cell);
        Assert.Equal(x, k * cell, 1e-6);
        Assert.Equal(0, k % step);
        return k;
    }
}
