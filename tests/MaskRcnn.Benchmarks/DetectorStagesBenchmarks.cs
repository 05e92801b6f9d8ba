using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using MaskRcnn.Coco;
using MaskRcnn.Rendering;
using MaskRcnn.Synthetic;
using OpenCvSharp;

namespace MaskRcnn.Benchmarks;

/// <summary>
/// End-to-end <see cref="MaskRcnnDetector.Detect(Mat)"/> at an 800x800 input on an 800x800 scene of 20 objects, and
/// the median time of each stage, printed as comment lines after the run: preprocess, forward, postprocess, and what
/// an app does next (draw the overlay, encode each mask as COCO RLE). The <c>Realistic90</c> model carries
/// <see cref="CostTower"/>, so its forward costs about what mask_rcnn_inception_v2's does; the line also gives the
/// GFLOP/s its forward reaches against this machine's measured FMA peak. Run with
/// <c>dotnet run -c Release --project tests/MaskRcnn.Benchmarks -- --filter *DetectorStages*</c>.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 15)]
[MedianColumn]
public class DetectorStagesBenchmarks : IDisposable
{
    private const int Objects = 20;
    private readonly List<(DetectionTimings Detect, TimeSpan After)> _timings = [];
    private string _folder = string.Empty;
    private MaskRcnnDetector? _detector;
    private Mat? _image;
    private Mat? _canvas;

    /// <summary>The synthetic model variants.</summary>
    public enum ModelKind
    {
        /// <summary>3 classes, hand weights only (forward of a few tens of ms).</summary>
        Plain3,

        /// <summary>90 classes (the zoo's output shapes), hand weights only.</summary>
        Plain90,

        /// <summary>90 classes plus the cost tower: a forward of realistic cost.</summary>
        Realistic90,
    }

    /// <summary>Which model runs.</summary>
    [Params(ModelKind.Plain3, ModelKind.Plain90, ModelKind.Realistic90)]
    public ModelKind Model { get; set; }

    /// <summary>Writes the model, loads it, draws the scene and checks that every object is found.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var options = new SyntheticModelOptions
        {
            NumClasses = Model == ModelKind.Plain3 ? 3 : 90,
            RealisticForwardCost = Model == ModelKind.Realistic90,
        };
        _folder = Path.Combine(Path.GetTempPath(), $"stages-{Guid.NewGuid():N}");
        var files = SyntheticModelBuilder.Build(options).WriteTo(_folder);
        _detector = MaskRcnnDetector.Load(files.Weights, files.TextGraph, LabelMap.Load(files.Labels));
        _image = SceneGenerator.Random(new Size(800, 800), Objects, seed: 1, options).ToMat();
        _canvas = _image.Clone();
        var found = _detector.Detect(_image).Instances.Count;
        if (found != Objects) throw new InvalidOperationException($"The {Model} model found {found} of {Objects} objects in the scene.");
    }

    /// <summary>One detection, then the overlay and the RLE of every mask; stage timings are kept for the summary.</summary>
    [Benchmark]
    public int Detect()
    {
        var result = _detector!.Detect(_image!);
        var clock = Stopwatch.StartNew();
        _image!.CopyTo(_canvas!);
        OverlayRenderer.Draw(_canvas!, result);
        var runs = 0;
        foreach (var instance in result.Instances) runs += instance.ToCocoRle().RunCount;
        _timings.Add((result.Timings, clock.Elapsed));
        return runs;
    }

    /// <summary>Prints the median stage times and the share of time spent outside the forward pass, then frees everything.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        if (_timings.Count > 0)
        {
            static double Median(IEnumerable<double> values)
            {
                var sorted = values.Order().ToList();
                return sorted[sorted.Count / 2];
            }
            var pre = Median(_timings.Select(t => t.Detect.Preprocess.TotalMilliseconds));
            var fwd = Median(_timings.Select(t => t.Detect.Forward.TotalMilliseconds));
            var post = Median(_timings.Select(t => t.Detect.Postprocess.TotalMilliseconds));
            var after = Median(_timings.Select(t => t.After.TotalMilliseconds));
            Console.WriteLine($"// {Model}, {Objects} instances, {_timings.Count} detections: median preprocess {pre:F2} ms, forward {fwd:F2} ms, " +
                              $"postprocess {post:F2} ms; outside forward {(pre + post) / (pre + fwd + post):P2} of Detect");
            Console.WriteLine($"// {Model}: overlay + RLE of every mask {after:F2} ms; outside forward with them " +
                              $"{(pre + post + after) / (pre + fwd + post + after):P2}");
            if (Model == ModelKind.Realistic90)
            {
                var gflops = CostTower.Flops(800, 800) / 1e9;
                var achieved = gflops / (fwd / 1000);
                var peak = PeakFlops.MeasureGflops();
                Console.WriteLine($"// {Model}: cost tower {gflops:F1} GFLOP per forward -> at least {achieved:F1} GFLOP/s; " +
                                  $"measured FMA peak {peak:F1} GFLOP/s ({Environment.ProcessorCount} cores x {PeakFlops.Lanes} lanes); " +
                                  $"forward at {achieved / peak:P1} of peak");
            }
        }
        _timings.Clear();
        _canvas?.Dispose();
        _image?.Dispose();
        _detector?.Dispose();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
