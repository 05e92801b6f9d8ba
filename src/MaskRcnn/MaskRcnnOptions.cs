using OpenCvSharp;

namespace MaskRcnn;

/// <summary>
/// How a <see cref="MaskRcnnDetector"/> runs and filters. Immutable; <see cref="Validate"/> checks every value and is
/// called by the detector. Names follow the Mask R-CNN configuration users know (DETECTION_MIN_CONFIDENCE,
/// DETECTION_MAX_INSTANCES, IMAGE_MIN_DIM, IMAGE_MAX_DIM).
/// </summary>
public sealed record MaskRcnnOptions
{
    /// <summary>Default options: CPU, 800x800 input, score and mask thresholds 0.5, RGB input (zoo models).</summary>
    public static MaskRcnnOptions Default { get; } = new();

    /// <summary>Lowest score an instance may have (DETECTION_MIN_CONFIDENCE). Default 0.5.</summary>
    public float DetectionMinConfidence { get; init; } = 0.5f;

    /// <summary>Mask probability above which a pixel belongs to the instance. Default 0.5.</summary>
    public float MaskThreshold { get; init; } = 0.5f;

    /// <summary>Most instances returned per image, best first (DETECTION_MAX_INSTANCES). Default 100.</summary>
    public int DetectionMaxInstances { get; init; } = 100;

    /// <summary>When set, only these class ids are returned.</summary>
    public IReadOnlySet<int>? ClassIds { get; init; }

    /// <summary>How the image is resized to the network input. Default <see cref="ImageResizeMode.Fixed"/>.</summary>
    public ImageResizeMode ResizeMode { get; init; } = ImageResizeMode.Fixed;

    /// <summary>Network input size in <see cref="ImageResizeMode.Fixed"/> mode. Default 800x800.</summary>
    public Size ImageSize { get; init; } = new(800, 800);

    /// <summary>Short side in <see cref="ImageResizeMode.KeepAspect"/> mode (IMAGE_MIN_DIM). Default 800.</summary>
    public int ImageMinDim { get; init; } = 800;

    /// <summary>Longest allowed side in <see cref="ImageResizeMode.KeepAspect"/> mode (IMAGE_MAX_DIM). Default 1365.</summary>
    public int ImageMaxDim { get; init; } = 1365;

    /// <summary>Swap blue and red before the network: true for the zoo models, trained on RGB. Default true.</summary>
    public bool SwapRB { get; init; } = true;

    /// <summary>OpenCV worker threads for this process (<c>cv::setNumThreads</c>); null leaves OpenCV's choice.</summary>
    public int? Threads { get; init; }

    /// <summary>Where to run. Default <see cref="InferenceDevice.Cpu"/>.</summary>
    public InferenceDevice Device { get; init; } = InferenceDevice.Cpu;

    /// <summary>What to do when <see cref="Device"/> is unavailable. Default <see cref="DeviceFallback.Throw"/>.</summary>
    public DeviceFallback Fallback { get; init; } = DeviceFallback.Throw;

    /// <summary>Accept labels whose class count differs from the model's (missing names become "class N").</summary>
    public bool AllowLabelCountMismatch { get; init; }

    /// <summary>Largest accepted image, in pixels (width x height); larger images are rejected rather than risking
    /// out-of-memory in decoding and resizing. Default 100 megapixels.</summary>
    public long MaxImagePixels { get; init; } = 100_000_000;

    /// <summary>Checks every value; throws <see cref="ArgumentException"/> naming the option, its value and the valid range.</summary>
    public MaskRcnnOptions Validate()
    {
        if (!(DetectionMinConfidence is >= 0f and <= 1f))
            throw new ArgumentException($"DetectionMinConfidence must be within 0..1 but is {DetectionMinConfidence}.", nameof(DetectionMinConfidence));
        if (!(MaskThreshold is >= 0f and < 1f))
            throw new ArgumentException($"MaskThreshold must be within 0..1 (exclusive of 1) but is {MaskThreshold}.", nameof(MaskThreshold));
        if (DetectionMaxInstances < 1)
            throw new ArgumentException($"DetectionMaxInstances must be at least 1 but is {DetectionMaxInstances}.", nameof(DetectionMaxInstances));
        if (ImageSize.Width is < 16 or > 8192 || ImageSize.Height is < 16 or > 8192)
            throw new ArgumentException($"ImageSize must be 16..8192 on each side but is {ImageSize.Width}x{ImageSize.Height}.", nameof(ImageSize));
        if (ImageMinDim is < 16 or > 8192)
            throw new ArgumentException($"ImageMinDim must be 16..8192 but is {ImageMinDim}.", nameof(ImageMinDim));
        if (ImageMaxDim < ImageMinDim || ImageMaxDim > 8192)
            throw new ArgumentException($"ImageMaxDim must be within ImageMinDim ({ImageMinDim})..8192 but is {ImageMaxDim}.", nameof(ImageMaxDim));
        if (Threads is < 0 or > 1024)
            throw new ArgumentException($"Threads must be 0..1024 (0 = sequential) or null but is {Threads}.", nameof(Threads));
        if (!Enum.IsDefined(ResizeMode))
            throw new ArgumentException($"ResizeMode {(int)ResizeMode} is not a defined value.", nameof(ResizeMode));
        if (!Enum.IsDefined(Device))
            throw new ArgumentException($"Device {(int)Device} is not a defined value.", nameof(Device));
        if (!Enum.IsDefined(Fallback))
            throw new ArgumentException($"Fallback {(int)Fallback} is not a defined value.", nameof(Fallback));
        if (MaxImagePixels < 1)
            throw new ArgumentException($"MaxImagePixels must be positive but is {MaxImagePixels}.", nameof(MaxImagePixels));
        if (ClassIds is not null && ClassIds.Any(id => id < 0))
            throw new ArgumentException("ClassIds must not contain negative ids.", nameof(ClassIds));
        return this;
    }

    /// <summary>The network input size for an image of the given size.</summary>
    public Size InputSizeFor(int imageWidth, int imageHeight)
    {
        if (ResizeMode == ImageResizeMode.Fixed) return ImageSize;
        var shortSide = Math.Min(imageWidth, imageHeight);
        var longSide = Math.Max(imageWidth, imageHeight);
        var scale = Math.Min((double)ImageMinDim / shortSide, (double)ImageMaxDim / longSide);
        return new Size(
            Math.Max(1, (int)Math.Round(imageWidth * scale, MidpointRounding.AwayFromZero)),
            Math.Max(1, (int)Math.Round(imageHeight * scale, MidpointRounding.AwayFromZero)));
    }
}
