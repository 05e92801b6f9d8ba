using MaskRcnn.Coco;
using MaskRcnn.Synthetic;
using MaskRcnn.Tests.Models;
using OpenCvSharp;
using Xunit.Abstractions;

namespace MaskRcnn.Tests.Coco;

/// <summary>
/// The demo model on a generated dataset of a few hundred scenes (about 6 s: generating 240 images of 320 x 320 once,
/// then two full runs at a 320 x 320 network input).
/// </summary>
public sealed class DemoModelCocoEvaluationTests(ITestOutputHelper output)
{
    private const int Images = 240;

    [Fact]
    public void A_few_hundred_scenes_give_plausible_numbers_and_identical_ones_on_a_second_run()
    {
        using var temp = new TempFolder();
        // Rectangles, ellipses and octagons of 2 to 12 cells on a noisy background, one to five per image.
        var noisy = DemoCocoData.Options(Images, background: SceneBackground.Noisy);
        var options = noisy with
        {
            Scenes = noisy.Scenes with
            {
                MaxCells = 12,
                Shapes = [SceneShape.Rectangle, SceneShape.Ellipse, SceneShape.Polygon],
            },
        };
        var files = SyntheticCocoDataset.Write(Path.Combine(temp.Path, "dataset"), options, seed: 2024);
        var dataset = CocoDataset.Load(files.AnnotationsPath);
        Assert.InRange(files.AnnotationCount, 2 * Images, 4 * Images);
        Assert.Equal([(1L, "dim"), (2L, "medium"), (3L, "bright")], dataset.Categories.Select(c => (c.Id, c.Name)));

        CocoDetectionRun Run(string resultsPath)
        {
            using var detector = DemoCocoData.LoadDemo();
            return CocoDetectionEvaluation.Run(detector, dataset, files.ImagesFolder, resultsPath);
        }
        var first = Run(Path.Combine(temp.Path, "first.json"));
        var second = Run(Path.Combine(temp.Path, "second.json"));
        output.WriteLine($"{files.AnnotationCount} objects in {Images} images\nbbox:\n{first.Bbox.FormatSummary()}\nsegm:\n{first.Segm.FormatSummary()}");

        // Stable: a second run with a new detector gives the same detections, byte for byte, and the same numbers.
        Assert.Equal(File.ReadAllBytes(Path.Combine(temp.Path, "first.json")), File.ReadAllBytes(Path.Combine(temp.Path, "second.json")));
        Assert.Equal(first.Bbox.Stats, second.Bbox.Stats);
        Assert.Equal(first.Segm.Stats, second.Segm.Stats);

        Assert.Equal(Images, first.ImagesProcessed);
        Assert.Empty(first.Failures);
        Assert.Equal(files.AnnotationCount, first.ResultCount);
        var recallAtOneBound = DemoCocoData.ExpectedRecallAtOne(dataset);
        foreach (var result in new[] { first.Bbox, first.Segm })
        {
            var s = result.Stats;
            var name = result.IouType.ToString();
            // One detection per object and none elsewhere, all overlapping their object by more than half.
            Assert.Equal(1.0, s[1], 12);
            // At most five objects per image, so ten detections per image find as much as a hundred.
            Assert.Equal(s[8], s[7]);
            // AR with one detection per image cannot exceed one hit per category and image.
            Assert.InRange(s[6], recallAtOneBound - 0.02, recallAtOneBound + 1e-12);
            InRange(name, "AP", s[0], 0.97, 1.0);
            InRange(name, "AP75", s[2], 0.99, 1.0);
            InRange(name, "AP small", s[3], 0.9, 1.0);
            InRange(name, "AP medium", s[4], 0.97, 1.0);
            InRange(name, "AP large", s[5], 0.97, 1.0);
            InRange(name, "AR100", s[8], 0.97, 1.0);
            InRange(name, "AR small", s[9], 0.9, 1.0);
            InRange(name, "AR medium", s[10], 0.97, 1.0);
            InRange(name, "AR large", s[11], 0.97, 1.0);
        }
        // Octagons' boxes and ellipses' masks are not always exact: neither evaluation is perfect, masks less so.
        Assert.True(first.Bbox.AveragePrecision < 1.0);
        Assert.True(first.Segm.AveragePrecision < first.Bbox.AveragePrecision);
    }

    private static void InRange(string type, string stat, double value, double low, double high) =>
        Assert.True(value >= low && value <= high, $"{type} {stat} = {value:F4}, expected {low}..{high}");
}
