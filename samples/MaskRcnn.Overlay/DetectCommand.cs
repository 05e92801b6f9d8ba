using System.Diagnostics;
using System.Globalization;
using MaskRcnn.Rendering;
using OpenCvSharp;

namespace MaskRcnn.Overlay;

/// <summary><c>maskrcnn detect</c>: runs the model over images and folders and writes overlays and JSON results.</summary>
internal static class DetectCommand
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".jp2", ".pgm", ".ppm"];

    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr, CancellationToken cancellation)
    {
        var args = Arguments.Parse(argv, new HashSet<string>(ModelArguments.Flags.Concat(["--json", "--no-overlay", "--recursive"])),
            new HashSet<string>(ModelArguments.Valued.Concat(["--output"])));
        if (args.Positional.Count == 0) throw new UsageException("detect needs at least one image or folder, e.g. maskrcnn detect samples/images/shapes.png");
        var output = args.Value("--output") ?? "maskrcnn-output";
        var writeJson = args.Flag("--json");
        var writeOverlay = !args.Flag("--no-overlay");
        if (!writeJson && !writeOverlay) throw new UsageException("--no-overlay without --json would write nothing; add --json.");
        var inputs = Expand(args.Positional, args.Flag("--recursive"), stderr, out var missing);

        var (modelPath, textGraph, labelsPath) = ModelArguments.Files(args);
        LabelMap? labels = null;
        MaskRcnnDetector detector;
        try
        {
            labels = labelsPath is null ? null : LabelMap.Load(labelsPath);
            var options = ModelArguments.Options(args, labels);
            detector = MaskRcnnDetector.Load(modelPath, textGraph, labels, options);
        }
        catch (MaskRcnnException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.ModelError;
        }

        using (detector)
        {
            if (detector.FallbackReason is { } reason) stderr.WriteLine($"warning: {reason}");
            stdout.WriteLine($"Model: {detector.ModelName} ({detector.NumClasses} classes) on {detector.Device}; {inputs.Count} image(s) -> {Path.GetFullPath(output)}");
            var failures = new List<string>(missing);
            var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
            var totals = new double[3];
            var done = 0;
            var clock = Stopwatch.StartNew();
            var usedNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var input in inputs)
            {
                if (cancellation.IsCancellationRequested)
                {
                    stderr.WriteLine($"Stopped after {done} of {inputs.Count} image(s); outputs written so far are kept.");
                    break;
                }
                var stem = UniqueStem(Path.GetFileNameWithoutExtension(input), usedNames);
                var overlayPath = Path.Combine(output, stem + ".overlay.png");
                var jsonPath = Path.Combine(output, stem + ".json");
                if (SamePath(overlayPath, input) || SamePath(jsonPath, input))
                {
                    failures.Add($"{input}: its output would overwrite the input; choose another --output folder.");
                    continue;
                }
                try
                {
                    using var image = Cv2.ImRead(input, ImreadModes.Unchanged);
                    if (image.Empty()) throw new InvalidImageException($"{input}: not a decodable image.");
                    var result = detector.Detect(image);
                    if (writeOverlay)
                    {
                        using var bgr = ToBgr(image);
                        using var overlay = OverlayRenderer.Render(bgr, result);
                        AtomicFile.Write(overlayPath, temp =>
                        {
                            if (!Cv2.ImWrite(temp, overlay)) throw new IOException($"OpenCV could not write {overlayPath}.");
                        });
                    }
                    if (writeJson)
                        AtomicFile.Write(jsonPath, temp => { using var s = File.Create(temp); ResultJson.Write(s, input, result); });
                    foreach (var inst in result.Instances) counts[inst.Label] = counts.GetValueOrDefault(inst.Label) + 1;
                    totals[0] += result.Timings.Preprocess.TotalMilliseconds;
                    totals[1] += result.Timings.Forward.TotalMilliseconds;
                    totals[2] += result.Timings.Postprocess.TotalMilliseconds;
                    done++;
                    stdout.WriteLine($"{input}: {result.Instances.Count} instance(s) in {result.Timings.Total.TotalMilliseconds:0} ms");
                }
                catch (Exception e) when (e is InvalidImageException or MaskRcnnException or IOException or OpenCVException or UnauthorizedAccessException)
                {
                    failures.Add($"{input}: {e.Message}");
                    stderr.WriteLine($"error: {input}: {e.Message}");
                }
            }

            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Done: {done} image(s) in {clock.Elapsed.TotalSeconds:0.0} s; instances: {(counts.Count == 0 ? "none" : string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}")))}"));
            if (done > 0)
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Mean per image: preprocess {totals[0] / done:0.0} ms, forward {totals[1] / done:0.0} ms, postprocess {totals[2] / done:0.0} ms"));
            if (failures.Count > 0)
            {
                stderr.WriteLine($"{failures.Count} input(s) failed:");
                foreach (var f in failures) stderr.WriteLine($"  {f}");
                return ExitCodes.SomeInputsFailed;
            }
            return cancellation.IsCancellationRequested ? ExitCodes.Cancelled : ExitCodes.Success;
        }
    }

    private static Mat ToBgr(Mat image)
    {
        var eight = new Mat();
        if (image.Depth() == MatType.CV_16U) image.ConvertTo(eight, MatType.MakeType(MatType.CV_8U, image.Channels()), 1.0 / 257);
        else image.CopyTo(eight);
        if (eight.Channels() == 3) return eight;
        var bgr = new Mat();
        Cv2.CvtColor(eight, bgr, eight.Channels() == 1 ? ColorConversionCodes.GRAY2BGR : ColorConversionCodes.BGRA2BGR);
        eight.Dispose();
        return bgr;
    }

    private static List<string> Expand(IEnumerable<string> items, bool recursive, TextWriter stderr, out List<string> missing)
    {
        var files = new List<string>();
        missing = [];
        foreach (var item in items)
        {
            if (Directory.Exists(item))
            {
                var found = Directory.EnumerateFiles(item, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
                    .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0) stderr.WriteLine($"warning: {item} holds no images{(recursive ? "" : " (add --recursive for subfolders)")}.");
                files.AddRange(found);
            }
            else if (File.Exists(item)) files.Add(item);
            else missing.Add($"{item}: no such file or folder.");
        }
        foreach (var m in missing) stderr.WriteLine($"error: {m}");
        return files;
    }

    private static string UniqueStem(string stem, HashSet<string> used)
    {
        var candidate = stem;
        for (var i = 2; !used.Add(candidate); i++) candidate = $"{stem}-{i}";
        return candidate;
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
