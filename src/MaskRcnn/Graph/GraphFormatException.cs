namespace MaskRcnn.Graph;

/// <summary>A graph file is not a well-formed TensorFlow <c>GraphDef</c> (binary or text).</summary>
internal sealed class GraphFormatException : MaskRcnnException
{
    /// <summary>Creates the exception.</summary>
    public GraphFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public GraphFormatException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with no message; prefer the other constructors.</summary>
    public GraphFormatException() { }
}
