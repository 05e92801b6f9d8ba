using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using MaskRcnn.Postprocessing;
using OpenCvSharp;

namespace MaskRcnn.Benchmarks;

/// <summary>
/// Our post-processor against the reference way (<see cref="ReferencePostprocessor"/>) on the same output tensors of a
/// 1920x1080 image, with 1, 10 or 100 instances from small to near full-image boxes, and full-image masks and
/// outlines on or off. Run with <c>dotnet run -c Release --project tests/MaskRcnn.Benchmarks -- --filter *Postprocess*</c>.
/// </summary>
[MemoryDiagnoser]
public class PostprocessBenchmarks : IDisposable
{
    private const int Width = 1920, Height = 1080, Classes = 90, MaskSize = 15, Rows = 100;
    private readonly DetectOptions _options = DetectOptions.Default;
    private float[] _detections = [];
    private float[] _masks = [];
    private Mat? _detectionsMat;
    private Mat? _masksMat;
    private long _referenceCalls;
    private long _referenceNativeStart;

    /// <summary>Instances above the score threshold.</summary>
    [Params(1, 10, 100)]
    public int Instances { get; set; }

    /// <summary>Also make full-image masks and outlines (what an app drawing or exporting needs).</summary>
    [Params(false, true)]
    public bool FullMasks { get; set; }

    /// <summary>Builds the tensors: boxes from 2% to 90% of the image side, random mask probabilities.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _detections = new float[Rows * 7];
        for (var i = 0; i < Instances; i++)
        {
            var side = 0.02f + 0.88f * i / Math.Max(1, Instances - 1);
            var x = (float)random.NextDouble() * (1 - side);
            var y = (float)random.NextDouble() * (1 - side);
            float[] row = [0, random.Next(Classes), 0.99f - i * 0.001f, x, y, x + side, y + side];
            row.CopyTo(_detections, i * 7);
        }
        _masks = new float[Rows * Classes * MaskSize * MaskSize];
        for (var i = 0; i < _masks.Length; i++) _masks[i] = (float)random.NextDouble();
        _detectionsMat = new Mat([1, 1, Rows, 7], MatType.CV_32FC1);
        Marshal.Copy(_detections, 0, _detectionsMat.Data, _detections.Length);
        _masksMat = new Mat([Rows, Classes, MaskSize, MaskSize], MatType.CV_32FC1);
        Marshal.Copy(_masks, 0, _masksMat.Data, _masks.Length);
    }

    /// <summary>The reference: Cv2.Resize, threshold, full-image Mat and contours per instance.</summary>
    [Benchmark(Baseline = true)]
    public int Reference()
    {
        if (_referenceCalls++ == 0) _referenceNativeStart = ReferencePostprocessor.NativeBytes;
        var results = ReferencePostprocessor.Decode(_detectionsMat!, _masksMat!, Width, Height, 0.5f, 0.5f);
        var n = 0;
        foreach (var r in results)
        {
            n += r.Contours.Length;
            r.FullMask.Dispose();
        }
        return n;
    }

    /// <summary>Ours: managed paste at box resolution; full-image masks and polygons only when asked for.</summary>
    [Benchmark]
    public int Ours()
    {
        var instances = MaskRcnnPostprocessor.Decode(_detections, _masks, Classes, MaskSize, Width, Height, _options);
        var n = 0;
        foreach (var instance in instances)
        {
            n += instance.Area;
            if (FullMasks)
            {
                n += instance.FullMask().Length;
                n += instance.Polygons().Count;
            }
        }
        return n;
    }

    /// <summary>Frees the Mats.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        if (_referenceCalls > 0)
            Console.WriteLine($"// Reference, {Instances} instances: native Mat bytes per call {(ReferencePostprocessor.NativeBytes - _referenceNativeStart) / (double)_referenceCalls:N0} " +
                              "(add to the Allocated column, which counts managed memory only)");
        _detectionsMat?.Dispose();
        _masksMat?.Dispose();
        GC.SuppressFinalize(this);
    }
}
