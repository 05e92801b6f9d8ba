using System.CommandLine;
using System.Globalization;
using MaskRcnn.Models;
using OpenCvSharp;

namespace MaskRcnn.Overlay;

/// <summary>The model, labels, device and detection options that <c>detect</c> and <c>eval</c> share.</summary>
internal sealed class ModelOptions
{
    private static readonly Dictionary<string, InferenceDevice> Devices = new(StringComparer.Ordinal)
    {
        ["cpu"] = InferenceDevice.Cpu,
        ["opencl"] = InferenceDevice.OpenCl,
        ["opencl-fp16"] = InferenceDevice.OpenClFp16,
        ["cuda"] = InferenceDevice.Cuda,
        ["cuda-fp16"] = InferenceDevice.CudaFp16,
    };

    private static readonly Dictionary<string, DeviceFallback> Fallbacks = new(StringComparer.Ordinal)
    {
        ["fail"] = DeviceFallback.Throw,
        ["cpu"] = DeviceFallback.UseCpu,
    };

    public Option<string?> Model { get; } = Options.Text("--model",
        "A catalogue model name (see 'models list'; it must be downloaded) or a frozen graph .pb (default: the bundled synthetic demo model).", "M");
    public Option<string?> Cache { get; } = Options.Text("--cache",
        $"Model cache folder for catalogue names (default: {ModelCache.EnvironmentVariable} or the per-user cache).", "DIR");
    public Option<string?> TextGraph { get; } = Options.Text("--text-graph", "OpenCV text graph (.pbtxt) for the model.", "FILE");
    public Option<string?> Labels { get; } = Options.Text("--labels", "Labels: one per line, or a TF label_map.pbtxt.", "FILE");
    public Option<double?> Score { get; } = Options.Number("--score", "Minimum score, 0..1 (default 0.5).", 0, 1);
    public Option<double?> MaskThreshold { get; } = Options.Number("--mask-threshold", "Mask threshold, 0..1 (default 0.5).", 0, 0.999999);
    public Option<string?> Classes { get; } = Options.Text("--classes", "Only these class ids or labels, separated by commas.", "A,B");
    public Option<int?> MaxInstances { get; } = Options.Integer("--max-instances", "Most instances per image (default 100).", 1, 10000);
    public Option<(int A, int B)?> Size { get; } = Options.Pair("--size", "Fixed network input size (default 800x800).", 'x', "WxH, e.g. 800x800");
    public Option<(int A, int B)?> KeepAspect { get; } = Options.Pair("--keep-aspect", "Keep-aspect input size, short side MIN, long side at most MAX (e.g. 800:1365).", ':', "MIN:MAX, e.g. 800:1365");
    public Option<bool> Native { get; } = Options.Flag("--native", "Feed each image at its own size, without resizing.");
    public Option<InferenceDevice> Device { get; } = Options.Choice("--device", "Where to run (default cpu).", Devices, "cpu, opencl, opencl-fp16, cuda or cuda-fp16");
    public Option<DeviceFallback> Fallback { get; } = Options.Choice("--fallback", "When the device is unavailable: fail, or run on the cpu (default fail).", Fallbacks, "'fail' or 'cpu'");
    public Option<int?> Threads { get; } = Options.Integer("--threads", "OpenCV worker threads (process-wide; default: OpenCV's choice).", 0, 1024);
    public Option<bool> Bgr { get; } = Options.Flag("--bgr", "Feed BGR instead of RGB to the network.");

    public static string DemoDirectory => Path.Combine(AppContext.BaseDirectory, "models", "demo");

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Model, Cache, TextGraph, Labels, Score, MaskThreshold, Classes, MaxInstances, Size, KeepAspect, Native, Device, Fallback, Threads, Bgr })
            command.Add(option);
    }

    /// <summary>
    /// The model files: the bundled demo model without <c>--model</c>; else what <see cref="ModelCache.Resolve"/> finds
    /// for the name or path. <c>--text-graph</c> and <c>--labels</c> override the cached ones.
    /// </summary>
    /// <exception cref="ModelNotCachedException">A catalogue model is not in the cache.</exception>
    public ModelFiles Files(ParseResult args)
    {
        if (args.GetValue(Model) is not { } model)
        {
            var dir = DemoDirectory;
            return new ModelFiles(Path.Combine(dir, "weights.pb"), Path.Combine(dir, "graph.pbtxt"), args.GetValue(Labels) ?? Path.Combine(dir, "labels.txt"), null);
        }
        var files = new ModelCache(args.GetValue(Cache)).Resolve(model);
        return files with { TextGraph = args.GetValue(TextGraph) ?? files.TextGraph, Labels = args.GetValue(Labels) ?? files.Labels };
    }

    /// <summary>
    /// Loads the model the arguments name with <paramref name="load"/> (a detector or a pipeline); on a model error
    /// reports it through <paramref name="error"/> and returns null, for the caller to exit with <see cref="ExitCodes.ModelError"/>.
    /// </summary>
    public T? Load<T>(ParseResult args, Func<ModelFiles, LabelMap?, MaskRcnnOptions, T> load, Action<string> error) where T : class
    {
        ModelFiles? files = null;
        try
        {
            files = Files(args);
            var labels = files.Labels is null ? null : LabelMap.Load(files.Labels);
            return load(files, labels, LoadOptions(args, labels));
        }
        catch (ModelNotCachedException e)
        {
            var cacheOption = args.GetValue(Cache) is { } c ? $" --cache {c}" : "";
            error($"error: {e.Message} Run: maskrcnn models download {e.Model?.Name}{cacheOption}");
        }
        catch (ModelLoadException e)
        {
            error($"error: {e.Message}{LoadHint(files)}");
        }
        catch (MaskRcnnException e)
        {
            error($"error: {e.Message}");
        }
        return null;
    }

    /// <summary>A hint for a model that failed to load: a catalogue model without a text graph needs one.</summary>
    private static string LoadHint(ModelFiles? files) =>
        files is { CatalogModel: { } model, TextGraph: null }
            ? $" The cache has no text graph for '{model.Name}': make one with OpenCV's samples/dnn/tf_text_graph_mask_rcnn.py and pass it with --text-graph."
            : "";

    /// <summary>The load-time options, with the per-image options as the detector's defaults.</summary>
    public MaskRcnnOptions LoadOptions(ParseResult args, LabelMap? labels)
    {
        var detect = new DetectOptions
        {
            ScoreThreshold = (float)(args.GetValue(Score) ?? 0.5),
            MaskThreshold = (float)(args.GetValue(MaskThreshold) ?? 0.5),
            MaxInstances = args.GetValue(MaxInstances) ?? 100,
            ClassIds = ParseClasses(args.GetValue(Classes), labels),
        };
        var size = args.GetValue(Size);
        var keepAspect = args.GetValue(KeepAspect);
        var native = args.GetValue(Native);
        if ((size is not null ? 1 : 0) + (keepAspect is not null ? 1 : 0) + (native ? 1 : 0) > 1)
            throw new UsageException("Use one of --size WxH, --keep-aspect MIN:MAX and --native, not several.");
        if (size is var (w, h)) detect = detect with { InputMode = InputSizeMode.Fixed, InputSize = new OpenCvSharp.Size(w, h) };
        if (keepAspect is var (min, max)) detect = detect with { InputMode = InputSizeMode.KeepAspect, ImageMinDim = min, ImageMaxDim = max };
        if (native) detect = detect with { InputMode = InputSizeMode.Native };
        var options = new MaskRcnnOptions
        {
            SwapRB = !args.GetValue(Bgr),
            Threads = args.GetValue(Threads),
            Device = args.GetValue(Device),
            Fallback = args.GetValue(Fallback),
            DefaultDetectOptions = detect,
        };
        try
        {
            return options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message.Split(" (Parameter", 2)[0]);
        }
    }

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
}
