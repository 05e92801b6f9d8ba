using System.Diagnostics;
using System.Text;

namespace MaskRcnn.Tests.Tool;

/// <summary>What a finished process wrote and returned.</summary>
internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Stdout's lines, split at carriage returns too (a redrawn progress line gives one line per drawing).</summary>
    public string[] StdoutLines => Stdout.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs real processes (the built tool, the dotnet CLI) and collects their output.</summary>
internal static class ProcessRunner
{
    /// <summary>The dotnet host that runs the tests.</summary>
    public static string Dotnet { get; } = FindDotnet();

    /// <summary>The built tool.</summary>
    public static string ToolDll { get; } = RepositoryPaths.Combine("samples", "MaskRcnn.Overlay", "bin", "Release", "net10.0", "MaskRcnn.Overlay.dll");

    /// <summary>Runs the tool with <paramref name="args"/> in <paramref name="workingDirectory"/>.</summary>
    public static ProcessResult Tool(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        Assert.True(File.Exists(ToolDll), $"The tool is not built at {ToolDll}; build the solution in Release first.");
        return Run(Dotnet, [ToolDll, .. args], workingDirectory, environment, timeout ?? TimeSpan.FromSeconds(120));
    }

    public static ProcessResult Run(string fileName, IEnumerable<string> args, string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        using var running = Start(fileName, args, workingDirectory, environment);
        return running.Wait(timeout ?? TimeSpan.FromMinutes(3));
    }

    /// <summary>Starts a process whose output is collected as it arrives.</summary>
    public static RunningProcess Start(string fileName, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string?>? environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        // A model cache or a mirror of the machine running the tests must not leak into them.
        info.Environment.Remove("MASKRCNN_MODEL_CACHE");
        info.Environment.Remove("MASKRCNN_MODEL_BASE_URL");
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                if (value is null) info.Environment.Remove(name);
                else info.Environment[name] = value;
            }
        }
        var process = Process.Start(info)!;
        var output = new StringBuilder();
        var error = new StringBuilder();
        // Raw text, carriage returns included (line events would split at them).
        var drained = Task.WhenAll(Pump(process.StandardOutput, output), Pump(process.StandardError, error));
        return new RunningProcess(process, output, error, drained, $"{fileName} {string.Join(' ', args)}");
    }

    private static async Task Pump(StreamReader reader, StringBuilder text)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            lock (text) text.Append(buffer, 0, read);
    }

    internal static string Read(StringBuilder text)
    {
        lock (text) return text.ToString();
    }

    private static string FindDotnet()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return "dotnet";
    }
}

/// <summary>A started process and what it has written so far.</summary>
internal sealed class RunningProcess(Process process, StringBuilder stdout, StringBuilder stderr, Task drained, string commandLine) : IDisposable
{
    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public string Stdout => ProcessRunner.Read(stdout);

    public string Stderr => ProcessRunner.Read(stderr);

    /// <summary>Waits for the process to end and for all its output; kills it and fails after <paramref name="timeout"/>.</summary>
    public ProcessResult Wait(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{commandLine} did not finish in {timeout}.\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}");
        }
        process.WaitForExit();
        Assert.True(drained.Wait(TimeSpan.FromSeconds(30)), $"{commandLine}: its output did not close");
        return new ProcessResult(process.ExitCode, Stdout, Stderr);
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }
}
