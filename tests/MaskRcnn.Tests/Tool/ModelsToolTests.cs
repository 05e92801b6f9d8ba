using System.Security.Cryptography;
using System.Text.Json;
using MaskRcnn.Models;
using MaskRcnn.Tests.Models;

namespace MaskRcnn.Tests.Tool;

/// <summary>
/// <c>maskrcnn models</c> run as a process. Downloads come from a loopback HTTP server the tool is pointed at with
/// MASKRCNN_MODEL_BASE_URL; it serves zoo-like archives holding the demo model's self-contained frozen graph.
/// </summary>
public sealed class ModelsToolTests : IDisposable
{
    private static readonly byte[] DemoGraph = File.ReadAllBytes(RepositoryPaths.Combine("models", "demo", "frozen_inference_graph.pb"));
    private static readonly byte[] DemoTextGraph = File.ReadAllBytes(RepositoryPaths.Combine("models", "demo", "graph.pbtxt"));

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Cache => Path.Combine(_temp.Path, "cache");

    private ProcessResult Tool(Uri? mirror, params string[] args) =>
        ProcessRunner.Tool(_temp.Path, args, mirror is null ? null : new Dictionary<string, string?> { ["MASKRCNN_MODEL_BASE_URL"] = mirror.AbsoluteUri });

    private static byte[] ArchiveFor(CatalogModel model) => TestArchives.TarGz(
        new TestArchives.Entry(model.ZooName + "/", [], '5'),
        new TestArchives.Entry(model.ZooName + "/pipeline.config", "model { }\n"u8.ToArray()),
        new TestArchives.Entry(model.FrozenGraphEntry, DemoGraph));

    /// <summary>Serves the archive of <paramref name="model"/>, and its text graph when <paramref name="textGraph"/> is given.</summary>
    private static LoopbackHttpServer Serve(CatalogModel model, byte[] archive, byte[]? textGraph) =>
        new(request =>
            request.Path == model.ArchiveUrl.AbsolutePath ? ServerReply.File(archive, request)
            : textGraph is not null && request.Path == model.TextGraphUrl!.AbsolutePath ? ServerReply.File(textGraph, request)
            : ServerReply.NotFound());

    private static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    [Fact]
    public void List_shows_the_four_models_their_checksums_and_what_is_cached()
    {
        var empty = ProcessRunner.Tool(_temp.Path, ["models", "list"], new Dictionary<string, string?> { ["MASKRCNN_MODEL_CACHE"] = Cache });

        Assert.True(empty.ExitCode == 0, empty.ToString());
        Assert.Contains($"Model cache: {Cache} (from MASKRCNN_MODEL_CACHE)", empty.Stdout, StringComparison.Ordinal);
        var rows = empty.StdoutLines.Where(l => l.Contains("_coco_2018_01_28", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, rows.Count);
        foreach (var model in ModelCatalog.All)
        {
            var row = Assert.Single(rows, r => r.StartsWith(model.Name + " ", StringComparison.Ordinal));
            Assert.Contains(model.ZooName, row, StringComparison.Ordinal);
            Assert.EndsWith(" no", row, StringComparison.Ordinal);
            Assert.Contains(model == ModelCatalog.InceptionV2 ? " SHA-1 " : " none (unverified) ", row, StringComparison.Ordinal);
            Assert.Contains(model.TextGraphConfirmed ? " confirmed " : " unconfirmed ", row, StringComparison.Ordinal);
        }
        Assert.Contains("UNVERIFIED", empty.Stdout.ToUpperInvariant(), StringComparison.Ordinal);

        // A frozen graph in the cache (given with --cache this time) shows as cached.
        var paths = new ModelCache(Cache).PathsFor(ModelCatalog.ResNet50Atrous);
        Directory.CreateDirectory(paths.Directory);
        File.WriteAllBytes(paths.FrozenGraph, DemoGraph);
        var one = Tool(null, "models", "list", "--cache", "cache");
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Contains($"Model cache: {Cache} (--cache)", one.Stdout, StringComparison.Ordinal);
        Assert.EndsWith(" yes, no text graph", Assert.Single(one.StdoutLines, l => l.StartsWith("resnet50_atrous ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.EndsWith(" no", Assert.Single(one.StdoutLines, l => l.StartsWith("inception_v2 ", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Download_from_a_mirror_reports_the_sha256_as_unverified_and_detect_then_uses_the_model_by_name()
    {
        var model = ModelCatalog.ResNet50Atrous;
        var archive = ArchiveFor(model);
        await using var server = Serve(model, archive, textGraph: null);

        var run = Tool(server.BaseAddress, "models", "download", model.Name, "--cache", "cache");

        Assert.True(run.ExitCode == 0, run.ToString());
        var paths = new ModelCache(Cache).PathsFor(model);
        Assert.Equal(DemoGraph, File.ReadAllBytes(paths.FrozenGraph));
        Assert.Equal("person", File.ReadAllLines(paths.Labels)[0]);
        Assert.False(File.Exists(paths.TextGraph));
        Assert.Contains(server.Requests, r => r.Path == model.ArchiveUrl.AbsolutePath);
        Assert.Contains(server.Requests, r => r.Path == model.TextGraphUrl!.AbsolutePath);

        Assert.Contains("resnet50_atrous is ready.", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"archive SHA-256:      {Sha256(archive)}", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"frozen graph SHA-256: {Sha256(DemoGraph)}", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("verification: UNVERIFIED: the catalogue has no checksum for this model", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("text graph:   none", run.Stdout, StringComparison.Ordinal);
        // Progress and the downloader's warnings go to stderr.
        Assert.Contains($"downloading {model.ZooName}.tar.gz.partial: ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("(100%)", run.Stderr, StringComparison.Ordinal);
        Assert.Contains($"extracting frozen_inference_graph.pb: ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("warning: There is no text graph for resnet50_atrous", run.Stderr, StringComparison.Ordinal);
        Assert.Contains($"UNVERIFIED. SHA-256 of what was received: {Sha256(archive)}", run.Stderr, StringComparison.Ordinal);

        var path = Tool(null, "models", "path", model.Name, "--cache", "cache");
        Assert.True(path.ExitCode == 0, path.ToString());
        Assert.Equal(paths.Directory, path.Stdout.Trim());

        // Asking again downloads nothing.
        var requests = server.Requests.Count;
        var again = Tool(server.BaseAddress, "models", "download", model.Name, "--cache", "cache");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("resnet50_atrous is ready (the frozen graph was already in the cache).", again.Stdout, StringComparison.Ordinal);
        Assert.Contains($"frozen graph SHA-256: {Sha256(DemoGraph)}", again.Stdout, StringComparison.Ordinal);
        // Only the text graph, which this model's entry does not promise, is looked for again.
        Assert.Equal(requests + 1, server.Requests.Count);
        Assert.Equal(model.TextGraphUrl!.AbsolutePath, server.Requests[^1].Path);

        // detect --model NAME finds the cached files (the demo graph has 3 classes, so its labels are given).
        var detect = Tool(null, "detect", RepositoryPaths.Combine("samples", "images", "shapes.png"), "--model", model.Name, "--cache", "cache",
            "--labels", RepositoryPaths.Combine("models", "demo", "labels.txt"), "--json", "--output", "out");
        Assert.True(detect.ExitCode == 0, detect.ToString());
        Assert.Contains($"Model: {paths.FrozenGraph} (3 classes)", detect.Stdout, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_temp.Path, "out", "shapes.json")));
        var labels = json.RootElement.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("label").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(["bright", "dim", "dim", "medium", "medium"], labels);
    }

    [Fact]
    public async Task A_download_that_does_not_match_the_published_sha1_is_refused()
    {
        var model = ModelCatalog.InceptionV2;
        await using var server = Serve(model, ArchiveFor(model), DemoTextGraph);

        var run = Tool(server.BaseAddress, "models", "download", model.Name, "--cache", "cache");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains($"SHA-1 mismatch: expected {model.ArchiveSha1}", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(new ModelCache(Cache).PathsFor(model).FrozenGraph));
        var path = Tool(null, "models", "path", model.Name, "--cache", "cache");
        Assert.True(path.ExitCode == 3, path.ToString());
        Assert.Contains("Run: maskrcnn models download inception_v2 --cache cache", path.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Offline_the_download_fails_with_3_and_says_how_to_get_the_model_by_hand()
    {
        var nowhere = new Uri($"http://127.0.0.1:{LoopbackHttpServer.UnusedPort()}/");

        var run = Tool(nowhere, "models", "download", "resnet101_atrous", "--cache", "cache");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("error: Could not reach 127.0.0.1", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("The model server could not be reached; this machine may be offline.", run.Stderr, StringComparison.Ordinal);
        Assert.Contains(new ModelCache(Cache).PathsFor(ModelCatalog.ResNet101Atrous).Archive, run.Stderr, StringComparison.Ordinal);

        var bad = ProcessRunner.Tool(_temp.Path, ["models", "download", "resnet101_atrous", "--cache", "cache"],
            new Dictionary<string, string?> { ["MASKRCNN_MODEL_BASE_URL"] = "ftp://mirror.example/" });
        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.Contains("MASKRCNN_MODEL_BASE_URL must be an absolute http(s) address", bad.Stderr, StringComparison.Ordinal);
    }
}
