namespace MaskRcnn;

/// <summary>An input image is empty, undecodable, too large or of a pixel format the detector cannot convert.</summary>
public sealed class InvalidImageException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public InvalidImageException(string message, string? paramName = null, Exception? innerException = null)
        : base(message, paramName, innerException) { }

    /// <summary>Creates the exception with a message only.</summary>
    public InvalidImageException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public InvalidImageException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with no message; prefer the other constructors.</summary>
    public InvalidImageException() { }
}
