using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using MaskRcnn.Synthetic;
using OpenCvSharp;

namespace MaskRcnn.Benchmarks;

/// <summary>
/// End-to-end <see cref="MaskRcnnDetector.Detect(Mat)"/> on the synthetic models at an 800x800 input, and the median
/// time of each stage (printed as a comment line after the run). Run with
/// <c>dotnet run -c Release --project tests/MaskRcnn.Benchmarks -- --filter *DetectorStages*</c>.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 15)]
[MedianColumn]
public class DetectorStagesBenchmarks : IDisposable
{
    private readonly List<DetectionTimings> _timings = [];
    private string _folder = string.Empty;
    private MaskRcnnDetector? _detector;
    private Mat? _image;

    /// <summary>Number of classes of the model.</summary>
    [Params(3, 90)]
    public int NumClasses { get; set; }

    /// <summary>Writes the model, loads it and draws an 800x800 scene with six objects.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var options = new SyntheticModelOptions { NumClasses = NumClasses };
        _folder = Path.Combine(Path.GetTempPath(), $"stages-{Guid.NewGuid():N}");
        var files = SyntheticModelBuilder.Build(options).WriteTo(_folder);
        _detector = MaskRcnnDetector.Load(files.Weights, files.TextGraph, LabelMap.Load(files.Labels));
        _image = SceneGenerator.Random(new Size(800, 800), objectCount: 6, seed: 1, options).ToMat();
    }

    /// <summary>One detection; its stage timings are kept for the summary.</summary>
    [Benchmark]
    public int Detect()
    {
        var result = _detector!.Detect(_image!);
        _timings.Add(result.Timings);
        return result.Instances.Count;
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
            var pre = Median(_timings.Select(t => t.Preprocess.TotalMilliseconds));
            var fwd = Median(_timings.Select(t => t.Forward.TotalMilliseconds));
            var post = Median(_timings.Select(t => t.Postprocess.TotalMilliseconds));
            Console.WriteLine($"// {NumClasses} classes, {_timings.Count} detections: median preprocess {pre:F2} ms, forward {fwd:F2} ms, " +
                              $"postprocess {post:F2} ms; outside forward {(pre + post) / (pre + fwd + post):P1}");
        }
        _timings.Clear();
        _image?.Dispose();
        _detector?.Dispose();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
