using OpenCvSharp;

namespace MaskRcnn.Tests.Options;

public sealed class MaskRcnnOptionsTests
{
    [Fact]
    public void Defaults_match_the_documented_values()
    {
        var o = MaskRcnnOptions.Default.Validate();
        Assert.Equal(0.5f, o.DetectionMinConfidence);
        Assert.Equal(0.5f, o.MaskThreshold);
        Assert.Equal(100, o.DetectionMaxInstances);
        Assert.Equal(new Size(800, 800), o.ImageSize);
        Assert.Equal((800, 1365), (o.ImageMinDim, o.ImageMaxDim));
        Assert.True(o.SwapRB);
        Assert.Equal(InferenceDevice.Cpu, o.Device);
        Assert.Equal(DeviceFallback.Throw, o.Fallback);
    }

    [Theory]
    [InlineData(nameof(MaskRcnnOptions.DetectionMinConfidence))]
    [InlineData(nameof(MaskRcnnOptions.MaskThreshold))]
    [InlineData(nameof(MaskRcnnOptions.DetectionMaxInstances))]
    [InlineData(nameof(MaskRcnnOptions.ImageSize))]
    [InlineData(nameof(MaskRcnnOptions.ImageMaxDim))]
    [InlineData(nameof(MaskRcnnOptions.Threads))]
    [InlineData(nameof(MaskRcnnOptions.Device))]
    public void Invalid_values_name_the_option(string name)
    {
        var bad = name switch
        {
            nameof(MaskRcnnOptions.DetectionMinConfidence) => MaskRcnnOptions.Default with { DetectionMinConfidence = 1.5f },
            nameof(MaskRcnnOptions.MaskThreshold) => MaskRcnnOptions.Default with { MaskThreshold = float.NaN },
            nameof(MaskRcnnOptions.DetectionMaxInstances) => MaskRcnnOptions.Default with { DetectionMaxInstances = 0 },
            nameof(MaskRcnnOptions.ImageSize) => MaskRcnnOptions.Default with { ImageSize = new Size(0, 800) },
            nameof(MaskRcnnOptions.ImageMaxDim) => MaskRcnnOptions.Default with { ImageMaxDim = 700 },
            nameof(MaskRcnnOptions.Threads) => MaskRcnnOptions.Default with { Threads = -1 },
            _ => MaskRcnnOptions.Default with { Device = (InferenceDevice)42 },
        };
        var e = Assert.Throws<ArgumentException>(() => bad.Validate());
        Assert.Equal(name, e.ParamName);
    }

    [Theory]
    [InlineData(1200, 800, 1200, 800)]
    [InlineData(640, 480, 1067, 800)]
    [InlineData(3000, 1000, 1365, 455)]
    [InlineData(800, 1600, 683, 1365)]
    public void Keep_aspect_sizes_follow_the_min_and_max_side(int w, int h, int expectedW, int expectedH)
    {
        var o = MaskRcnnOptions.Default with { ResizeMode = ImageResizeMode.KeepAspect };
        Assert.Equal(new Size(expectedW, expectedH), o.InputSizeFor(w, h));
        Assert.Equal(new Size(800, 800), MaskRcnnOptions.Default.InputSizeFor(w, h));
    }
}
