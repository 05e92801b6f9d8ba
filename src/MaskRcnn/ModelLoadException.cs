namespace MaskRcnn;

/// <summary>A model file is missing, unreadable, malformed, or not a Mask R-CNN graph OpenCV can run.</summary>
public sealed class ModelLoadException : MaskRcnnException
{
    /// <summary>Creates the exception for a file.</summary>
    public ModelLoadException(string? filePath, string message, Exception? innerException = null)
        : base(filePath is null ? message : $"{filePath}: {message}", innerException)
    {
        FilePath = filePath;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public ModelLoadException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public ModelLoadException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with no message; prefer the other constructors.</summary>
    public ModelLoadException() { }

    /// <summary>The file the problem is in, when it is a file.</summary>
    public string? FilePath { get; }
}
