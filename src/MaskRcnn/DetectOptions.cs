using OpenCvSharp;

namespace MaskRcnn;

/// <summary>
/// How one detection filters and sizes its input: thresholds, class filter, instance limit and network input size.
/// Immutable; pass one to any <c>Detect</c> call, or set <see cref="MaskRcnnOptions.DefaultDetectOptions"/> for the
/// calls that pass none. A threshold sweep or images of mixed sizes need no new detector.
/// </summary>
public sealed record DetectOptions
{
    /// <summary>Score and mask thresholds 0.5, at most 100 instances, every class, a fixed 800x800 input.</summary>
    public static DetectOptions Default { get; } = new();

    /// <summary>Lowest score an instance may have (DETECTION_MIN_CONFIDENCE): a detection is kept when its score is at
    /// least this. Default 0.5.</summary>
    public float ScoreThreshold { get; init; } = 0.5f;

    /// <summary>Mask probability a pixel must exceed (strictly) to belong to the instance. Default 0.5.</summary>
    public float MaskThreshold { get; init; } = 0.5f;

    /// <summary>Most instances returned per image, best first (DETECTION_MAX_INSTANCES). Default 100.</summary>
    public int MaxInstances { get; init; } = 100;

    /// <summary>When set, only these class ids are returned.</summary>
    public IReadOnlySet<int>? ClassIds { get; init; }

    /// <summary>How the image is sized for the network. Default <see cref="InputSizeMode.Fixed"/>.</summary>
    public InputSizeMode InputMode { get; init; } = InputSizeMode.Fixed;

    /// <summary>Network input size in <see cref="InputSizeMode.Fixed"/> mode. Default 800x800.</summary>
    public Size InputSize { get; init; } = new(800, 800);

    /// <summary>Short side in <see cref="InputSizeMode.KeepAspect"/> mode (IMAGE_MIN_DIM). Default 800.</summary>
    public int ImageMinDim { get; init; } = 800;

    /// <summary>Longest allowed side in <see cref="InputSizeMode.KeepAspect"/> mode (IMAGE_MAX_DIM). Default 1365.</summary>
    public int ImageMaxDim { get; init; } = 1365;

    /// <summary>Checks every value; throws <see cref="ArgumentException"/> naming the option, its value and the valid range.</summary>
    public DetectOptions Validate()
    {
        if (!(ScoreThreshold is >= 0f and <= 1f))
            throw new ArgumentException($"ScoreThreshold must be within 0..1 but is {ScoreThreshold}.", nameof(ScoreThreshold));
        if (!(MaskThreshold is >= 0f and < 1f))
            throw new ArgumentException($"MaskThreshold must be within 0..1 (exclusive of 1) but is {MaskThreshold}.", nameof(MaskThreshold));
        if (MaxInstances < 1)
            throw new ArgumentException($"MaxInstances must be at least 1 but is {MaxInstances}.", nameof(MaxInstances));
        if (InputSize.Width is < 16 or > 8192 || InputSize.Height is < 16 or > 8192)
            throw new ArgumentException($"InputSize must be 16..8192 on each side but is {InputSize.Width}x{InputSize.Height}.", nameof(InputSize));
        if (ImageMinDim is < 16 or > 8192)
            throw new ArgumentException($"ImageMinDim must be 16..8192 but is {ImageMinDim}.", nameof(ImageMinDim));
        if (ImageMaxDim < ImageMinDim || ImageMaxDim > 8192)
            throw new ArgumentException($"ImageMaxDim must be within ImageMinDim ({ImageMinDim})..8192 but is {ImageMaxDim}.", nameof(ImageMaxDim));
        if (!Enum.IsDefined(InputMode))
            throw new ArgumentException($"InputMode {(int)InputMode} is not a defined value.", nameof(InputMode));
        if (ClassIds is not null && ClassIds.Any(id => id < 0))
            throw new ArgumentException("ClassIds must not contain negative ids.", nameof(ClassIds));
        return this;
    }

    /// <summary>The network input size for an image of the given size.</summary>
    public Size InputSizeFor(int imageWidth, int imageHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageHeight);
        switch (InputMode)
        {
            case InputSizeMode.Native:
                return new Size(imageWidth, imageHeight);
            case InputSizeMode.KeepAspect:
                var shortSide = Math.Min(imageWidth, imageHeight);
                var longSide = Math.Max(imageWidth, imageHeight);
                var scale = Math.Min((double)ImageMinDim / shortSide, (double)ImageMaxDim / longSide);
                return new Size(
                    Math.Max(1, (int)Math.Round(imageWidth * scale, MidpointRounding.AwayFromZero)),
                    Math.Max(1, (int)Math.Round(imageHeight * scale, MidpointRounding.AwayFromZero)));
            default:
                return InputSize;
        }
    }
}
