using OpenCvSharp;

namespace MaskRcnn.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Defaults_match_the_documented_values()
    {
        var o = MaskRcnnOptions.Default.Validate();
        Assert.True(o.SwapRB);
        Assert.Equal(InferenceDevice.Cpu, o.Device);
        Assert.Equal(DeviceFallback.Throw, o.Fallback);
        Assert.Equal(100_000_000, o.MaxImagePixels);
        Assert.Same(DetectOptions.Default, o.DefaultDetectOptions);
        var d = DetectOptions.Default.Validate();
        Assert.Equal(0.5f, d.ScoreThreshold);
        Assert.Equal(0.5f, d.MaskThreshold);
        Assert.Equal(100, d.MaxInstances);
        Assert.Null(d.ClassIds);
        Assert.Equal(InputSizeMode.Fixed, d.InputMode);
        Assert.Equal(new Size(800, 800), d.InputSize);
        Assert.Equal((800, 1365), (d.ImageMinDim, d.ImageMaxDim));
    }

    [Theory]
    [InlineData(nameof(MaskRcnnOptions.Threads))]
    [InlineData(nameof(MaskRcnnOptions.Device))]
    [InlineData(nameof(MaskRcnnOptions.MaxImagePixels))]
    public void Invalid_load_options_name_the_option(string name)
    {
        var bad = name switch
        {
            nameof(MaskRcnnOptions.Threads) => MaskRcnnOptions.Default with { Threads = -1 },
            nameof(MaskRcnnOptions.MaxImagePixels) => MaskRcnnOptions.Default with { MaxImagePixels = 0 },
            _ => MaskRcnnOptions.Default with { Device = (InferenceDevice)42 },
        };
        Assert.Equal(name, Assert.Throws<ArgumentException>(() => bad.Validate()).ParamName);
    }

    [Theory]
    [InlineData(nameof(DetectOptions.ScoreThreshold))]
    [InlineData(nameof(DetectOptions.MaskThreshold))]
    [InlineData(nameof(DetectOptions.MaxInstances))]
    [InlineData(nameof(DetectOptions.InputSize))]
    [InlineData(nameof(DetectOptions.ImageMaxDim))]
    [InlineData(nameof(DetectOptions.InputMode))]
    [InlineData(nameof(DetectOptions.ClassIds))]
    public void Invalid_detect_options_name_the_option_also_inside_the_load_options(string name)
    {
        var bad = name switch
        {
            nameof(DetectOptions.ScoreThreshold) => DetectOptions.Default with { ScoreThreshold = 1.5f },
            nameof(DetectOptions.MaskThreshold) => DetectOptions.Default with { MaskThreshold = float.NaN },
            nameof(DetectOptions.MaxInstances) => DetectOptions.Default with { MaxInstances = 0 },
            nameof(DetectOptions.InputSize) => DetectOptions.Default with { InputSize = new Size(0, 800) },
            nameof(DetectOptions.ImageMaxDim) => DetectOptions.Default with { ImageMaxDim = 700 },
            nameof(DetectOptions.InputMode) => DetectOptions.Default with { InputMode = (InputSizeMode)9 },
            _ => DetectOptions.Default with { ClassIds = new HashSet<int> { -1 } },
        };
        Assert.Equal(name, Assert.Throws<ArgumentException>(() => bad.Validate()).ParamName);
        Assert.Equal(name, Assert.Throws<ArgumentException>(() => (MaskRcnnOptions.Default with { DefaultDetectOptions = bad }).Validate()).ParamName);
    }

    [Theory]
    [InlineData(1200, 800, 1200, 800)]
    [InlineData(640, 480, 1067, 800)]
    [InlineData(3000, 1000, 1365, 455)]
    [InlineData(800, 1600, 683, 1365)]
    public void Keep_aspect_sizes_follow_the_min_and_max_side(int w, int h, int expectedW, int expectedH)
    {
        var o = DetectOptions.Default with { InputMode = InputSizeMode.KeepAspect };
        Assert.Equal(new Size(expectedW, expectedH), o.InputSizeFor(w, h));
        Assert.Equal(new Size(800, 800), DetectOptions.Default.InputSizeFor(w, h));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(641, 479)]
    [InlineData(4000, 3000)]
    public void Native_size_is_the_image_size_unrounded(int w, int h)
    {
        Assert.Equal(new Size(w, h), (DetectOptions.Default with { InputMode = InputSizeMode.Native }).InputSizeFor(w, h));
    }
}
