using BenchmarkDotNet.Running;

namespace MaskRcnn.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project tests/MaskRcnn.Benchmarks -- --filter *</c> for
/// BenchmarkDotNet, or <c>-- throughput</c> for <see cref="FolderThroughput"/>.</summary>
public static class Program
{
    /// <summary>Runs the benchmarks selected on the command line.</summary>
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "throughput") FolderThroughput.Run(args[1..]);
        else BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
