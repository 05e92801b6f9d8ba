namespace MaskRcnn;

/// <summary>An input image is missing, unreadable, empty, undecodable, too large or of a pixel format the detector
/// cannot convert. The message starts with the image's name (its path, or the name it was given).</summary>
public class InvalidImageException : MaskRcnnException
{
    /// <summary>Creates the exception for a named image: the message becomes <c>name: message</c>.</summary>
    public InvalidImageException(string? source, string message, Exception? innerException = null)
        : base(source is null ? message : $"{source}: {message}", innerException)
    {
        Source = source;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public InvalidImageException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public InvalidImageException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with no message; prefer the other constructors.</summary>
    public InvalidImageException() { }

    /// <summary>The image's path or name, when known.</summary>
    public new string? Source { get; }
}
