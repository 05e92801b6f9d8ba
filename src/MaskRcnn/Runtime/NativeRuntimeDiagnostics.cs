using System.Text.RegularExpressions;

namespace MaskRcnn.Runtime;

/// <summary>
/// Turns the loader's text about a failed load of <c>OpenCvSharpExtern</c> into one message that names the missing
/// library and the command that installs it.
/// </summary>
public static partial class NativeRuntimeDiagnostics
{
    /// <summary>The native library OpenCvSharp calls into.</summary>
    public const string NativeLibraryName = "OpenCvSharpExtern";

    /// <summary>The Debian/Ubuntu command that installs GTK 3 and, with it, every system library the official linux-x64 runtime needs.</summary>
    public const string DebianInstallCommand = "apt-get install -y libgtk-3-0";

    // Debian/Ubuntu packages for the shared libraries the official linux-x64 OpenCvSharpExtern links directly.
    private static readonly Dictionary<string, string> DebianPackages = new(StringComparer.Ordinal)
    {
        ["libgtk-3.so.0"] = "libgtk-3-0",
        ["libgdk-3.so.0"] = "libgtk-3-0",
        ["libpangocairo-1.0.so.0"] = "libgtk-3-0",
        ["libpango-1.0.so.0"] = "libgtk-3-0",
        ["libatk-1.0.so.0"] = "libgtk-3-0",
        ["libcairo-gobject.so.2"] = "libgtk-3-0",
        ["libcairo.so.2"] = "libgtk-3-0",
        ["libgdk_pixbuf-2.0.so.0"] = "libgtk-3-0",
        ["libgio-2.0.so.0"] = "libgtk-3-0",
        ["libgobject-2.0.so.0"] = "libgtk-3-0",
        ["libglib-2.0.so.0"] = "libgtk-3-0",
        ["libfreetype.so.6"] = "libfreetype6",
        ["libharfbuzz.so.0"] = "libharfbuzz0b",
        ["libdrm.so.2"] = "libdrm2",
        ["libatomic.so.1"] = "libatomic1",
        ["libX11.so.6"] = "libx11-6",
    };

    [GeneratedRegex(@"(?<lib>[A-Za-z0-9_.+\-]+\.so(?:\.[0-9]+)*): cannot open shared object file", RegexOptions.CultureInvariant)]
    private static partial Regex MissingSharedObject();

    /// <summary>Finds the first shared library the loader reported as missing, other than OpenCvSharpExtern itself.</summary>
    /// <param name="loaderText">The text of the loader error(s), e.g. a <see cref="DllNotFoundException"/> message.</param>
    public static string? FindMissingDependency(string loaderText)
    {
        ArgumentNullException.ThrowIfNull(loaderText);
        foreach (Match match in MissingSharedObject().Matches(loaderText))
        {
            var library = match.Groups["lib"].Value;
            if (!library.Contains(NativeLibraryName, StringComparison.OrdinalIgnoreCase))
                return library;
        }
        return null;
    }

    /// <summary>Builds the exception for a failed load, from the loader's text and the operating system.</summary>
    /// <param name="loaderText">Everything the loader said (all exception messages in the chain).</param>
    /// <param name="isLinux">True on Linux, where the fix is a system package.</param>
    /// <param name="isWindows">True on Windows, where the fix is the Windows runtime package.</param>
    /// <param name="inner">The original exception.</param>
    public static NativeRuntimeException Build(string loaderText, bool isLinux, bool isWindows, Exception? inner)
    {
        ArgumentNullException.ThrowIfNull(loaderText);
        var missing = FindMissingDependency(loaderText);
        if (missing is not null && isLinux)
        {
            var package = DebianPackages.GetValueOrDefault(missing);
            var command = package is null || package == "libgtk-3-0"
                ? DebianInstallCommand
                : $"apt-get install -y {package} libgtk-3-0";
            var message =
                $"OpenCV's native library {NativeLibraryName} was found but could not be loaded: the system library '{missing}' is missing. " +
                $"On Debian/Ubuntu install it with: sudo {command} (run without sudo as root). " +
                "On other distributions install GTK 3 and its dependencies from the system package manager.";
            return new NativeRuntimeException(message, missing, command, inner);
        }

        var runtimePackage = isWindows ? "OpenCvSharp4.runtime.win" : "OpenCvSharp4.official.runtime.linux-x64";
        var text = missing is null
            ? $"OpenCV's native library {NativeLibraryName} could not be loaded. Add the native runtime package to your application " +
              $"(dotnet add package {runtimePackage} --version 4.13.0.20260627)" +
              (isLinux ? $"; on Debian/Ubuntu it also needs GTK 3: sudo {DebianInstallCommand}." : ".") +
              $" Loader said: {FirstLine(loaderText)}"
            : $"OpenCV's native library {NativeLibraryName} could not be loaded because '{missing}' is missing. " +
              $"Install it with the system package manager. Loader said: {FirstLine(loaderText)}";
        return new NativeRuntimeException(text, missing, isLinux ? DebianInstallCommand : null, inner);
    }

    /// <summary>Builds the exception for the current operating system.</summary>
    public static NativeRuntimeException Build(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return Build(CollectMessages(failure), OperatingSystem.IsLinux(), OperatingSystem.IsWindows(), failure);
    }

    /// <summary>Joins the messages of an exception and all its inner exceptions.</summary>
    public static string CollectMessages(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var parts = new List<string>();
        for (Exception? e = failure; e is not null; e = e.InnerException)
            parts.Add(e.Message);
        return string.Join(Environment.NewLine, parts);
    }

    /// <summary>True for the exception types a failed native load surfaces as.</summary>
    public static bool IsLoadFailure(Exception failure) => failure switch
    {
        DllNotFoundException or BadImageFormatException or EntryPointNotFoundException => true,
        TypeInitializationException { InnerException: { } inner } => IsLoadFailure(inner),
        _ => false,
    };

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

}
