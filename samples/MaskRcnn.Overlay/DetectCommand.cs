using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using MaskRcnn.Coco;
using MaskRcnn.IO;
using MaskRcnn.Pipeline;
using MaskRcnn.Preprocessing;
using MaskRcnn.Rendering;
using MaskRcnn.Tracking;
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

    public static int Run(IReadOnlyList<string> argv, ToolConsole console, CancellationToken cancellation)
    {
        var args = Arguments.Parse(argv, new HashSet<string>(ModelArguments.Flags.Concat(["--json", "--no-overlay", "--recursive"])),
            new HashSet<string>(ModelArguments.Valued.Concat(["--output", "--workers", "--video-codec", "--progress"])));
        if (args.Positional.Count == 0) throw new UsageException("detect needs at least one image, video, folder or pattern, e.g. maskrcnn detect samples/images/shapes.png");
        var output = args.Value("--output") ?? "maskrcnn-output";
        var writeJson = args.Flag("--json");
        var writeOverlay = !args.Flag("--no-overlay");
        if (!writeJson && !writeOverlay) throw new UsageException("--no-overlay without --json would write nothing; add --json.");
        var defaults = DetectionPipelineOptions.Default;
        var workers = args.Integer("--workers", defaults.Detectors, 1, 64);
        var codecName = args.Value("--video-codec") ?? "mjpg";
        if (!VideoCodecs.TryGetValue(codecName, out var codec))
            throw new UsageException($"--video-codec must be mjpg (.avi), mp4v (.mp4) or ffv1 (.mkv), not '{codecName}'.");

        console.Mode = args.Value("--progress") switch
        {
            null or "auto" => console.Mode,
            "line" => ProgressMode.Line,
            "plain" => ProgressMode.Plain,
            "none" => ProgressMode.None,
            var p => throw new UsageException($"--progress must be auto, line, plain or none, not '{p}'."),
        };

        var failures = new List<string>();
        var inputs = Inputs.Expand(args.Positional, args.Flag("--recursive"), output, failures, w => console.Error($"warning: {w}"));
        foreach (var f in failures) console.Error($"error: {f}");

        // --workers nets; the OpenCV thread count and the window of images held follow the measured defaults. Without
        // --workers, a few images get no more nets than images: loading a net costs more than it would save.
        if (args.Value("--workers") is null && inputs.All(i => i.Kind == InputKind.Image))
            workers = Math.Clamp(inputs.Count, 1, workers);
        var plan = DetectionPipelineOptions.ForDetectors(workers, Environment.ProcessorCount);
        var pipeline = ModelArguments.Load(args, (model, text, labels, options) => DetectionPipeline.Load(model, text, labels, options,
            plan with { OpenCvThreads = options.Threads ?? plan.OpenCvThreads }), console.Error);
        if (pipeline is null) return ExitCodes.ModelError;

        using (pipeline)
        {
            var detector = pipeline.Pool.Template;
            if (detector.FallbackReason is { } reason) console.Error($"warning: {reason}");
            var images = inputs.Count(i => i.Kind == InputKind.Image);
            var videos = inputs.Count - images;
            var threads = args.Value("--threads") is not null ? $", {pipeline.Options.OpenCvThreads} OpenCV thread(s)" : "";
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
        using var capture = new VideoCapture(job.Input.Path);
        if (!capture.IsOpened())
            throw new InvalidImageException($"OpenCV cannot open it as a video (it reads {string.Join(", ", Inputs.VideoExtensions)} through FFmpeg).");
        var fps = capture.Fps;
        if (!(fps is > 0 and < 1000)) fps = 25;
        var announced = (long)capture.FrameCount;

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
                    context.Pipeline.Run(ReadFrames(capture), item =>
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

    /// <summary>The video's frames as 8-bit BGR, read as the pipeline asks for them; it owns and disposes each.</summary>
    private static IEnumerable<Mat> ReadFrames(VideoCapture capture)
    {
        while (true)
        {
            var mat = new Mat();
            if (!capture.Read(mat) || mat.Empty())
            {
                mat.Dispose();
                yield break;
            }
            yield return ToBgrInPlace(mat);
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

    private static Mat ToBgrInPlace(Mat frame)
    {
        if (frame.Type() == MatType.CV_8UC3) return frame;
        var bgr = BgrImage.ToBgr8(frame);
        frame.Dispose();
        return bgr;
    }

    private static string UniqueStem(string stem, HashSet<string> used)
    {
        var candidate = stem;
        for (var i = 2; !used.Add(candidate); i++) candidate = $"{stem}-{i}";
        return candidate;
    }
}
