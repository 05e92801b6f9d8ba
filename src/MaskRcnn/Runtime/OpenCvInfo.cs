using System.Globalization;
using System.Text.RegularExpressions;
using OpenCvSharp.Dnn;

namespace MaskRcnn.Runtime;

/// <summary>What the loaded OpenCV build is and can do.</summary>
/// <param name="Version">The version string, e.g. <c>4.13.0</c>.</param>
/// <param name="HasDnn">True when the <c>dnn</c> module is compiled in.</param>
/// <param name="HasCuda">True when the build has the CUDA backend (the official OpenCvSharp packages do not).</param>
/// <param name="HasOpenCl">True when OpenCL support is compiled in (a device may still be absent at run time).</param>
/// <param name="BuildInformation">OpenCV's full build report.</param>
public sealed partial record OpenCvInfo(string Version, bool HasDnn, bool HasCuda, bool HasOpenCl, string BuildInformation)
{
    /// <summary>The (backend, target) pairs this build can run, CPU first.</summary>
    public IReadOnlyList<(Backend Backend, Target Target)> AvailableBackendTargets
    {
        get
        {
            var list = new List<(Backend, Target)> { (Backend.OPENCV, Target.CPU) };
            if (HasOpenCl)
            {
                list.Add((Backend.OPENCV, Target.OPENCL));
                list.Add((Backend.OPENCV, Target.OPENCL_FP16));
            }
            if (HasCuda)
            {
                list.Add((Backend.CUDA, Target.CUDA));
                list.Add((Backend.CUDA, Target.CUDA_FP16));
            }
            return list;
        }
    }

    /// <summary>Major.minor.patch parsed from <see cref="Version"/>.</summary>
    public System.Version ParsedVersion =>
        System.Version.TryParse(VersionNumber().Match(Version).Value, out var v) ? v : new System.Version(0, 0);

    /// <summary>Reads the facts from OpenCV's version string and build report.</summary>
    public static OpenCvInfo Parse(string version, string buildInformation)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(buildInformation);
        var modules = ModulesLine().Match(buildInformation).Groups["m"].Value;
        var hasDnn = modules.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("dnn");
        var hasCuda = YesLine(buildInformation, "NVIDIA CUDA");
        var hasOpenCl = OpenClLine().Match(buildInformation) is { Success: true } m &&
                        m.Groups["v"].Value.Trim().StartsWith("YES", StringComparison.OrdinalIgnoreCase);
        return new OpenCvInfo(version.Trim(), hasDnn, hasCuda, hasOpenCl, buildInformation);
    }

    private static bool YesLine(string build, string key)
    {
        foreach (var line in build.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith(key + ":", StringComparison.Ordinal))
                return trimmed[(key.Length + 1)..].Trim().StartsWith("YES", StringComparison.OrdinalIgnoreCase);
        }
        return false;
    }

    /// <summary>A short human-readable summary: version and backends.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"OpenCV {Version}; dnn: {(HasDnn ? "yes" : "no")}; CUDA: {(HasCuda ? "yes" : "no")}; OpenCL: {(HasOpenCl ? "yes" : "no")}; " +
        $"backend/targets: {string.Join(", ", AvailableBackendTargets.Select(p => $"{p.Backend}/{p.Target}"))}");

    [GeneratedRegex(@"To be built:\s*(?<m>[^\r\n]*)")]
    private static partial Regex ModulesLine();

    [GeneratedRegex(@"^\s*OpenCL:\s*(?<v>[^\r\n]*)", RegexOptions.Multiline)]
    private static partial Regex OpenClLine();

    [GeneratedRegex(@"\d+\.\d+(\.\d+)?")]
    private static partial Regex VersionNumber();
}
