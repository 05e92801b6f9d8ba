namespace MaskRcnn.Models;

/// <summary>The archive is malformed, unsafe or too large; the message is a sentence about the archive.</summary>
internal sealed class InvalidArchiveException : Exception
{
    public InvalidArchiveException(string message) : base(message) { }

    public InvalidArchiveException(string message, Exception? innerException) : base(message, innerException) { }

    public InvalidArchiveException() { }
}
