using System.CommandLine;
using System.Diagnostics;
using MaskRcnn.Coco;

namespace MaskRcnn.Overlay;

/// <summary>
/// <c>maskrcnn eval</c>: COCO evaluation. With <c>--images</c> it runs the model over a dataset and evaluates the
/// detections (writing them as a results file); with <c>--results</c> it evaluates an existing results file.
/// </summary>
internal static class EvalCommand
{
    private static readonly ModelOptions Model = new();
    private static readonly Option<string?> Annotations = Options.Text("--annotations", "The COCO annotations file (instances.json).", "FILE");
    private static readonly Option<string?> Images = Options.Text("--images", "The folder the annotations' file names are relative to: run the model over it.", "DIR");
    private static readonly Option<string?> Results = Options.Text("--results", "A results file to evaluate instead of running the model.", "FILE");
    private static readonly Option<string?> Output = Options.Text("--output", "Where to write the detections as a results file (with --images; default results.json).", "FILE");

    /// <summary>The <c>eval</c> command.</summary>
    public static Command Create(Func<TextWriter> stdout, Func<TextWriter> stderr, Func<CancellationToken> cancellation)
    {
        var command = new Command("eval", "COCO bbox and segm evaluation of the model over a dataset (--images), or of a results file (--results).");
        foreach (var option in new Option[] { Annotations, Images, Results, Output }) command.Add(option);
        Model.AddTo(command);
        command.SetAction(args => Run(args, stdout(), stderr(), cancellation()));
        return command;
    }

    private static int Run(ParseResult args, TextWriter stdout, TextWriter stderr, CancellationToken cancellation)
    {
        var annotations = args.GetValue(Annotations) ?? throw new UsageException("eval needs --annotations instances.json.");
        var images = args.GetValue(Images);
        var resultsIn = args.GetValue(Results);
        if ((images is null) == (resultsIn is null))
            throw new UsageException("eval needs either --images FOLDER (run the model) or --results results.json (evaluate a file), not both.");

        CocoDataset dataset;
        try
        {
            dataset = CocoDataset.Load(annotations);
        }
        catch (Exception e) when (e is IOException or FormatException or System.Text.Json.JsonException or ArgumentException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {annotations}: {e.Message}");
            return ExitCodes.BadArguments;
        }
        stdout.WriteLine($"{annotations}: {dataset.Images.Count} images, {dataset.Categories.Count} categories, {dataset.Annotations.Count} annotations");

        var clock = Stopwatch.StartNew();
        if (resultsIn is not null)
        {
            List<CocoResult> results;
            try
            {
                results = CocoResultsFile.Read(resultsIn).ToList();
            }
            catch (Exception e) when (e is IOException or FormatException or System.Text.Json.JsonException or ArgumentException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"error: {resultsIn}: {e.Message}");
                return ExitCodes.BadArguments;
            }
            foreach (var type in new[] { CocoIouType.Bbox, CocoIouType.Segm })
            {
                var withoutMask = results.Count(r => r.Segmentation is null);
                if (type == CocoIouType.Segm && withoutMask > 0)
                {
                    stdout.WriteLine($"segm: skipped: {withoutMask} of {results.Count} results have no segmentation.");
                    continue;
                }
                CocoEvaluationResult evaluation;
                try
                {
                    evaluation = CocoEvaluator.Evaluate(dataset, results, type);
                }
                catch (ArgumentException e)
                {
                    // Results that do not fit the annotations: an image that is not in them, a result without a box.
                    stderr.WriteLine($"error: {resultsIn}: {e.Message}");
                    return ExitCodes.BadArguments;
                }
                Print(stdout, type, evaluation);
            }
            stdout.WriteLine($"Evaluated {results.Count} detections in {clock.Elapsed.TotalSeconds:0.00} s");
            return ExitCodes.Success;
        }

        if (!Directory.Exists(images))
        {
            stderr.WriteLine($"error: --images: the folder '{images}' does not exist.");
            return ExitCodes.BadArguments;
        }
        var detector = Model.Load(args, (files, labels, options) => MaskRcnnDetector.Load(files.FrozenGraph, files.TextGraph, labels, options), stderr.WriteLine);
        if (detector is null) return ExitCodes.ModelError;
        using (detector)
        {
            var resultsPath = args.GetValue(Output) ?? "results.json";
            CocoDetectionRun run;
            try
            {
                run = CocoDetectionEvaluation.Run(detector, dataset, images!, resultsPath, null, null, cancellation);
            }
            catch (OperationCanceledException)
            {
                stderr.WriteLine("Stopped.");
                return ExitCodes.Cancelled;
            }
            catch (ArgumentException e)
            {
                stderr.WriteLine($"error: {e.Message}");
                return ExitCodes.BadArguments;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Per-image read errors are failures inside the run; what escapes it is the results file.
                stderr.WriteLine($"error: cannot write the results to {resultsPath}: {e.Message}");
                return ExitCodes.BadArguments;
            }
            Print(stdout, CocoIouType.Bbox, run.Bbox);
            Print(stdout, CocoIouType.Segm, run.Segm);
            stdout.WriteLine($"{run.ImagesProcessed} images, {run.ResultCount} detections in {clock.Elapsed.TotalSeconds:0.0} s; results written to {resultsPath}");
            if (run.Failures.Count == 0) return ExitCodes.Success;
            stderr.WriteLine($"{run.Failures.Count} image(s) failed:");
            foreach (var (image, error) in run.Failures) stderr.WriteLine($"  {image}: {error}");
            return ExitCodes.SomeInputsFailed;
        }
    }

    private static void Print(TextWriter stdout, CocoIouType type, CocoEvaluationResult result)
    {
        stdout.WriteLine($"{(type == CocoIouType.Bbox ? "bbox" : "segm")}:");
        stdout.WriteLine(result.FormatSummary());
    }
}
