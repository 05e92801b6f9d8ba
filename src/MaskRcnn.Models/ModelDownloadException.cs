namespace MaskRcnn.Models;

/// <summary>A model could not be downloaded, verified or extracted. The message says what happened and what to do.</summary>
public sealed class ModelDownloadException : MaskRcnnException
{
    /// <summary>Creates the exception with a message.</summary>
    public ModelDownloadException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public ModelDownloadException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with no message; prefer the other constructors.</summary>
    public ModelDownloadException() { }

    /// <summary>The address involved, when there is one.</summary>
    public Uri? Url { get; init; }

    /// <summary>The local file involved, when there is one.</summary>
    public string? FilePath { get; init; }

    /// <summary>The HTTP status the server answered with, when that is the problem.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The checksum the catalogue expected, when a checksum did not match.</summary>
    public string? ExpectedChecksum { get; init; }

    /// <summary>The checksum of what was downloaded, when a checksum did not match.</summary>
    public string? ActualChecksum { get; init; }
}
