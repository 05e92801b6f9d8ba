namespace MaskRcnn;

/// <summary>A labels file cannot be read, or its classes do not match the model's.</summary>
public sealed class LabelMapException : MaskRcnnException
{
    /// <summary>Creates the exception.</summary>
    public LabelMapException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public LabelMapException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with no message; prefer the other constructors.</summary>
    public LabelMapException() { }
}
