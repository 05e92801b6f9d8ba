namespace MaskRcnn;

/// <summary>How long each stage of one detection took.</summary>
/// <param name="Preprocess">Pixel-format conversion and blob building.</param>
/// <param name="Forward">OpenCV's forward pass (including waiting for the net when it is shared).</param>
/// <param name="Postprocess">Decoding detections and pasting masks.</param>
public readonly record struct DetectionTimings(TimeSpan Preprocess, TimeSpan Forward, TimeSpan Postprocess)
{
    /// <summary>The three stages together.</summary>
    public TimeSpan Total => Preprocess + Forward + Postprocess;
}
