using MaskRcnn.Synthetic;
using OpenCvSharp;

namespace MaskRcnn.Tests.Synthetic;

/// <summary>
/// Generated scenes through a synthetic model in OpenCV: the model must find every object once, with the right class,
/// the exact box and the exact mask, and nothing else.
/// </summary>
public sealed class SyntheticModelDetectionTests(SyntheticNets nets) : IClassFixture<SyntheticNets>
{
    public static TheoryData<int, int, int, int, int, SceneBackground> Cases => new()
    {
        // image width, height, network input width, height, classes, background
        { 800, 800, 800, 800, 3, SceneBackground.Dark },
        { 640, 480, 800, 800, 3, SceneBackground.Noisy },
        { 1280, 720, 800, 800, 90, SceneBackground.Dark },
        { 1600, 1200, 800, 800, 3, SceneBackground.Noisy },
        { 480, 640, 800, 800, 90, SceneBackground.Noisy },
        { 800, 800, 800, 800, 90, SceneBackground.Black },
        { 1280, 720, 1024, 576, 3, SceneBackground.Noisy },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_rectangles_and_ellipses_are_found_once_with_exact_boxes_and_masks(
        int width, int height, int inputWidth, int inputHeight, int numClasses, SceneBackground background)
    {
        var inputSize = new Size(inputWidth, inputHeight);
        for (var seed = 1; seed <= 2; seed++)
        {
            var scene = SceneGenerator.Random(new SceneGeneratorOptions
            {
                ImageSize = new Size(width, height),
                InputSize = inputSize,
                ObjectCount = 6,
                Background = background,
                Model = nets.Options(numClasses),
            }, seed * 1000 + width + numClasses);
            Assert.Contains(scene.Objects, o => o.Shape == SceneShape.Rectangle);
            Assert.Contains(scene.Objects, o => o.Shape == SceneShape.Ellipse);

            var output = Run(scene, numClasses, inputSize);

            AssertExact(scene, output, ellipseMaskIou: 0.9);
        }
    }

    [Theory]
    [InlineData(3, SceneBackground.Black)]
    [InlineData(3, SceneBackground.Dark)]
    [InlineData(3, SceneBackground.Noisy)]
    [InlineData(90, SceneBackground.Noisy)]
    public void An_image_with_only_background_yields_no_detection(int numClasses, SceneBackground background)
    {
        foreach (var size in new[] { new Size(800, 800), new Size(640, 480) })
        {
            var scene = new SceneBuilder(size, nets.Options(numClasses)).WithBackground(background, seed: 7).Build();
            var output = Run(scene, numClasses, new Size(800, 800));

            Assert.Equal([1, 1, 100, 7], output.DetectionShape);
            Assert.All(output.Detections, v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void Objects_touching_the_image_border_are_exact()
    {
        var options = nets.Options(3);
        var scene = new SceneBuilder(800, 800, options).WithBackground(SceneBackground.Noisy, 3)
            .AddRectangle(new Rect(0, 0, 96, 64), 0)            // top-left corner
            .AddRectangle(new Rect(672, 736, 128, 64), 1)       // bottom-right corner
            .AddEllipse(new Rect(0, 400, 160, 160), 2)          // left edge
            .AddEllipse(new Rect(640, 0, 160, 96), 0)           // top-right corner
            .Build();

        AssertExact(scene, Run(scene, 3, new Size(800, 800)), ellipseMaskIou: 0.9);
    }

    [Fact]
    public void Objects_up_to_the_largest_measured_extent_are_exact()
    {
        // 48 cells (MaxObjectCells) across an 800 x 800 input, each way, and a large ellipse.
        var options = nets.Options(3);
        var tall = new SceneBuilder(800, 800, options)
            .AddRectangle(new Rect(32, 16, 160, 768), 0)
            .AddEllipse(new Rect(240, 16, 544, 768), 2)
            .Build();
        var wide = new SceneBuilder(800, 800, options)
            .AddRectangle(new Rect(16, 32, 768, 160), 1)
            .AddRectangle(new Rect(16, 224, 768, 48), 2)
            .Build();

        AssertExact(tall, Run(tall, 3, new Size(800, 800)), ellipseMaskIou: 0.9);
        AssertExact(wide, Run(wide, 3, new Size(800, 800)), ellipseMaskIou: 0.9);
    }

    [Theory]
    [InlineData(4, 9)]
    [InlineData(12, 24)]
    [InlineData(2, 6)]
    [InlineData(10, 10)]
    public void An_ellipse_gives_one_detection_with_its_whole_box(int widthCells, int heightCells)
    {
        var options = nets.Options(3);
        var scene = new SceneBuilder(800, 800, options).AddEllipse(new Rect(160, 160, widthCells * 16, heightCells * 16), 1).Build();

        AssertExact(scene, Run(scene, 3, new Size(800, 800)), ellipseMaskIou: 0.9);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(90)]
    public void Polygons_are_found_once_with_the_right_class_but_boxes_are_not_exact(int numClasses)
    {
        // Octagons with corners cut by 10-40 %: their diagonal edges leave cells partly covered, so the box can stop a
        // cell short of the drawn one. Measured over 864 octagons: box IoU >= 0.889, mask IoU >= 0.908.
        var scene = SceneGenerator.Random(new SceneGeneratorOptions
        {
            ImageSize = new Size(1000, 600),
            ObjectCount = 6,
            Shapes = [SceneShape.Polygon],
            Model = nets.Options(numClasses),
        }, 11);
        var detections = MaskDecoder.Decode(Run(scene, numClasses, new Size(800, 800)), scene.Width, scene.Height);

        Assert.Equal(scene.Objects.Count, detections.Count);
        foreach (var o in scene.Objects)
        {
            var d = Assert.Single(detections, x => Overlap.Box(x.Box, o.Box) >= 0.5);
            Assert.Equal(o.ClassId, d.ClassId);
            Assert.True(Overlap.Box(d.Box, o.Box) >= 0.85, $"{o.Box}: box IoU {Overlap.Box(d.Box, o.Box):F4}");
            Assert.True(Overlap.Mask(d.Mask, o.Mask) >= 0.85, $"{o.Box}: mask IoU {Overlap.Mask(d.Mask, o.Mask):F4}");
        }
    }

    private NetOutput Run(Scene scene, int numClasses, Size inputSize)
    {
        using var image = scene.ToMat();
        var output = NetOutput.Run(nets.Net(numClasses), image, inputSize);
        Assert.Equal(numClasses, output.NumClasses);
        Assert.Equal(output.RowCount, output.MaskShape[0]);
        return output;
    }

    /// <summary>Every object matched by exactly one detection and every detection by exactly one object; class right;
    /// box IoU >= 0.99 for rectangles and ellipses; mask IoU >= 0.99 for rectangles; scores in (0, 1]; the rows after
    /// the detections all zero.</summary>
    private static void AssertExact(Scene scene, NetOutput output, double ellipseMaskIou)
    {
        var detections = MaskDecoder.Decode(output, scene.Width, scene.Height);
        for (var i = 0; i < output.RowCount; i++)
        {
            var row = output.Row(i).ToArray();
            if (i < detections.Count)
            {
                Assert.Equal(i, detections[i].Row);
                Assert.InRange(row[2], float.Epsilon, 1f);
            }
            else
            {
                Assert.All(row, v => Assert.Equal(0f, v));
            }
        }

        var claims = new int[detections.Count];
        for (var k = 0; k < scene.Objects.Count; k++)
        {
            var o = scene.Objects[k];
            var matches = detections.Where(d => Overlap.Box(d.Box, o.Box) >= 0.5).ToList();
            Assert.True(matches.Count == 1, $"object {k} ({o.Shape} {o.Box}): {matches.Count} detections overlap it");
            var d = matches[0];
            claims[detections.IndexOf(d)]++;
            Assert.True(o.ClassId == d.ClassId, $"object {k} ({o.Shape} {o.Box}): class {d.ClassId}, expected {o.ClassId}");
            var boxIou = Overlap.Box(d.Box, o.Box);
            var maskIou = Overlap.Mask(d.Mask, o.Mask);
            Assert.True(boxIou >= 0.99, $"object {k} ({o.Shape} {o.Box}): box IoU {boxIou:F4}, detected {d.Box}");
            var minMask = o.Shape == SceneShape.Rectangle ? 0.99 : ellipseMaskIou;
            Assert.True(maskIou >= minMask, $"object {k} ({o.Shape} {o.Box}): mask IoU {maskIou:F4}");
        }
        Assert.All(claims, c => Assert.Equal(1, c));
    }
}
