using System.Diagnostics;
using System.Reflection;

namespace MaskRcnn.Tests.Tool;

/// <summary>What one run of the tool printed and returned.</summary>
internal sealed record ToolRun(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit code {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Runs the <c>maskrcnn</c> tool, as built alongside these tests, as a separate process.</summary>
internal static class MaskRcnnTool
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The tool's assembly in the samples project's output for the configuration these tests were built in.</summary>
    public static string AssemblyPath { get; } = Find();

    public static async Task<ToolRun> RunAsync(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(AssemblyPath);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("The tool did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"maskrcnn {string.Join(' ', args)} ran longer than {Timeout}.");
        }
        return new ToolRun(process.ExitCode, (await stdout).ReplaceLineEndings("\n"), (await stderr).ReplaceLineEndings("\n"));
    }

    // The dotnet CLI tells the processes it starts where its host is; fall back to the one on the PATH.
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string Find()
    {
        var configuration = typeof(MaskRcnnTool).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var path = RepositoryPaths.Combine("samples", "MaskRcnn.Overlay", "bin", configuration, "net10.0", "MaskRcnn.Overlay.dll");
        if (!File.Exists(path))
            throw new FileNotFoundException($"The maskrcnn tool is not built: {path}. Build the solution (dotnet build MaskRcnn.sln -c {configuration}).", path);
        return path;
    }
}
