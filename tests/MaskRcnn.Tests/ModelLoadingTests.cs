using MaskRcnn.Graph;
using MaskRcnn.Synthetic;
using Microsoft.Extensions.Logging;

namespace MaskRcnn.Tests;

/// <summary>Every way a model can fail to load ends in a typed exception that names the file and the fix.</summary>
[Collection(SyntheticModelsDefinition.Name)]
public sealed class ModelLoadingTests(SyntheticModels models)
{
    private string Write(string name, byte[] bytes)
    {
        var path = models.TempFile(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string Write(string name, string text)
    {
        var path = models.TempFile(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void A_missing_model_file_is_named_with_the_fix()
    {
        var path = models.TempFile("missing.pb");
        var e = Assert.Throws<ModelLoadException>(() => MaskRcnnDetector.Load(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void A_directory_or_an_empty_file_is_rejected()
    {
        Assert.Contains("is a directory", Assert.Throws<ModelLoadException>(() => MaskRcnnDetector.Load(models.Root)).Message);
        var empty = Write("empty.pb", Array.Empty<byte>());
        Assert.Contains("empty (0 bytes)", Assert.Throws<ModelLoadException>(() => MaskRcnnDetector.Load(empty)).Message);
    }

    [Fact]
    public void A_text_graph_passed_as_the_model_and_a_binary_passed_as_the_text_graph_are_explained()
    {
        var e1 = Assert.Throws<ModelLoadException>(() => MaskRcnnDetector.Load(models.ThreeFiles.TextGraph, models.ThreeFiles.Weights));
        Assert.Contains("looks like a text graph", e1.Message);
        var e2 = Assert.Throws<ModelLoadException>(() => MaskRcnnDetector.Load(models.ThreeFiles.Weights, models.ThreeFiles.FrozenGraph));
        Assert.Contains("is not a text graph", e2.Message);
    }

    [Fact]
    public void An_image_or_random_bytes_are_not_a_graph()
    {
        var png = Write("not-a-model.pb", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
        var e = Assert.Throws<ModelLoadException>(() => MaskRcnnDetector.Load(png));
        Assert.IsType<GraphFormatException>(e.InnerException);
        Assert.Contains("not a valid binary GraphDef", e.Message);
    }

    [Fact]
    public void A_weights_only_graph_without_its_text_graph_asks_for_the_text_graph()
    {
        var e = Assert.Throws<ModelLoadException>(() => MaskRcnnDetector.Load(models.ThreeFiles.Weights));
        Assert.Contains("holds only weights", e.Message);
        Assert.Contains(".pbtxt", e.Message);
    }

    [Fact]
    public void A_text_graph_that_repeats_a_const_of_the_pb_is_rejected_before_OpenCV_asserts()
    {
        var duplicate = GraphDefBinary.Read(models.Three.WeightsBytes()).Nodes.First(n => n.Name == "Preprocessor/mul/x");
        var text = new GraphDef([.. GraphDefText.Read(models.Three.TextGraphText()).Nodes, duplicate]);
        var path = Write("repeats-const.pbtxt", GraphDefText.Write(text));
        var e = Assert.Throws<ModelLoadException>(() => MaskRcnnDetector.Load(models.ThreeFiles.Weights, path));
        Assert.Contains("'Preprocessor/mul/x'", e.Message);
        Assert.Contains("const_layers.insert", e.Message);
    }

    [Fact]
    public void A_graph_without_masks_lists_its_outputs()
    {
        var text = new GraphDef([.. GraphDefText.Read(models.Three.TextGraphText()).Nodes.Where(n => n.Name != "detection_masks")]);
        var path = Write("no-masks.pbtxt", GraphDefText.Write(text));
        var e = Assert.Throws<ModelLoadException>(() => MaskRcnnDetector.Load(models.ThreeFiles.Weights, path));
        Assert.Contains("no node named 'detection_masks'", e.Message);
        Assert.Contains("SecondStageBoxPredictor_1/transpose", e.Message);
        Assert.Contains("Faster R-CNN", e.Message);
    }

    [Fact]
    public void A_text_graph_for_another_model_names_the_missing_input()
    {
        var weights = new GraphDef([.. GraphDefBinary.Read(models.Three.WeightsBytes()).Nodes.Where(n => n.Name != "Conv/weights")]);
        var path = Write("other-weights.pb", GraphDefBinary.Write(weights));
        var e = Assert.Throws<ModelLoadException>(() => MaskRcnnDetector.Load(path, models.ThreeFiles.TextGraph));
        Assert.Contains("'Conv/weights'", e.Message);
        Assert.Contains("another model", e.Message);
    }

    [Fact]
    public void A_const_whose_data_does_not_fit_its_shape_is_corrupt()
    {
        // Conv/biases keeps its bytes but now claims a million elements.
        var tensor = GraphDefBinary.Read(models.Three.FrozenGraphBytes()).Find("Conv/biases")!.ConstValue!;
        var corrupt = new TensorProto { DataType = tensor.DataType, Shape = new TensorShape(1_000_000), Content = tensor.Content };
        var nodes = GraphDefBinary.Read(models.Three.FrozenGraphBytes()).Nodes.Select(n => n.Name != "Conv/biases" ? n : new NodeDef(n.Name, n.Op)
        {
            Attributes = new Dictionary<string, AttrValue> { ["dtype"] = AttrValue.Of(TensorDataType.DT_FLOAT), ["value"] = AttrValue.Of(corrupt) },
        }).ToList();
        var path = Write("corrupt-const.pb", GraphDefBinary.Write(new GraphDef(nodes)));
        var e = Assert.Throws<ModelLoadException>(() => MaskRcnnDetector.Load(path));
        Assert.Contains("'Conv/biases'", e.Message);
        Assert.Contains("needs 4000000", e.Message);
    }

    [Fact]
    public void Labels_that_do_not_match_the_model_are_an_error_unless_allowed()
    {
        var e = Assert.Throws<LabelMapException>(() =>
            MaskRcnnDetector.Load(models.NinetyFiles.FrozenGraph, labels: new LabelMap(["a", "b", "c"])));
        Assert.Contains("3 classes", e.Message);
        Assert.Contains("90", e.Message);
        Assert.Contains("LabelMap.Coco90", e.Message);

        using var allowed = MaskRcnnDetector.Load(models.NinetyFiles.FrozenGraph, labels: new LabelMap(["a", "b", "c"]),
            options: MaskRcnnOptions.Default with { AllowLabelCountMismatch = true });
        using var coco = MaskRcnnDetector.Load(models.NinetyFiles.FrozenGraph, labels: LabelMap.Coco90);
        Assert.Equal(90, coco.NumClasses);
    }

    [Fact]
    public void Cuda_on_a_build_without_it_fails_loudly_or_falls_back_with_the_reason_logged()
    {
        var e = Assert.Throws<BackendUnavailableException>(() => models.Load(options: MaskRcnnOptions.Default with { Device = InferenceDevice.Cuda }));
        Assert.Contains("no CUDA backend", e.Message);
        Assert.Contains("InferenceDevice.Cpu", e.Message);

        var log = new RecordingLogger();
        using var detector = MaskRcnnDetector.Load(models.ThreeFiles.FrozenGraph, options: MaskRcnnOptions.Default with
        {
            Device = InferenceDevice.CudaFp16,
            Fallback = DeviceFallback.UseCpu,
        }, logger: log);
        Assert.Equal(InferenceDevice.CudaFp16, detector.RequestedDevice);
        Assert.Equal(InferenceDevice.Cpu, detector.Device);
        Assert.Equal(OpenCvSharp.Dnn.Target.CPU, detector.Target);
        Assert.Contains("CUDA", detector.FallbackReason);
        Assert.Contains(log.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("CUDA", StringComparison.Ordinal));
    }

    [Fact]
    public void OpenCl_runs_when_a_driver_is_present_and_otherwise_reports_why_not()
    {
        using var detector = models.Load(options: MaskRcnnOptions.Default with { Device = InferenceDevice.OpenCl, Fallback = DeviceFallback.UseCpu });
        if (detector.Device == InferenceDevice.OpenCl)
        {
            Assert.Null(detector.FallbackReason);
            Assert.Equal(OpenCvSharp.Dnn.Target.OPENCL, detector.Target);
        }
        else
        {
            Assert.Contains("OpenCL", detector.FallbackReason);
        }
        using var image = new SceneBuilder(400, 400, models.Three.Options).AddRectangle(new OpenCvSharp.Rect(80, 80, 160, 80), 1).Build().ToMat();
        Assert.Equal(1, Assert.Single(detector.Detect(image).Instances).ClassId);
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
