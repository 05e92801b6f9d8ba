using System.Diagnostics;
using System.Text;

namespace MaskRcnn.Tests.Tool;

/// <summary>What a finished process wrote and returned.</summary>
internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

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
        using var process = Start(fileName, args, workingDirectory, environment, out var stdout, out var stderr);
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{fileName} {string.Join(' ', args)} did not finish in time.\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
        }
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, Read(stdout), Read(stderr));
    }

    /// <summary>Starts a process whose output is collected into the two builders as it arrives.</summary>
    public static Process Start(string fileName, IEnumerable<string> args, string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment, out StringBuilder stdout, out StringBuilder stderr)
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
        var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Append(e.Data).Append('\n'); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (error) error.Append(e.Data).Append('\n'); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        stdout = output;
        stderr = error;
        return process;
    }

    public static string Read(StringBuilder text)
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
