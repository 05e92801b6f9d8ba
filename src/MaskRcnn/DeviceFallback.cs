namespace MaskRcnn;

/// <summary>What to do when the requested <see cref="InferenceDevice"/> is not available.</summary>
public enum DeviceFallback
{
    /// <summary>Throw <see cref="BackendUnavailableException"/> saying why.</summary>
    Throw,
    /// <summary>Run on the CPU, and report the reason in <see cref="MaskRcnnDetector.FallbackReason"/> and the log.</summary>
    UseCpu,
}
