namespace MaskRcnn;

/// <summary>
/// The native OpenCV library (<c>OpenCvSharpExtern</c>) could not be loaded: the runtime package is not referenced,
/// or a system library it needs (on Linux usually GTK 3) is missing.
/// </summary>
public sealed class NativeRuntimeException : MaskRcnnException
{
    /// <summary>Creates the exception.</summary>
    public NativeRuntimeException(string message, string? missingLibrary, string? installCommand, Exception? innerException)
        : base(message, innerException)
    {
        MissingLibrary = missingLibrary;
        InstallCommand = installCommand;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public NativeRuntimeException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public NativeRuntimeException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with no message; prefer the other constructors.</summary>
    public NativeRuntimeException() { }

    /// <summary>The shared library the loader could not find (e.g. <c>libgtk-3.so.0</c>), when known.</summary>
    public string? MissingLibrary { get; }

    /// <summary>A command that installs the missing piece (e.g. <c>apt-get install -y libgtk-3-0</c>), when known.</summary>
    public string? InstallCommand { get; }
}
