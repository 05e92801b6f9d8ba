namespace MaskRcnn.Tests.Tool;

/// <summary>Every command's help, generated from the same definitions that parse the command line.</summary>
public sealed class HelpToolTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("maskrcnn-help-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("--help")]
    [InlineData("help")]
    [InlineData("detect --help", "--score", "--native", "--video-codec <mjpg|mp4v|ffv1>", "--device <cpu|opencl|opencl-fp16|cuda|cuda-fp16>")]
    [InlineData("help detect", "--workers")]
    [InlineData("eval --help", "--annotations", "--score", "--native", "--device")]
    [InlineData("models --help", "list", "download", "path")]
    [InlineData("models list --help", "--cache")]
    [InlineData("models download --help", "--force", "--keep-archive")]
    [InlineData("models path -h", "--cache")]
    [InlineData("info --help")]
    [InlineData("synthesize --help", "--realistic-cost")]
    [InlineData("synthesize-coco --help", "--background <dark|noisy>", "--crowds")]
    public void Each_command_prints_its_help_and_succeeds(string arguments, params string[] mentions)
    {
        var run = ProcessRunner.Tool(_folder, arguments.Split(' '));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Usage:", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("-h, --help", run.Stdout, StringComparison.Ordinal);
        Assert.All(mentions, m => Assert.Contains(m, run.Stdout, StringComparison.Ordinal));
        Assert.Empty(run.Stderr);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void Detect_and_eval_share_their_model_options()
    {
        static IEnumerable<string> OptionNames(string help) => help.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("--", StringComparison.Ordinal)).Select(l => l.Split(' ')[0]);
        var detect = OptionNames(ProcessRunner.Tool(_folder, ["detect", "--help"]).Stdout).ToHashSet();
        var eval = OptionNames(ProcessRunner.Tool(_folder, ["eval", "--help"]).Stdout).ToHashSet();
        string[] shared = ["--model", "--cache", "--text-graph", "--labels", "--score", "--mask-threshold", "--classes", "--max-instances", "--size", "--keep-aspect", "--native", "--device", "--fallback", "--threads", "--bgr"];
        Assert.Subset(detect, shared.ToHashSet());
        Assert.Subset(eval, shared.ToHashSet());
    }

    [Theory]
    [InlineData("detect --device c", "cpu", "cuda", "cuda-fp16")]
    [InlineData("detect --progress ", "auto", "line", "plain", "none")]
    [InlineData("models download inc", "inception_v2", "inception_resnet_v2_atrous")]
    [InlineData("synth", "synthesize", "synthesize-coco")]
    public void Completion_offers_commands_options_values_and_model_names(string line, params string[] expected)
    {
        var run = ProcessRunner.Tool(_folder, [$"[suggest:{line.Length}]", line]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Subset(run.StdoutLines.ToHashSet(), expected.ToHashSet());
        Assert.All(run.StdoutLines, l => Assert.Equal(l.ToLowerInvariant(), l));
    }
}
