namespace MaskRcnn;

/// <summary>Base type of every error this library raises on purpose.</summary>
/// <remarks>Messages name what went wrong, the file, layer or shapes involved, and what to do next.</remarks>
public class MaskRcnnException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public MaskRcnnException(string message) : base(message) { }

    /// <summary>Creates an exception with a message and the error that caused it.</summary>
    public MaskRcnnException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates an exception with no message; prefer the other constructors.</summary>
    public MaskRcnnException() { }
}
