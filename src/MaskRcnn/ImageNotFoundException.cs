namespace MaskRcnn;

/// <summary>An image file does not exist. The message names the path.</summary>
public sealed class ImageNotFoundException : InvalidImageException
{
    /// <summary>Creates the exception for a missing file.</summary>
    /// <param name="path">The path that names no file.</param>
    /// <param name="innerException">The error that reported it, if any.</param>
    public ImageNotFoundException(string path, Exception? innerException)
        : base(path, "the image file does not exist. Check the path (relative paths start at the current folder).", innerException) { }

    /// <summary>Creates the exception for a missing file.</summary>
    /// <param name="path">The path that names no file.</param>
    public ImageNotFoundException(string path) : this(path, null) { }

    /// <summary>Creates the exception with no path; prefer the other constructors.</summary>
    public ImageNotFoundException() { }
}
