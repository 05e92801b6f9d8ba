namespace MaskRcnn;

/// <summary>The requested inference device (CUDA, OpenCL) is not available in the loaded OpenCV build or on this machine.</summary>
public sealed class BackendUnavailableException : MaskRcnnException
{
    /// <summary>Creates the exception.</summary>
    public BackendUnavailableException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public BackendUnavailableException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with no message; prefer the other constructors.</summary>
    public BackendUnavailableException() { }
}
