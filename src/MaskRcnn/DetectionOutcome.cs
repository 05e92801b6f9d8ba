namespace MaskRcnn;

/// <summary>The outcome of one image of a batch: a result, or the error that image alone caused.</summary>
/// <param name="Index">Position of the image in the batch.</param>
/// <param name="Source">The image's path, or a description such as <c>image #3</c>.</param>
/// <param name="Result">The detections, when the image was processed.</param>
/// <param name="Error">Why the image failed, when it did.</param>
public sealed record DetectionOutcome(int Index, string Source, DetectionResult? Result, Exception? Error)
{
    /// <summary>True when <see cref="Result"/> is set.</summary>
    public bool Succeeded => Result is not null;
}
