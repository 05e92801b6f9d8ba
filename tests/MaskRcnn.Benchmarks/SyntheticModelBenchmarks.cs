using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using MaskRcnn.Graph;
using MaskRcnn.Synthetic;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace MaskRcnn.Benchmarks;

/// <summary>
/// Loading and running the synthetic Mask R-CNN models at 800 x 800: one warm-up, then seven single-invocation
/// iterations; read the Median column. Run with
/// <c>dotnet run -c Release --project tests/MaskRcnn.Benchmarks -- --filter *SyntheticModel*</c>.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 7)]
[MedianColumn]
public class SyntheticModelBenchmarks : IDisposable
{
    private static readonly string[] OutputNames = ["detection_out_final", "detection_masks"];
    private byte[] _frozen = [];
    private byte[] _weights = [];
    private byte[] _textGraph = [];
    private Net? _net;
    private Mat? _blob;

    /// <summary>Number of classes of the model.</summary>
    [Params(3, 90)]
    public int NumClasses { get; set; }

    /// <summary>Builds the model, prints its file sizes, loads it and prepares an 800 x 800 input with six objects.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var options = new SyntheticModelOptions { NumClasses = NumClasses };
        var model = SyntheticModelBuilder.Build(options);
        _frozen = model.FrozenGraphBytes();
        _weights = model.WeightsBytes();
        _textGraph = Encoding.UTF8.GetBytes(model.TextGraphText());
        Console.WriteLine($"// {NumClasses} classes: {GraphDefBinary.Read(model.FrozenGraphBytes()).Nodes.Count} nodes; {SyntheticModel.FrozenGraphFileName} {_frozen.Length} B, " +
                          $"{SyntheticModel.WeightsFileName} {_weights.Length} B, {SyntheticModel.TextGraphFileName} {_textGraph.Length} B, " +
                          $"{SyntheticModel.LabelsFileName} {Encoding.UTF8.GetByteCount(model.LabelsText())} B");
        _net = CvDnn.ReadNetFromTensorflow(_frozen);
        var scene = SceneGenerator.Random(new Size(800, 800), objectCount: 6, seed: 1, options);
        using var image = scene.ToMat();
        _blob = CvDnn.BlobFromImage(image, 1.0, new Size(800, 800), new Scalar(), swapRB: true, crop: false);
        Forward(_net!);
    }

    /// <summary>Loads the self-contained frozen graph from memory.</summary>
    [Benchmark]
    public bool LoadFrozen()
    {
        using var net = CvDnn.ReadNetFromTensorflow(_frozen)!;
        return net.Empty();
    }

    /// <summary>Loads the weights graph plus the text graph from memory.</summary>
    [Benchmark]
    public bool LoadSplit()
    {
        using var net = CvDnn.ReadNetFromTensorflow(_weights, _textGraph)!;
        return net.Empty();
    }

    /// <summary>Loads the frozen graph and runs the first forward pass (which also allocates the layers).</summary>
    [Benchmark]
    public int LoadAndFirstForward()
    {
        using var net = CvDnn.ReadNetFromTensorflow(_frozen)!;
        return Forward(net);
    }

    /// <summary>One forward pass at 800 x 800 on an already warm net, asking for both outputs.</summary>
    [Benchmark]
    public int Forward800() => Forward(_net!);

    private int Forward(Net net)
    {
        net.SetInput(_blob!, "image_tensor");
        var outs = new[] { new Mat(), new Mat() };
        try
        {
            net.Forward(outs, OutputNames);
            return outs[0].Rows + outs[1].Rows;
        }
        finally
        {
            foreach (var m in outs) m.Dispose();
        }
    }

    /// <summary>Releases the net and the input blob.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _net?.Dispose();
        _blob?.Dispose();
        _net = null;
        _blob = null;
        GC.SuppressFinalize(this);
    }
}
