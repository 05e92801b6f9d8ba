using MaskRcnn.Runtime;

namespace MaskRcnn.Overlay;

/// <summary><c>maskrcnn info</c>: what OpenCV build is loaded and what the bundled model is.</summary>
internal static class InfoCommand
{
    public static int Run(TextWriter stdout)
    {
        var info = OpenCvRuntime.EnsureLoaded();
        stdout.WriteLine($"OpenCV {info.Version} (dnn: {(info.HasDnn ? "yes" : "no")}, CUDA: {(info.HasCuda ? "yes" : "no")}, OpenCL: {(info.HasOpenCl ? "yes" : "no")})");
        stdout.WriteLine("Backend/targets: " + string.Join(", ", info.AvailableBackendTargets.Select(p => $"{p.Backend}/{p.Target}")));
        stdout.WriteLine($"Bundled demo model: {ModelArguments.DemoDirectory}");
        return ExitCodes.Success;
    }
}
