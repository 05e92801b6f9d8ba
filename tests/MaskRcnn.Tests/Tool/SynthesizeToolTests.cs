using System.Text.Json;
using MaskRcnn.Synthetic;
using MaskRcnn.Tests.Models;

namespace MaskRcnn.Tests.Tool;

/// <summary><c>maskrcnn synthesize</c> run as a process.</summary>
public sealed class SynthesizeToolTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string In(params string[] parts) => Path.Combine([_temp.Path, .. parts]);

    private ProcessResult Tool(params string[] args) => ProcessRunner.Tool(_temp.Path, args);

    [Fact]
    public void The_realistic_cost_model_finds_what_the_demo_model_finds()
    {
        var sample = RepositoryPaths.Combine("samples", "images", "shapes.png");
        var made = Tool("synthesize", "costly", "--realistic-cost");
        Assert.True(made.ExitCode == 0, made.ToString());
        Assert.True(new FileInfo(In("costly", SyntheticModel.WeightsFileName)).Length > 15_000_000);

        var costly = Tool("detect", sample, "--model", In("costly", SyntheticModel.WeightsFileName),
            "--text-graph", In("costly", SyntheticModel.TextGraphFileName), "--labels", In("costly", SyntheticModel.LabelsFileName),
            "--json", "--no-overlay", "--output", "costly-out");
        var demo = Tool("detect", sample, "--json", "--no-overlay", "--output", "demo-out");
        Assert.True(costly.ExitCode == 0, costly.ToString());
        Assert.True(demo.ExitCode == 0, demo.ToString());

        static string Instances(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("instances").GetRawText();
        var expected = Instances(In("demo-out", "shapes.json"));
        Assert.Contains("\"label\"", expected, StringComparison.Ordinal);
        Assert.Equal(expected, Instances(In("costly-out", "shapes.json")));
    }

    [Fact]
    public void The_sample_scene_is_refused_for_a_model_other_than_the_demo()
    {
        var run = Tool("synthesize", "costly", "--realistic-cost", "--sample", "s.png");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--realistic-cost", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(In("s.png")));
        Assert.False(Directory.Exists(In("costly")));
    }
}
