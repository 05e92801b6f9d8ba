namespace MaskRcnn;

/// <summary>The network produced outputs of shapes a Mask R-CNN post-processor cannot read.</summary>
public sealed class ModelOutputException : MaskRcnnException
{
    /// <summary>Creates the exception.</summary>
    public ModelOutputException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public ModelOutputException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with no message; prefer the other constructors.</summary>
    public ModelOutputException() { }
}
