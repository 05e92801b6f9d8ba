namespace MaskRcnn;

/// <summary>
/// What <see cref="MaskRcnnDetector"/> (one net) and <see cref="MaskRcnnDetectorPool"/> (several) share: the same
/// <c>Detect</c> family over every kind of <see cref="ImageInput"/>, with per-call <see cref="DetectOptions"/>. Code
/// that only detects (a service, a batch job) can take either.
/// </summary>
public interface IMaskRcnnDetector : IDisposable
{
    /// <summary>The model's file path, or the name it was loaded under from bytes or a stream.</summary>
    string ModelName { get; }

    /// <summary>Number of classes the model outputs (background excluded).</summary>
    int NumClasses { get; }

    /// <summary>The labels, or null when results name classes <c>class N</c>.</summary>
    LabelMap? Labels { get; }

    /// <summary>The validated load-time options in use.</summary>
    MaskRcnnOptions Options { get; }

    /// <summary>Detects instances in one image: a path, encoded bytes, a stream or a Mat (see <see cref="ImageInput"/>).</summary>
    /// <param name="image">The image; a Mat is neither modified nor disposed.</param>
    /// <param name="options">Thresholds, classes and input size for this call; null for <see cref="MaskRcnnOptions.DefaultDetectOptions"/>.</param>
    /// <param name="cancellationToken">Cancels the call before it starts its forward pass (or while it waits for a free net).</param>
    /// <exception cref="InvalidImageException">The image is missing (<see cref="ImageNotFoundException"/>), unreadable,
    /// undecodable, too large or of an unsupported type; the message starts with its name.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="ObjectDisposedException">The detector was disposed.</exception>
    DetectionResult Detect(ImageInput image, DetectOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Detects instances in each image; an image that fails is reported in its outcome and the rest go on.
    /// Outcomes come back in input order.</summary>
    /// <param name="images">The images (<see cref="ImageInput.FromFiles"/> and <see cref="ImageInput.FromMats"/> make lists).</param>
    /// <param name="options">Thresholds, classes and input size for every image; null for <see cref="MaskRcnnOptions.DefaultDetectOptions"/>.</param>
    /// <param name="cancellationToken">Stops taking new images and throws <see cref="OperationCanceledException"/>.</param>
    IReadOnlyList<DetectionOutcome> DetectBatch(IReadOnlyList<ImageInput> images, DetectOptions? options = null, CancellationToken cancellationToken = default);
}
