using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using MaskRcnn.Coco;
using MaskRcnn.IO;
using MaskRcnn.Pipeline;
using MaskRcnn.Preprocessing;
using MaskRcnn.Rendering;
using MaskRcnn.Tracking;
using MaskRcnn.Video;
using OpenCvSharp;

namespace MaskRcnn.Overlay;

/// <summary>
/// <c>maskrcnn detect</c>: runs the model over images, videos, folders and patterns, and writes overlays and JSON
/// results.
/// </summary>
internal static class DetectCommand
{
    /// <summary>The video codecs offered, each with the container it is written in.</summary>
    public static readonly IReadOnlyDictionary<string, (string FourCc, string Extension)> VideoCodecs =
        new Dictionary<string, (string, string)>(StringComparer.OrdinalIgnoreCase)
        {
            ["mjpg"] = ("MJPG", ".avi"),
            ["mp4v"] = ("mp4v", ".mp4"),
            ["ffv1"] = ("FFV1", ".mkv"),
        };

    private sealed record Job(InputFile Input, string OverlayPath, string JsonPath);

    private static readonly ModelOptions Model = new();
    private static readonly Argument<string[]> InputsArgument = new("inputs")
    {
        Description = "Images, videos (.mp4 .avi .mkv .mov), folders, and patterns such as 'photos/*.jpg' or 'shots/**/*.png' (quote them).",
        Arity = ArgumentArity.ZeroOrMore,
        Validators = { result => { if (result.Tokens.FirstOrDefault(t => t.Value.StartsWith("--", StringComparison.Ordinal)) is { } option) result.AddError($"Unknown option {option.Value}. Run 'maskrcnn detect --help' for the options."); } },
    };
    private static readonly Option<string?> Output = Options.Text("--output", "Output folder (default maskrcnn-output); inputs are never overwritten.", "DIR");
    private static readonly Option<bool> Json = Options.Flag("--json", "Also write <name>.json per image and <name>.jsonl (a line per frame) per video.");
    private static readonly Option<bool> NoOverlay = Options.Flag("--no-overlay", "Write no overlay images or videos.");
    private static readonly Option<bool> Recursive = Options.Flag("--recursive", "Search folders recursively.");
    private static readonly Option<string?> VideoCodec = Options.Choice("--video-codec", "Overlay video codec: mjpg (.avi, default), mp4v (.mp4) or ffv1 (.mkv, lossless).",
        VideoCodecs.Keys, "mjpg (.avi), mp4v (.mp4) or ffv1 (.mkv)");
    private static readonly Option<int?> Workers = Options.Integer("--workers", "Images (or video frames) detected in parallel, one net each (default: one per core, no more than the images).", 1, 64);
    private static readonly Option<string?> ProgressOption = Options.Choice("--progress", "Progress: auto (default: a redrawn line on a terminal, else plain lines), line, plain or none.",
        ["auto", "line", "plain", "none"], "auto, line, plain or none");

    /// <summary>The <c>detect</c> command.</summary>
    public static Command Create(Func<ToolConsole> console, Func<CancellationToken> cancellation)
    {
        var command = new Command("detect", "Detect instances in images, videos, folders and patterns; write overlays (and --json results).");
        command.Add(InputsArgument);
        foreach (var option in new Option[] { Output, Json, NoOverlay, Recursive, VideoCodec, Workers, ProgressOption }) command.Add(option);
        Model.AddTo(command);
        command.SetAction(args => Run(args, console(), cancellation()));
        return command;
    }

    private static int Run(ParseResult args, ToolConsole console, CancellationToken cancellation)
    {
        var items = args.GetValue(InputsArgument) ?? [];
        if (items.Length == 0) throw new UsageException("detect needs at least one image, video, folder or pattern, e.g. maskrcnn detect samples/images/shapes.png");
        var output = args.GetValue(Output) ?? "maskrcnn-output";
        var writeJson = args.GetValue(Json);
        var writeOverlay = !args.GetValue(NoOverlay);
        if (!writeJson && !writeOverlay) throw new UsageException("--no-overlay without --json would write nothing; add --json.");
        var workers = args.GetValue(Workers) ?? DetectionPipelineOptions.Default.Detectors;
        var codec = VideoCodecs[args.GetValue(VideoCodec) ?? "mjpg"];

        console.Mode = args.GetValue(ProgressOption) switch
        {
            "line" => ProgressMode.Line,
            "plain" => ProgressMode.Plain,
            "none" => ProgressMode.None,
            _ => console.Mode,
        };

        var failures = new List<string>();
        var inputs = Inputs.Expand(items, args.GetValue(Recursive), output, failures, w => console.Error($"warning: {w}"));
        foreach (var f in failures) console.Error($"error: {f}");

        // --workers nets; the OpenCV thread count and the window of images held follow the measured defaults. Without
        // --workers, a few images get no more nets than images: loading a net costs more than it would save.
        if (args.GetValue(Workers) is null && inputs.All(i => i.Kind == InputKind.Image))
            workers = Math.Clamp(inputs.Count, 1, workers);
        var plan = DetectionPipelineOptions.ForDetectors(workers, Environment.ProcessorCount);
        var pipeline = Model.Load(args, (files, labels, options) => DetectionPipeline.Load(files.FrozenGraph, files.TextGraph, labels, options,
            plan with { OpenCvThreads = options.Threads ?? plan.OpenCvThreads }), console.Error);
        if (pipeline is null) return ExitCodes.ModelError;

        using (pipeline)
        {
            var detector = pipeline.Pool.Template;
            if (detector.FallbackReason is { } reason) console.Error($"warning: {reason}");
            var images = inputs.Count(i => i.Kind == InputKind.Image);
            var videos = inputs.Count - images;
            var threads = args.GetValue(Model.Threads) is not null ? $", {pipeline.Options.OpenCvThreads} OpenCV thread(s)" : "";
            var parallel = workers > 1 ? $", {workers} workers" : "";
            console.Out($"Model: {detector.ModelName} ({detector.NumClasses} classes) on {detector.Device}{threads}{parallel}; " +
                        $"{images} image(s), {videos} video(s) -> {Path.GetFullPath(output)}");

            var jobs = PlanOutputs(inputs, output, codec.Extension, writeOverlay, writeJson, failures, console);
            var totals = new Totals();
            var clock = Stopwatch.StartNew();
            var context = new RunContext(pipeline, console, totals, failures, writeOverlay, writeJson, codec.FourCc, cancellation);

            RunImages(context, [.. jobs.Where(j => j.Input.Kind == InputKind.Image)]);
            foreach (var job in jobs.Where(j => j.Input.Kind == InputKind.Video))
            {
                if (cancellation.IsCancellationRequested) break;
                RunVideo(context, job);
            }

            PrintSummary(console, totals, clock.Elapsed);
            if (failures.Count > 0)
            {
                console.Error($"{failures.Count} input(s) failed:");
                foreach (var f in failures) console.Error($"  {f}");
                return ExitCodes.SomeInputsFailed;
            }
            return cancellation.IsCancellationRequested ? ExitCodes.Cancelled : ExitCodes.Success;
        }
    }

    private sealed record RunContext(
        DetectionPipeline Pipeline, ToolConsole Console, Totals Totals, List<string> Failures,
        bool WriteOverlay, bool WriteJson, string FourCc, CancellationToken Cancellation)
    {
        public void Fail(string input, string message)
        {
            lock (Failures) Failures.Add($"{input}: {message}");
            Console.Error($"error: {input}: {message}");
        }
    }

    /// <summary>Names each input's outputs (unique within the run) and refuses any output that would replace an input.</summary>
    private static List<Job> PlanOutputs(List<InputFile> inputs, string output, string videoExtension, bool writeOverlay, bool writeJson,
        List<string> failures, ToolConsole console)
    {
        var inputPaths = new HashSet<string>(inputs.Select(i => Path.GetFullPath(i.Path)), Inputs.PathComparer);
        var usedStems = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var jobs = new List<Job>();
        foreach (var input in inputs)
        {
            var stem = UniqueStem(Path.GetFileNameWithoutExtension(input.Path), usedStems);
            var job = input.Kind == InputKind.Image
                ? new Job(input, Path.Combine(output, stem + ".overlay.png"), Path.Combine(output, stem + ".json"))
                : new Job(input, Path.Combine(output, stem + ".overlay" + videoExtension), Path.Combine(output, stem + ".jsonl"));
            var written = new List<string>();
            if (writeOverlay) written.Add(job.OverlayPath);
            if (writeJson) written.Add(job.JsonPath);
            if (written.FirstOrDefault(p => inputPaths.Contains(Path.GetFullPath(p))) is { } clash)
            {
                var message = $"{input.Path}: its output {clash} would overwrite an input; choose another --output folder.";
                failures.Add(message);
                console.Error($"error: {message}");
                continue;
            }
            jobs.Add(job);
        }
        return jobs;
    }

    // ---------------------------------------------------------------- images

    /// <summary>Runs the images through the pipeline: the next images are decoded and detected while the sink draws
    /// and writes the previous ones, in input order.</summary>
    private static void RunImages(RunContext context, List<Job> jobs)
    {
        if (jobs.Count == 0) return;
        var done = 0;
        using (var progress = jobs.Count > 1 ? context.Console.StartProgress("", "images", jobs.Count) : null)
        {
            try
            {
                // Read through the library so a giant image is refused by its header before it is decoded.
                var maxPixels = context.Pipeline.Pool.Template.Options.MaxImagePixels;
                context.Pipeline.Run(jobs, job => ImageFile.Read(job.Input.Path, maxPixels), item =>
                {
                    var job = item.Input;
                    try
                    {
                        if (item.Error is { } error) ExceptionDispatchInfo.Throw(error);
                        WriteImage(context, job, item.Image!, item.Result!);
                    }
                    catch (Exception e) when (IsInputError(e))
                    {
                        progress?.Advance();
                        context.Fail(job.Input.Path, e.Message);
                        return;
                    }
                    done++;
                    progress?.Advance();
                    context.Console.Out($"{job.Input.Path}: {item.Result!.Instances.Count} instance(s) in {item.Result.Timings.Total.TotalMilliseconds:0} ms");
                }, context.Cancellation);
            }
            catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
            {
                // Reported below; outputs already written are complete.
            }
        }
        if (context.Cancellation.IsCancellationRequested)
            context.Console.Error($"Stopped after {done} of {jobs.Count} image(s); outputs written so far are kept.");
    }

    private static void WriteImage(RunContext context, Job job, Mat image, DetectionResult result)
    {
        if (context.WriteOverlay)
        {
            using var canvas = BgrImage.ToBgr8(image);
            OverlayRenderer.Draw(canvas, result);
            PendingFile.Write(job.OverlayPath, temp =>
            {
                if (!Cv2.ImWrite(temp, canvas)) throw new IOException($"OpenCV could not write {job.OverlayPath}.");
            });
        }
        if (context.WriteJson)
            PendingFile.Write(job.JsonPath, temp => { using var s = File.Create(temp); DetectionJson.Write(s, job.Input.Path, result); });
        context.Totals.Add(result, frame: false);
    }

    // ---------------------------------------------------------------- videos

    private static void RunVideo(RunContext context, Job job)
    {
        try
        {
            var (frames, objects, stopped) = DetectVideo(context, job);
            var outputs = string.Join(" and ", new[] { context.WriteOverlay ? job.OverlayPath : null, context.WriteJson ? job.JsonPath : null }.OfType<string>());
            context.Console.Out($"{job.Input.Path}: {frames} frame(s), {objects} object(s) tracked -> {outputs}");
            if (stopped) context.Console.Error($"Stopped {job.Input.Path} after {frames} frame(s); the frames written so far are kept.");
        }
        catch (Exception e) when (IsInputError(e))
        {
            context.Fail(job.Input.Path, e.Message);
        }
    }

    private static (int Frames, int Objects, bool Stopped) DetectVideo(RunContext context, Job job)
    {
        using var video = VideoFrameSource.Open(job.Input.Path);
        var fps = video.Fps;
        var announced = video.AnnouncedFrameCount;

        using var overlayFile = context.WriteOverlay ? PendingFile.Begin(job.OverlayPath) : null;
        using var jsonFile = context.WriteJson ? PendingFile.Begin(job.JsonPath) : null;
        VideoWriter? writer = null;
        FileStream? json = null;
        try
        {
            json = jsonFile is null ? null : new FileStream(jsonFile.TemporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            var tracker = new InstanceTracker();
            var frame = 0;
            var stopped = false;
            Size size = default;
            using (var progress = context.Console.StartProgress(job.Input.Path, "frames", announced))
            {
                try
                {
                    // The next frames are read and detected while this one is drawn and written; tracking needs them in order.
                    context.Pipeline.Run(video.Frames(), item =>
                    {
                        if (item.Error is { } error) ExceptionDispatchInfo.Throw(error);
                        var image = item.Image!;
                        var result = item.Result!;
                        var tracks = tracker.Update(result);
                        if (overlayFile is not null)
                        {
                            if (writer is null)
                            {
                                size = image.Size();
                                writer = new VideoWriter(overlayFile.TemporaryPath, FourCC.FromString(context.FourCc), fps, size);
                                if (!writer.IsOpened())
                                    throw new IOException($"OpenCV could not open a {context.FourCc} video writer for {job.OverlayPath}; try another --video-codec.");
                            }
                            if (image.Size() != size)
                                throw new InvalidImageException($"frame {frame} is {image.Width}x{image.Height}, not {size.Width}x{size.Height} as the first frame.");
                            // Colour by track id: an object keeps its colour from frame to frame.
                            OverlayRenderer.Draw(image, result, colorIndex: (_, n) => tracks[n]);
                            writer.Write(image);
                        }
                        if (json is not null) DetectionJson.WriteFrame(json, job.Input.Path, frame, frame * 1000.0 / fps, result, tracks);
                        context.Totals.Add(result, frame: true);
                        frame++;
                        progress.Advance();
                    }, context.Cancellation);
                }
                catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
                {
                    stopped = true;
                }
            }
            if (frame == 0)
            {
                if (stopped) return (0, 0, true);
                throw new InvalidImageException("no frame could be read from it.");
            }
            writer?.Release();
            writer?.Dispose();
            json?.Dispose();
            overlayFile?.Commit();
            jsonFile?.Commit();
            context.Totals.AddVideo();
            return (frame, tracker.IdCount, stopped);
        }
        finally
        {
            writer?.Dispose();
            json?.Dispose();
        }
    }

    // ---------------------------------------------------------------- summary and helpers

    /// <summary>Counts over the run, added to from several threads.</summary>
    private sealed class Totals
    {
        private readonly object _gate = new();
        private readonly double[] _stageMs = new double[3];

        public int Images { get; private set; }
        public int Videos { get; private set; }
        public int Frames { get; private set; }
        public SortedDictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);
        public IReadOnlyList<double> StageMs => _stageMs;

        public void Add(DetectionResult result, bool frame)
        {
            lock (_gate)
            {
                if (frame) Frames++;
                else Images++;
                foreach (var inst in result.Instances) Counts[inst.Label] = Counts.GetValueOrDefault(inst.Label) + 1;
                _stageMs[0] += result.Timings.Preprocess.TotalMilliseconds;
                _stageMs[1] += result.Timings.Forward.TotalMilliseconds;
                _stageMs[2] += result.Timings.Postprocess.TotalMilliseconds;
            }
        }

        public void AddVideo()
        {
            lock (_gate) Videos++;
        }
    }

    private static void PrintSummary(ToolConsole console, Totals totals, TimeSpan elapsed)
    {
        var what = $"{totals.Images} image(s)";
        if (totals.Frames > 0) what += $", {totals.Frames} video frame(s) of {totals.Videos} video(s)";
        var counts = totals.Counts.Count == 0 ? "none" : string.Join(", ", totals.Counts.Select(c => $"{c.Key} {c.Value}"));
        console.Out(string.Create(CultureInfo.InvariantCulture, $"Done: {what} in {elapsed.TotalSeconds:0.0} s; instances: {counts}"));
        var n = totals.Images + totals.Frames;
        if (n == 0) return;
        var per = totals.Frames == 0 ? "image" : totals.Images == 0 ? "frame" : "image or frame";
        var ms = totals.StageMs;
        console.Out(string.Create(CultureInfo.InvariantCulture,
            $"Mean per {per}: preprocess {ms[0] / n:0.0} ms, forward {ms[1] / n:0.0} ms, postprocess {ms[2] / n:0.0} ms"));
    }

    private static bool IsInputError(Exception e) =>
        e is InvalidImageException or MaskRcnnException or IOException or OpenCVException or UnauthorizedAccessException;

    private static string UniqueStem(string stem, HashSet<string> used)
    {
        var candidate = stem;
        for (var i = 2; !used.Add(candidate); i++) candidate = $"{stem}-{i}";
        return candidate;
    }
}
