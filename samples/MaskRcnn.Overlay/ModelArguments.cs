using System.Globalization;
using MaskRcnn.Models;
using OpenCvSharp;

namespace MaskRcnn.Overlay;

/// <summary>The model, labels and detection options named on the command line.</summary>
internal static class ModelArguments
{
    public static readonly string[] Valued = ["--model", "--text-graph", "--labels", "--score", "--mask-threshold", "--classes", "--size", "--keep-aspect", "--device", "--fallback", "--threads", "--max-instances", "--cache"];
    public static readonly string[] Flags = ["--bgr"];

    public static string DemoDirectory => Path.Combine(AppContext.BaseDirectory, "models", "demo");

    /// <summary>
    /// The model files: the bundled demo model without <c>--model</c>; the cached files of a catalogue model when
    /// <c>--model</c> names one (and no file of that name exists); else the files named. <c>--text-graph</c> and
    /// <c>--labels</c> override the cached ones.
    /// </summary>
    /// <exception cref="ModelLoadException">A catalogue model is not in the cache.</exception>
    public static (string Model, string? TextGraph, string? Labels) Files(Arguments args)
    {
        var model = args.Value("--model");
        if (model is null)
        {
            var dir = DemoDirectory;
            return (Path.Combine(dir, "weights.pb"), Path.Combine(dir, "graph.pbtxt"), args.Value("--labels") ?? Path.Combine(dir, "labels.txt"));
        }
        if (!File.Exists(model) && ModelCatalog.TryFind(model, out var entry))
        {
            var cache = new ModelCache(args.Value("--cache"));
            var paths = cache.PathsFor(entry);
            if (!File.Exists(paths.FrozenGraph))
            {
                var cacheOption = args.Value("--cache") is { } c ? $" --cache {c}" : "";
                throw new ModelLoadException(
                    $"The catalogue model '{entry.Name}' is not downloaded (looked in {paths.Directory}). Run: maskrcnn models download {entry.Name}{cacheOption}");
            }
            return (paths.FrozenGraph,
                args.Value("--text-graph") ?? (File.Exists(paths.TextGraph) ? paths.TextGraph : null),
                args.Value("--labels") ?? (File.Exists(paths.Labels) ? paths.Labels : null));
        }
        return (model, args.Value("--text-graph"), args.Value("--labels"));
    }

    /// <summary>
    /// Loads the model the arguments name with <paramref name="load"/> (a detector or a pool); on a model error reports it
    /// through <paramref name="error"/> and returns null, for the caller to exit with <see cref="ExitCodes.ModelError"/>.
    /// </summary>
    public static T? Load<T>(Arguments args, Func<string, string?, LabelMap?, MaskRcnnOptions, T> load, Action<string> error) where T : class
    {
        string? textGraph = null;
        try
        {
            (var modelPath, textGraph, var labelsPath) = Files(args);
            var labels = labelsPath is null ? null : LabelMap.Load(labelsPath);
            return load(modelPath!, textGraph, labels, Options(args, labels));
        }
        catch (ModelLoadException e)
        {
            error($"error: {e.Message}{LoadHint(args, textGraph)}");
        }
        catch (MaskRcnnException e)
        {
            error($"error: {e.Message}");
        }
        return null;
    }

    /// <summary>A hint for a model that failed to load: a catalogue model without a text graph needs one.</summary>
    public static string LoadHint(Arguments args, string? textGraph)
    {
        if (textGraph is not null || args.Value("--model") is not { } model || File.Exists(model) || !ModelCatalog.TryFind(model, out var entry)) return "";
        return $" The cache has no text graph for '{entry.Name}': make one with OpenCV's samples/dnn/tf_text_graph_mask_rcnn.py and pass it with --text-graph.";
    }

    public static MaskRcnnOptions Options(Arguments args, LabelMap? labels)
    {
        var detect = new DetectOptions
        {
            ScoreThreshold = (float)args.Number("--score", 0.5, 0, 1),
            MaskThreshold = (float)args.Number("--mask-threshold", 0.5, 0, 0.999999),
            MaxInstances = args.Integer("--max-instances", 100, 1, 10000),
            ClassIds = ParseClasses(args.Value("--classes"), labels),
        };
        var options = new MaskRcnnOptions
        {
            SwapRB = !args.Flag("--bgr"),
            Threads = args.Value("--threads") is null ? null : args.Integer("--threads", 0, 0, 1024),
            Device = ParseDevice(args.Value("--device") ?? "cpu"),
            Fallback = (args.Value("--fallback") ?? "fail") switch
            {
                "fail" => DeviceFallback.Throw,
                "cpu" => DeviceFallback.UseCpu,
                var f => throw new UsageException($"--fallback must be 'fail' or 'cpu', not '{f}'."),
            },
        };
        if (args.Value("--size") is { } size && args.Value("--keep-aspect") is not null)
            throw new UsageException("Use either --size WxH or --keep-aspect MIN:MAX, not both.");
        if (args.Value("--size") is { } s)
            detect = detect with { InputMode = InputSizeMode.Fixed, InputSize = ParsePair(s, 'x', "--size", "WxH, e.g. 800x800") is var (w, h) ? new Size(w, h) : default };
        if (args.Value("--keep-aspect") is { } k)
        {
            var (min, max) = ParsePair(k, ':', "--keep-aspect", "MIN:MAX, e.g. 800:1365");
            detect = detect with { InputMode = InputSizeMode.KeepAspect, ImageMinDim = min, ImageMaxDim = max };
        }
        try
        {
            return (options with { DefaultDetectOptions = detect }).Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static InferenceDevice ParseDevice(string text) => text.ToLowerInvariant() switch
    {
        "cpu" => InferenceDevice.Cpu,
        "opencl" => InferenceDevice.OpenCl,
        "opencl-fp16" => InferenceDevice.OpenClFp16,
        "cuda" => InferenceDevice.Cuda,
        "cuda-fp16" => InferenceDevice.CudaFp16,
        _ => throw new UsageException($"--device must be cpu, opencl, opencl-fp16, cuda or cuda-fp16, not '{text}'."),
    };

    private static HashSet<int>? ParseClasses(string? text, LabelMap? labels)
    {
        if (text is null) return null;
        var ids = new HashSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                ids.Add(id);
                continue;
            }
            var match = labels is null ? -1 : Enumerable.Range(0, labels.ClassCount).FirstOrDefault(i => string.Equals(labels[i], part, StringComparison.OrdinalIgnoreCase), -1);
            if (match < 0) throw new UsageException($"--classes: '{part}' is neither a class id nor a label of this model.");
            ids.Add(match);
        }
        return ids;
    }

    public static (int A, int B) ParsePair(string text, char separator, string option, string form)
    {
        var parts = text.Split(separator);
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var a) &&
            int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var b))
            return (a, b);
        throw new UsageException($"{option} must be {form}, not '{text}'.");
    }
}
