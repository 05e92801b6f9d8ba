using OpenCvSharp;

namespace MaskRcnn.Pipeline;

/// <summary>
/// One input as a <see cref="DetectionPipeline"/> hands it to its sink: the decoded image and its detections, or the
/// error this input alone caused.
/// </summary>
/// <typeparam name="TInput">What the caller fed in (a path, a frame, a job).</typeparam>
/// <param name="Index">Position of the input in the sequence.</param>
/// <param name="Input">The input itself.</param>
/// <param name="Image">The decoded image, borrowed: valid only until the sink returns, after which the pipeline
/// disposes it (draw on it, or clone it to keep it). Null when decoding failed.</param>
/// <param name="Result">The detections, when the input succeeded.</param>
/// <param name="Error">Why the input failed (decoding or detection), when it did.</param>
public sealed record PipelineItem<TInput>(int Index, TInput Input, Mat? Image, DetectionResult? Result, Exception? Error)
{
    /// <summary>True when <see cref="Result"/> is set.</summary>
    public bool Succeeded => Result is not null;
}
