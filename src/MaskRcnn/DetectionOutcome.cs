using MaskRcnn.Detection;
using Microsoft.Extensions.Logging;

namespace MaskRcnn;

/// <summary>The outcome of one image of a batch: a result, or the error that image alone caused.</summary>
/// <param name="Index">Position of the image in the batch.</param>
/// <param name="Source">The image's name (<see cref="ImageInput.Name"/>): its path, or e.g. <c>image #3</c>.</param>
/// <param name="Result">The detections, when the image was processed.</param>
/// <param name="Error">Why the image failed, when it did.</param>
public sealed record DetectionOutcome(int Index, string Source, DetectionResult? Result, Exception? Error)
{
    /// <summary>True when <see cref="Result"/> is set.</summary>
    public bool Succeeded => Result is not null;

    /// <summary>Runs one image of a batch. A disposed detector, cancellation and out-of-memory end the batch; any other
    /// error is that image's outcome (and is logged).</summary>
    internal static DetectionOutcome Of(int index, ImageInput image, MaskRcnnDetector detector, Func<DetectionResult> detect, ILogger? logger)
    {
        var name = image.NameAt(index);
        try
        {
            return new DetectionOutcome(index, name, detect(), null);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException) && !(e is ObjectDisposedException && detector.IsDisposed))
        {
            if (logger is not null) DetectorLog.DetectionFailed(logger, e, name);
            return new DetectionOutcome(index, name, null, e);
        }
    }
}
