using System.Text.RegularExpressions;
using MaskRcnn.Coco;
using MaskRcnn.Synthetic;
using MaskRcnn.Tests.Coco;
using MaskRcnn.Tests.Models;

namespace MaskRcnn.Tests.Tool;

/// <summary>A small generated dataset for the demo model, and the same numbers computed in this process.</summary>
public sealed class EvalToolData : IDisposable
{
    private readonly TempFolder _temp = new();

    public EvalToolData()
    {
        Files = SyntheticCocoDataset.Write(Path.Combine(Root, "dataset"), DemoCocoData.Options(10, polygons: 0.3), seed: 21);
        Dataset = CocoDataset.Load(Files.AnnotationsPath);
        using var detector = DemoCocoData.LoadDemo();
        Expected = CocoDetectionEvaluation.Run(detector, Dataset, Files.ImagesFolder);
    }

    public string Root => _temp.Path;

    public SyntheticCocoDatasetFiles Files { get; }

    public CocoDataset Dataset { get; }

    public CocoDetectionRun Expected { get; }

    public string NewFolder()
    {
        var path = Path.Combine(Root, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose() => _temp.Dispose();
}

/// <summary><c>maskrcnn eval</c> run as a real process on a generated dataset with the bundled demo model.</summary>
public sealed partial class EvalCommandTests(EvalToolData data) : IClassFixture<EvalToolData>
{
    private const string Size = "320x320";

    private static readonly Regex SummaryLine = SummaryLineRegex();

    [GeneratedRegex(@"^ Average (Precision|Recall) +\((AP|AR)\) @\[ IoU=(0\.50:0\.95|0\.50     |0\.75     ) \| area=(   all| small|medium| large) \| maxDets=(  1| 10|100) \] = -?[01]\.\d{3}$")]
    private static partial Regex SummaryLineRegex();

    private static void AssertSummary(string stdout, string type, CocoEvaluationResult expected)
    {
        var lines = stdout.Split('\n');
        var start = Array.IndexOf(lines, type + ":");
        Assert.True(start >= 0, $"no '{type}:' line in\n{stdout}");
        var summary = lines.Skip(start + 1).Take(12).ToArray();
        Assert.Equal(12, summary.Length);
        Assert.All(summary, line => Assert.Matches(SummaryLine, line));
        Assert.Equal(expected.FormatSummary(), string.Join('\n', summary));
    }

    [Fact]
    public void Eval_runs_the_model_and_then_evaluates_the_results_file_it_wrote()
    {
        var folder = data.NewFolder();
        var resultsPath = Path.Combine(folder, "out.json");
        var annotations = data.Files.AnnotationsPath;
        var objects = data.Dataset.Annotations.Count;

        var run = ProcessRunner.Tool(folder, ["eval", "--annotations", annotations, "--images", data.Files.ImagesFolder, "--output", resultsPath, "--size", Size]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("", run.Stderr);
        Assert.StartsWith($"{annotations}: 10 images, 3 categories, {objects} annotations\n", run.Stdout, StringComparison.Ordinal);
        AssertSummary(run.Stdout, "bbox", data.Expected.Bbox);
        AssertSummary(run.Stdout, "segm", data.Expected.Segm);
        Assert.Matches($@"\n10 images, {objects} detections in \d+\.\d s; results written to {Regex.Escape(resultsPath)}\n$", run.Stdout);
        Assert.Contains(" Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 1.000\n", run.Stdout, StringComparison.Ordinal);
        var results = CocoResultsFile.Read(resultsPath).ToList();
        Assert.Equal(objects, results.Count);
        Assert.Equal(data.Expected.Bbox.Stats, CocoEvaluator.Evaluate(data.Dataset, results, CocoIouType.Bbox).Stats);

        var again = ProcessRunner.Tool(folder, ["eval", "--annotations", annotations, "--results", resultsPath]);

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal("", again.Stderr);
        AssertSummary(again.Stdout, "bbox", data.Expected.Bbox);
        AssertSummary(again.Stdout, "segm", data.Expected.Segm);
        Assert.Matches($@"\nEvaluated {objects} detections in \d+\.\d\d s\n$", again.Stdout);
        Assert.Equal(["out.json"], Directory.GetFiles(folder).Select(Path.GetFileName)); // nothing else written
    }

    [Theory]
    [InlineData("", "eval needs --annotations instances.json.")]
    [InlineData("--annotations {A}", "eval needs either --images FOLDER (run the model) or --results results.json (evaluate a file), not both.")]
    [InlineData("--annotations {A} --images {I} --results {A}", "eval needs either --images FOLDER (run the model) or --results results.json (evaluate a file), not both.")]
    [InlineData("--annotations {A} --images {I} --bogus", "Unknown option --bogus.")]
    [InlineData("--annotations {A} extra", "eval takes no positional arguments (got 'extra').")]
    [InlineData("--annotations {A} --images {I} --size big", "--size must be WxH, e.g. 800x800, not 'big'.")]
    [InlineData("--annotations {A} --images {I} --score 2", "--score must be a number from 0 to 1, not '2'.")]
    [InlineData("--annotations {M} --results {A}", "error: {M}: ")]
    [InlineData("--annotations {A} --results {I}", "error: {I}: ")]
    [InlineData("--annotations {A} --results {A}", "error: {A}: A results file must be a JSON list of result objects.")]
    [InlineData("--annotations {A} --images {M}", "error: --images: the folder '{M}' does not exist.")]
    [InlineData("--annotations {A} --images {I} --output {M}/results.json", "error: cannot write the results to {M}/results.json: ")]
    public void Bad_arguments_exit_with_2_and_say_what_is_wrong(string arguments, string message)
    {
        var missing = Path.Combine(data.Root, "missing");
        string Expand(string text) => text.Replace("{A}", data.Files.AnnotationsPath, StringComparison.Ordinal)
            .Replace("{I}", data.Files.ImagesFolder, StringComparison.Ordinal).Replace("{M}", missing, StringComparison.Ordinal);
        var args = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Expand).Prepend("eval").ToArray();

        var run = ProcessRunner.Tool(data.NewFolder(), args);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(Expand(message), run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(" Average Precision", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Results_for_an_image_the_annotations_lack_exit_with_2()
    {
        var folder = data.NewFolder();
        var resultsPath = Path.Combine(folder, "results.json");
        CocoResultsFile.Write(resultsPath, [new CocoResult(999, 1, 0.9, new CocoBox(1, 2, 3, 4))]);

        var run = ProcessRunner.Tool(folder, ["eval", "--annotations", data.Files.AnnotationsPath, "--results", resultsPath]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"error: {resultsPath}: A result names image 999, which is not in the ground truth", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_image_is_listed_and_exits_with_4_after_evaluating_the_rest()
    {
        var folder = data.NewFolder();
        var images = Path.Combine(folder, "images");
        Directory.CreateDirectory(images);
        foreach (var file in Directory.GetFiles(data.Files.ImagesFolder))
            if (Path.GetFileName(file) != "000003.png") File.Copy(file, Path.Combine(images, Path.GetFileName(file)));
        var missing = Path.Combine(images, "000003.png");
        var lost = data.Dataset.Annotations.Count(a => a.ImageId == 3);
        Assert.True(lost > 0);

        var run = ProcessRunner.Tool(folder, ["eval", "--annotations", data.Files.AnnotationsPath, "--images", images, "--size", Size]);

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Equal($"1 image(s) failed:\n  {missing}: the file does not exist.\n", run.Stderr);
        var expected = CocoEvaluator.Evaluate(data.Dataset,
            CocoResultsFile.Read(Path.Combine(folder, "results.json")).ToList(), CocoIouType.Bbox);
        AssertSummary(run.Stdout, "bbox", expected);
        Assert.True(expected.AverageRecall100 < 1.0);
        Assert.Contains($"\n9 images, {data.Dataset.Annotations.Count - lost} detections in ", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("results written to results.json\n", run.Stdout, StringComparison.Ordinal); // the default, in the working folder
    }
}
