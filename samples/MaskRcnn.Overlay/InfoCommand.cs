using System.CommandLine;
using MaskRcnn.Runtime;

namespace MaskRcnn.Overlay;

/// <summary><c>maskrcnn info</c>: what OpenCV build is loaded and what the bundled model is.</summary>
internal static class InfoCommand
{
    /// <summary>The <c>info</c> command.</summary>
    public static Command Create(Func<TextWriter> stdout)
    {
        var command = new Command("info", "OpenCV version, backends, the bundled model.");
        command.SetAction(_ => Run(stdout()));
        return command;
    }

    private static int Run(TextWriter stdout)
    {
        var info = OpenCvRuntime.EnsureLoaded();
        stdout.WriteLine($"OpenCV {info.Version} (dnn: {(info.HasDnn ? "yes" : "no")}, CUDA: {(info.HasCuda ? "yes" : "no")}, OpenCL: {(info.HasOpenCl ? "yes" : "no")})");
        stdout.WriteLine("Backend/targets: " + string.Join(", ", info.AvailableBackendTargets.Select(p => $"{p.Backend}/{p.Target}")));
        stdout.WriteLine($"Bundled demo model: {ModelOptions.DemoDirectory}");
        return ExitCodes.Success;
    }
}
