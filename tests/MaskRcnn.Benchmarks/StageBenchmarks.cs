using BenchmarkDotNet.Attributes;
using MaskRcnn.Coco;
using MaskRcnn.Preprocessing;
using MaskRcnn.Rendering;
using MaskRcnn.Synthetic;
using OpenCvSharp;

namespace MaskRcnn.Benchmarks;

/// <summary>The bundled demo model and sample image, found from the benchmark's folder upwards.</summary>
internal static class DemoFiles
{
    public static string Root { get; } = FindRoot();

    public static string Model => Path.Combine(Root, "models", "demo", "weights.pb");
    public static string TextGraph => Path.Combine(Root, "models", "demo", "graph.pbtxt");
    public static string Labels => Path.Combine(Root, "models", "demo", "labels.txt");
    public static string Sample => Path.Combine(Root, "samples", "images", "shapes.png");

    public static MaskRcnnDetector Load(MaskRcnnOptions? options = null) => MaskRcnnDetector.Load(Model, TextGraph, LabelMap.Load(Labels), options);

    /// <summary>A detection result on a generated scene of <paramref name="objects"/> shapes, with its image.</summary>
    public static (Mat Image, DetectionResult Result) Detected(Size size, int objects)
    {
        // An input of the image's aspect on the 16-pixel grid, so the model sees every object.
        var input = new Size(1360, 768);
        using var detector = Load(MaskRcnnOptions.Default with { DefaultDetectOptions = DetectOptions.Default with { InputSize = input } });
        var image = SceneGenerator.Random(new SceneGeneratorOptions
        {
            ImageSize = size,
            InputSize = input,
            PixelAligned = false,
            ObjectCount = objects,
            MinCells = 3,
            MaxCells = 8,
            Model = DemoAssets.ModelOptions,
        }, seed: 3).ToMat();
        return (image, detector.Detect(image));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MaskRcnn.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No MaskRcnn.sln above {AppContext.BaseDirectory}; run the benchmarks from the repository.");
    }
}

/// <summary>Image to network blob (conversion to 8-bit BGR and <c>BlobFromImage</c>) for three image sizes and both
/// input-size modes. <c>--filter *PreprocessBenchmarks*</c>.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class PreprocessBenchmarks : IDisposable
{
    private Mat? _image;

    /// <summary>Image size.</summary>
    [Params("640x480", "1920x1080", "3840x2160")]
    public string Image { get; set; } = "640x480";

    /// <summary>Fixed 800x800 input, or keep-aspect (short side 800, long side at most 1365).</summary>
    [Params(InputSizeMode.Fixed, InputSizeMode.KeepAspect)]
    public InputSizeMode Mode { get; set; }

    /// <summary>Draws a noisy scene of the size.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var parts = Image.Split('x');
        var size = new Size(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        _image = new SceneBuilder(size.Width, size.Height, DemoAssets.ModelOptions).WithBackground(SceneBackground.Noisy, 1).Build().ToMat();
    }

    /// <summary>What <see cref="MaskRcnnDetector.Detect"/> does before the forward pass.</summary>
    [Benchmark]
    public int Blob()
    {
        var options = DetectOptions.Default with { InputMode = Mode };
        var bgr = ImagePreprocessor.ToBgr8(_image!, MaskRcnnOptions.Default.MaxImagePixels, out var owned);
        try
        {
            using var blob = ImagePreprocessor.Blob(bgr, options.InputSizeFor(_image!.Width, _image.Height), MaskRcnnOptions.Default.SwapRB);
            return blob.Size(3);
        }
        finally
        {
            if (owned) bgr.Dispose();
        }
    }

    /// <summary>Frees the image.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _image?.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Drawing the overlay (translucent masks, outlines, boxes, captions) of a demo-model result.
/// <c>--filter *OverlayBenchmarks*</c>.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class OverlayBenchmarks : IDisposable
{
    private Mat? _image;
    private Mat? _canvas;
    private DetectionResult? _result;

    /// <summary>Objects in the scene.</summary>
    [Params(5, 20)]
    public int Objects { get; set; }

    /// <summary>Detects once in a 1920x1080 scene.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_image, _result) = DemoFiles.Detected(new Size(1920, 1080), Objects);
        _canvas = _image.Clone();
        Console.WriteLine($"// {Objects} objects drawn, {_result.Instances.Count} detected");
    }

    /// <summary>Copies the image and draws on the copy (what the tool does per image).</summary>
    [Benchmark]
    public void Draw()
    {
        _image!.CopyTo(_canvas!);
        OverlayRenderer.Draw(_canvas!, _result!);
    }

    /// <summary>Frees the Mats.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _canvas?.Dispose();
        _image?.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>COCO RLE of every instance of a 1920x1080 demo-model result: encode from the box masks, decode back to
/// full-image masks, and the compressed string round trip. <c>--filter *RleBenchmarks*</c>.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RleBenchmarks : IDisposable
{
    private Mat? _image;
    private DetectionResult? _result;
    private CocoRle[] _rles = [];
    private string[] _strings = [];
    private byte[]? _buffer;

    /// <summary>Detects once in a 1920x1080 scene of 20 objects.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_image, _result) = DemoFiles.Detected(new Size(1920, 1080), 20);
        _rles = _result.Instances.Select(i => i.ToCocoRle()).ToArray();
        _strings = _rles.Select(r => r.ToCompressedString()).ToArray();
        Console.WriteLine($"// {_result.Instances.Count} instances");
    }

    /// <summary>Every instance's mask to RLE.</summary>
    [Benchmark]
    public int Encode()
    {
        var runs = 0;
        foreach (var instance in _result!.Instances) runs += instance.ToCocoRle().RunCount;
        return runs;
    }

    /// <summary>Every RLE back to a full-image mask.</summary>
    [Benchmark]
    public int Decode()
    {
        var n = 0;
        foreach (var rle in _rles) n += rle.Decode().Length;
        return n;
    }

    /// <summary>Every RLE into one reused full-image buffer (<see cref="CocoRle.DecodeInto"/>): no allocation.</summary>
    [Benchmark]
    public int DecodeIntoBuffer()
    {
        var n = 0;
        _buffer ??= new byte[_rles[0].Height * _rles[0].Width];
        foreach (var rle in _rles)
        {
            rle.DecodeInto(_buffer);
            n += _buffer[^1];
        }
        return n;
    }

    /// <summary>Every RLE to its compressed COCO string and back.</summary>
    [Benchmark]
    public int CompressedString()
    {
        var n = 0;
        for (var i = 0; i < _rles.Length; i++)
            n += CocoRle.FromCompressedString(_rles[i].ToCompressedString(), _rles[i].Height, _rles[i].Width).RunCount + _strings[i].Length;
        return n;
    }

    /// <summary>Frees the image.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _image?.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The demo model on the bundled sample image, end to end: from the file (decode included) and from a Mat.
/// <c>--filter *EndToEndBenchmarks*</c>.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class EndToEndBenchmarks : IDisposable
{
    private MaskRcnnDetector? _detector;
    private Mat? _image;

    /// <summary>Whether <see cref="Runtime.NativeAllocator.RetainFreedMemory"/> was called (each case runs in its own process).</summary>
    [Params(false, true)]
    public bool RetainFreedMemory { get; set; }

    /// <summary>Loads the demo model and reads the sample.</summary>
    [GlobalSetup]
    public void Setup()
    {
        if (RetainFreedMemory && !Runtime.NativeAllocator.RetainFreedMemory()) throw new InvalidOperationException("The C library is not glibc.");
        _detector = DemoFiles.Load();
        _image = Cv2.ImRead(DemoFiles.Sample, ImreadModes.Color);
    }

    /// <summary>Detect from the PNG file.</summary>
    [Benchmark]
    public int FromFile() => _detector!.Detect(DemoFiles.Sample).Instances.Count;

    /// <summary>Detect from a decoded Mat.</summary>
    [Benchmark(Baseline = true)]
    public int FromMat() => _detector!.Detect(_image!).Instances.Count;

    /// <summary>Frees the detector and image.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _image?.Dispose();
        _detector?.Dispose();
        GC.SuppressFinalize(this);
    }
}
