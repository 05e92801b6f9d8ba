using MaskRcnn.Coco;
using MaskRcnn.Tests.Models;

namespace MaskRcnn.Tests.Tool;

/// <summary><c>maskrcnn synthesize-coco</c> run as a real process, and its dataset evaluated by <c>maskrcnn eval</c>.</summary>
public sealed class SynthesizeCocoCommandTests
{
    [Fact]
    public void Writes_the_same_dataset_for_the_same_arguments_and_eval_finds_every_object()
    {
        using var temp = new TempFolder();
        string[] Args(string folder) => ["synthesize-coco", folder, "--images", "12", "--image-size", "320x240", "--input-size", "320x240",
            "--objects", "2:4", "--shapes", "rectangle,ellipse", "--background", "noisy", "--polygons", "0.5", "--crowds", "0.1", "--seed", "9"];
        var a = Path.Combine(temp.Path, "a");

        var run = ProcessRunner.Tool(temp.Path, Args(a));
        var again = ProcessRunner.Tool(temp.Path, Args(Path.Combine(temp.Path, "b")));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(again.ExitCode == 0, again.ToString());
        var annotations = Path.Combine(a, "instances.json");
        var images = Path.Combine(a, "images");
        Assert.Equal(File.ReadAllBytes(annotations), File.ReadAllBytes(Path.Combine(temp.Path, "b", "instances.json")));
        var dataset = CocoDataset.Load(annotations);
        Assert.Equal(12, dataset.Images.Count);
        Assert.All(dataset.Images, i => Assert.Equal((320, 240), (i.Width, i.Height)));
        Assert.All(dataset.Images, i => Assert.InRange(dataset.Annotations.Count(x => x.ImageId == i.Id), 2, 4));
        Assert.Contains(dataset.Annotations, x => x.IsCrowd);
        Assert.Contains(dataset.Annotations, x => x.Segmentation!.Kind == CocoSegmentationKind.Polygons);
        Assert.StartsWith($"Wrote {annotations}: 12 images, {dataset.Annotations.Count} annotations (", run.Stdout, StringComparison.Ordinal);
        var evalLine = $"Evaluate the demo model: maskrcnn eval --annotations {annotations} --images {images} --size 320x240\n";
        Assert.EndsWith(evalLine, run.Stdout, StringComparison.Ordinal);

        // The command it suggests, as printed.
        var evaluation = ProcessRunner.Tool(temp.Path, ["eval", "--annotations", annotations, "--images", images, "--size", "320x240"]);

        Assert.True(evaluation.ExitCode == 0, evaluation.ToString());
        Assert.Contains($"\n12 images, {dataset.Annotations.Count} detections in ", evaluation.Stdout, StringComparison.Ordinal);
        Assert.Contains(" Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 1.000\n", evaluation.Stdout, StringComparison.Ordinal);
        Assert.Contains(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000\n", evaluation.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "synthesize-coco needs one output folder")]
    [InlineData("{D} --shapes circle", "--shapes takes rectangle, ellipse and polygon, separated by commas, not 'circle'.")]
    [InlineData("{D} --objects 5:2", "MinObjects..MaxObjects must be a range of counts from 0 up but is 5..2.")]
    [InlineData("{D} --image-size 10x10", "--image-size must be 32..8192 pixels a side, not '10x10'.")]
    [InlineData("{D} --crowds 2", "--crowds must be a number from 0 to 1, not '2'.")]
    [InlineData("{D} --images 1 --objects 400:400", "Image 1: 400 objects did not fit in 100 scenes")]
    public void Bad_arguments_exit_with_2(string arguments, string message)
    {
        using var temp = new TempFolder();
        var folder = Path.Combine(temp.Path, "dataset");
        var args = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a.Replace("{D}", folder, StringComparison.Ordinal)).Prepend("synthesize-coco").ToArray();

        var run = ProcessRunner.Tool(temp.Path, args);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "instances.json")));
    }
}
