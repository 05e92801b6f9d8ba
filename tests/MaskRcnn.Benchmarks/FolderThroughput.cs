using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using MaskRcnn.Pipeline;
using MaskRcnn.Preprocessing;
using MaskRcnn.Rendering;
using MaskRcnn.Runtime;
using MaskRcnn.Synthetic;
using OpenCvSharp;

namespace MaskRcnn.Benchmarks;

/// <summary>
/// Folder throughput, images per second: the naive sequential loop (for each file: read, detect, draw, write) against
/// <see cref="DetectionPipeline"/> configurations, all in one process and interleaved round by round, so that load
/// from other processes falls on every configuration alike. Checks that every configuration writes byte-identical
/// overlays. Run with
/// <c>dotnet run -c Release --project tests/MaskRcnn.Benchmarks -- throughput [--images 32] [--rounds 3] [--sweep] [--realistic] [--system-malloc] [--config 2x0x1x6]</c>.
/// </summary>
public static class FolderThroughput
{
    /// <summary>A pipeline configuration, or the naive loop when <see cref="Options"/> is null.</summary>
    private sealed record Config(string Name, DetectionPipelineOptions? Options);

    /// <summary>Parses the arguments, runs the rounds and prints the table.</summary>
    public static void Run(IReadOnlyList<string> args)
    {
        var images = IntArg(args, "--images", 32);
        var rounds = IntArg(args, "--rounds", 3);
        var sweep = args.Contains("--sweep");
        var root = Path.Combine(Path.GetTempPath(), $"maskrcnn-throughput-{Guid.NewGuid():N}");
        try
        {
            Measure(root, images, rounds, sweep, args);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Measure(string root, int imageCount, int rounds, bool sweep, IReadOnlyList<string> args)
    {
        // --realistic: the model with the cost tower, whose forward takes as long as a real model's.
        var realistic = args.Contains("--realistic");
        var model = SyntheticModelBuilder.Build(new SyntheticModelOptions { RealisticForwardCost = realistic });
        var files = model.WriteTo(Path.Combine(root, "model"));
        var input = Path.Combine(root, "in");
        Directory.CreateDirectory(input);
        var paths = Enumerable.Range(0, imageCount).Select(i =>
        {
            var path = Path.Combine(input, $"scene-{i:000}.png");
            SceneGenerator.Random(new SceneGeneratorOptions
            {
                ImageSize = new Size(640, 480),
                ObjectCount = 6,
                Background = SceneBackground.Noisy,
                Model = model.Options,
            }, seed: i).Save(path);
            return path;
        }).ToList();

        // As the tool does; both the naive loop and the pipeline run in this process, so both gain alike.
        var retained = !args.Contains("--system-malloc") && NativeAllocator.RetainFreedMemory();
        var cores = Environment.ProcessorCount;
        var openCvDefault = Cv2.GetNumThreads();
        var configs = new List<Config> { new("naive loop", null), new("pipeline default", DetectionPipelineOptions.Default) };
        if (sweep)
        {
            // Nets x OpenCV threads, each with a tight window (one image per net), a moderate and a generous one.
            foreach (var (nets, threads) in new[] { (1, 0), (1, cores), (2, 0), (2, cores), (3, 0), (4, 0) })
                foreach (var capacity in new[] { nets, 2 * nets + 2, 16 })
                    configs.Add(Pipeline(nets, threads, 1, capacity));
            configs.Add(Pipeline(2, 0, 2, 6));
        }
        // --config NETSxTHREADSxREADERSxCAPACITY (repeatable) adds one configuration, e.g. --config 2x0x1x6.
        for (var i = 0; i + 1 < args.Count; i++)
            if (args[i] == "--config" && args[i + 1].Split('x').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray() is [var n, var t, var r, var c])
                configs.Add(Pipeline(n, t, r, c));
        configs = configs.DistinctBy(c => c.Options).ToList();

        Console.WriteLine($"// {imageCount} PNG scenes 640x480 (noisy background, 6 objects), {(realistic ? "cost-realistic" : "synthetic")} model at 800x800, {cores} cores, " +
                          $"OpenCV default threads {openCvDefault}, {rounds} round(s), freed native memory {(retained ? "retained" : "returned to the system")}");
        var labels = LabelMap.Load(files.Labels);
        var pipelines = configs.Where(c => c.Options is not null).ToDictionary(c => c, c => DetectionPipeline.Load(files.Weights, files.TextGraph, labels, options: c.Options));
        using var naive = MaskRcnnDetector.Load(files.Weights, files.TextGraph, labels);
        try
        {
            var rates = configs.ToDictionary(c => c, _ => new List<double>());
            var reference = (Dictionary<string, string>?)null;
            for (var round = -1; round < rounds; round++)
            {
                // Round -1 warms every net up and checks the outputs; rotate the order so none always runs first.
                var order = configs.Skip(Math.Max(round, 0) % configs.Count).Concat(configs.Take(Math.Max(round, 0) % configs.Count));
                foreach (var config in order)
                {
                    var output = Path.Combine(root, "out", config.Name.Replace(' ', '-') + "-" + configs.IndexOf(config));
                    Directory.CreateDirectory(output);
                    Cv2.SetNumThreads(config.Options?.OpenCvThreads ?? openCvDefault);
                    var elapsed = config.Options is null ? Naive(naive, paths, output) : Piped(pipelines[config], paths, output);
                    if (round < 0)
                    {
                        var hashes = Directory.GetFiles(output).ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
                        reference ??= hashes;
                        if (!hashes.OrderBy(h => h.Key).SequenceEqual(reference.OrderBy(h => h.Key)))
                            throw new InvalidOperationException($"{config.Name} wrote other overlays than the naive loop.");
                        continue;
                    }
                    rates[config].Add(paths.Count / elapsed.TotalSeconds);
                }
            }
            Console.WriteLine($"// every configuration wrote the same {reference!.Count} overlay files, byte for byte");
            // Ratios are taken within a round (same load), then the median over rounds.
            Console.WriteLine("| configuration | nets | OpenCV threads | readers | capacity | images/s (median) | images/s per round | vs naive loop (median of per-round ratios) |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (var config in configs)
            {
                var o = config.Options;
                var ratios = rates[config].Zip(rates[configs[0]], (p, n) => p / n).ToList();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {config.Name} | {(o is null ? "1" : o.Detectors)} | {(o is null ? openCvDefault : o.OpenCvThreads)} | {(o is null ? "-" : o.Readers)} | {(o is null ? "-" : o.Capacity)} | " +
                    $"{Median(rates[config]):0.0} | {string.Join(" ", rates[config].Select(r => r.ToString("0.0", CultureInfo.InvariantCulture)))} | " +
                    $"{Median(ratios):0.00}x ({string.Join(" ", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))}) |"));
            }
        }
        finally
        {
            foreach (var p in pipelines.Values) p.Dispose();
        }
    }

    private static Config Pipeline(int nets, int threads, int readers, int capacity) =>
        new($"{nets} net(s) x {threads} thr, {readers} rd, cap {capacity}",
            new DetectionPipelineOptions { Detectors = nets, OpenCvThreads = threads, Readers = readers, Capacity = capacity });

    /// <summary>What a user writes first: one detector, one image after the other.</summary>
    private static TimeSpan Naive(MaskRcnnDetector detector, List<string> paths, string output)
    {
        var clock = Stopwatch.StartNew();
        foreach (var path in paths)
        {
            using var image = Cv2.ImRead(path, ImreadModes.Unchanged);
            var result = detector.Detect(image);
            using var canvas = BgrImage.ToBgr8(image);
            OverlayRenderer.Draw(canvas, result);
            Cv2.ImWrite(OverlayPath(output, path), canvas);
        }
        return clock.Elapsed;
    }

    /// <summary>The same work through the pipeline: the sink draws and writes.</summary>
    private static TimeSpan Piped(DetectionPipeline pipeline, List<string> paths, string output)
    {
        var summary = pipeline.Run(paths, item =>
        {
            if (item.Error is not null) throw item.Error;
            using var canvas = BgrImage.ToBgr8(item.Image!);
            OverlayRenderer.Draw(canvas, item.Result!);
            Cv2.ImWrite(OverlayPath(output, item.Input), canvas);
        });
        return summary.Elapsed;
    }

    private static string OverlayPath(string output, string input) => Path.Combine(output, Path.GetFileNameWithoutExtension(input) + ".overlay.png");

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static int IntArg(IReadOnlyList<string> args, string name, int fallback)
    {
        var i = args.ToList().IndexOf(name);
        return i >= 0 && i + 1 < args.Count ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
