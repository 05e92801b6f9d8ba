using OpenCvSharp;

namespace MaskRcnn.Runtime;

/// <summary>
/// The loaded OpenCV native library: checks that it loads (once, on first use) and reports its version and which DNN
/// backends and targets it can run.
/// </summary>
public static class OpenCvRuntime
{
    private static readonly Lazy<OpenCvInfo> Loaded = new(Probe, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Loads OpenCV if it is not loaded yet and returns what it is. Throws <see cref="NativeRuntimeException"/> naming
    /// the missing library and the command that installs it when the native library cannot be loaded.
    /// </summary>
    public static OpenCvInfo EnsureLoaded()
    {
        try
        {
            return Loaded.Value;
        }
        catch (Exception e) when (NativeRuntimeDiagnostics.IsLoadFailure(e))
        {
            throw NativeRuntimeDiagnostics.Build(e);
        }
    }

    private static OpenCvInfo Probe()
    {
        var version = Cv2.GetVersionString() ?? "unknown";
        var build = Cv2.GetBuildInformation() ?? string.Empty;
        return OpenCvInfo.Parse(version, build);
    }
}
