namespace MaskRcnn;

/// <summary>
/// How a <see cref="MaskRcnnDetector"/> is loaded and runs: device, threads, colour order, label policy and image size
/// limit, fixed for its lifetime. What each detection keeps (thresholds, classes, input size) is
/// <see cref="DetectOptions"/>, passed per call; <see cref="DefaultDetectOptions"/> serves calls that pass none.
/// Immutable; <see cref="Validate"/> checks every value and is called by the detector.
/// </summary>
public sealed record MaskRcnnOptions
{
    /// <summary>Default options: CPU, RGB input (zoo models), <see cref="DetectOptions.Default"/> for each detection.</summary>
    public static MaskRcnnOptions Default { get; } = new();

    /// <summary>The options of a <c>Detect</c> call that passes none. Default <see cref="DetectOptions.Default"/>.</summary>
    public DetectOptions DefaultDetectOptions { get; init; } = DetectOptions.Default;

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
        if (Threads is < 0 or > 1024)
            throw new ArgumentException($"Threads must be 0..1024 (0 = sequential) or null but is {Threads}.", nameof(Threads));
        if (!Enum.IsDefined(Device))
            throw new ArgumentException($"Device {(int)Device} is not a defined value.", nameof(Device));
        if (!Enum.IsDefined(Fallback))
            throw new ArgumentException($"Fallback {(int)Fallback} is not a defined value.", nameof(Fallback));
        if (MaxImagePixels < 1)
            throw new ArgumentException($"MaxImagePixels must be positive but is {MaxImagePixels}.", nameof(MaxImagePixels));
        ArgumentNullException.ThrowIfNull(DefaultDetectOptions, nameof(DefaultDetectOptions));
        DefaultDetectOptions.Validate();
        return this;
    }
}
