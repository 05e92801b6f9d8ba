using System.Security.Cryptography;
using System.Text.Json;
using MaskRcnn.Tests.Models;
using MaskRcnn.Tests.Tool;
using OpenCvSharp;

namespace MaskRcnn.Tests.Reliability;

/// <summary><c>maskrcnn detect</c> over a folder of good and broken images: the good ones are written, nothing partial is left.</summary>
public sealed class ToolReliabilityTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string In(params string[] parts) => Path.Combine([_temp.Path, .. parts]);

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void A_folder_of_good_and_broken_images_writes_the_good_ones_lists_the_others_and_exits_with_4()
    {
        Directory.CreateDirectory(In("in"));
        var scene = HostileImageTests.GoodScene();
        using var bgr = scene.ToMat();
        using var gray = bgr.CvtColor(ColorConversionCodes.BGR2GRAY);
        using var bgra = bgr.CvtColor(ColorConversionCodes.BGR2BGRA);
        using var sixteen = new Mat();
        bgr.ConvertTo(sixteen, MatType.CV_16UC3, 257);
        Cv2.ImWrite(In("in", "good.png"), bgr);
        Cv2.ImWrite(In("in", "gray.png"), gray);
        Cv2.ImWrite(In("in", "bgra.png"), bgra);
        Cv2.ImWrite(In("in", "sixteen.png"), sixteen);
        var png = bgr.ImEncode(".png");
        File.WriteAllBytes(In("in", "empty.png"), []);
        File.WriteAllBytes(In("in", "truncated.png"), png[..(png.Length / 2)]);
        File.WriteAllBytes(In("in", "giant.png"), HostileImageTests.BlackPng(20_000));
        File.WriteAllText(In("in", "notes.jpg"), "not an image");
        var inputs = Directory.GetFiles(In("in")).ToDictionary(p => p, Hash);

        var run = ProcessRunner.Tool(_temp.Path, ["detect", "in", "--json", "--output", "out"]);

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Contains("4 input(s) failed:", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("in/empty.png: the image is empty (0 bytes).", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("in/truncated.png: not a decodable image.", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("in/notes.jpg: not a decodable image.", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("in/giant.png: the image is 20000x20000 = 400000000 pixels by its header", run.Stderr, StringComparison.Ordinal);
        string[] good = ["bgra", "good", "gray", "sixteen"];
        Assert.Equal(good.SelectMany(n => new[] { n + ".json", n + ".overlay.png" }).Order(StringComparer.Ordinal),
            Directory.GetFiles(In("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var name in good)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(In("out", name + ".json")));
            ToolOutput.AssertMatches(scene, ToolOutput.Instances(json.RootElement), c => new[] { "dim", "medium", "bright" }[c]);
        }
        Assert.All(inputs, p => Assert.Equal(p.Value, Hash(p.Key)));
    }

    [Fact]
    public void An_output_that_cannot_be_written_leaves_no_partial_or_temporary_file()
    {
        HostileImageTests.GoodScene().Save(In("a.png"));
        HostileImageTests.GoodScene().Save(In("b.png"));
        // A folder where a.json should go: the rename of the finished temporary file fails.
        Directory.CreateDirectory(In("out", "a.json"));

        var run = ProcessRunner.Tool(_temp.Path, ["detect", "a.png", "b.png", "--json", "--output", "out"]);

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Contains("1 input(s) failed:", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("  a.png: ", run.Stderr, StringComparison.Ordinal);
        // Everything in out/ is complete: b's outputs, a's overlay (written before its JSON) and the folder that was in the way.
        Assert.Equal(["a.overlay.png", "b.json", "b.overlay.png"], Directory.GetFiles(In("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFileSystemEntries(In("out", "a.json")));
        using var json = JsonDocument.Parse(File.ReadAllText(In("out", "b.json")));
        Assert.Equal(2, json.RootElement.GetProperty("instances").GetArrayLength());
    }
}
