using System.Security.Cryptography;
using System.Text.Json;
using MaskRcnn.Synthetic;
using MaskRcnn.Tests.Models;
using OpenCvSharp;

namespace MaskRcnn.Tests.Tool;

/// <summary>
/// <c>maskrcnn detect</c> run as a process (the built tool, the bundled demo model) on generated images and videos with
/// known ground truth.
/// </summary>
public sealed class DetectToolTests : IDisposable
{
    private static readonly string[] Labels = ["dim", "medium", "bright"];

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string In(params string[] parts) => Path.Combine([_temp.Path, .. parts]);

    private ProcessResult Tool(params string[] args) => ProcessRunner.Tool(_temp.Path, args);

    private static string Label(int classId) => Labels[classId];

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static Scene RandomScene(int seed) => SceneGenerator.Random(new SceneGeneratorOptions
    {
        ImageSize = new Size(400, 300),
        ObjectCount = 4,
        MinCells = 4,
        MaxCells = 10,
    }, seed);

    private static string ExpectedCounts(IEnumerable<Scene> scenes) => string.Join(", ",
        scenes.SelectMany(s => s.Objects).GroupBy(o => Label(o.ClassId)).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));

    [Fact]
    public void A_pattern_over_folders_gives_json_and_overlays_that_match_the_ground_truth()
    {
        var scenes = new Dictionary<string, Scene>
        {
            ["photos/a.png"] = RandomScene(11),
            ["photos/b.png"] = RandomScene(12),
            ["photos/day2/c.png"] = RandomScene(13),
        };
        Directory.CreateDirectory(In("photos", "day2"));
        foreach (var (name, scene) in scenes) scene.Save(In(name));
        // Neither a text file nor a hidden image is an input.
        File.WriteAllText(In("photos", "notes.txt"), "not an image");
        scenes["photos/a.png"].Save(In("photos", ".hidden.png"));
        var before = scenes.Keys.ToDictionary(k => k, k => Hash(In(k)));

        var run = Tool("detect", "photos/**/*.png", "--json", "--output", "out", "--workers", "2");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("2 workers; 3 image(s), 0 video(s)", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(["a.json", "a.overlay.png", "b.json", "b.overlay.png", "c.json", "c.overlay.png"],
            Directory.GetFiles(In("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var (name, scene) in scenes)
        {
            var stem = Path.GetFileNameWithoutExtension(name);
            using var json = JsonDocument.Parse(File.ReadAllText(In("out", stem + ".json")));
            Assert.Equal(name, json.RootElement.GetProperty("image").GetString());
            Assert.Equal(400, json.RootElement.GetProperty("width").GetInt32());
            Assert.Equal(300, json.RootElement.GetProperty("height").GetInt32());
            var detections = ToolOutput.Instances(json.RootElement);
            ToolOutput.AssertMatches(scene, detections, Label);
            Assert.Contains($"{name}: {scene.Objects.Count} instance(s) in ", run.Stdout, StringComparison.Ordinal);

            using var input = scene.ToMat();
            using var overlay = Cv2.ImRead(In("out", stem + ".overlay.png"), ImreadModes.Color);
            ToolOutput.AssertTinted(scene, input, overlay, detections);
            Assert.Equal(before[name], Hash(In(name)));
        }

        // Progress in plain lines (stdout is not a terminal), then the summary.
        var progress = run.StdoutLines.Where(l => l.StartsWith("progress: ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(progress);
        Assert.All(progress, l => Assert.Matches(@"^progress: [12]/3 images \(\d+%\), \d+\.\d images/s, ETA \d+:\d\d$", l));
        Assert.Contains($"Done: 3 image(s) in ", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"; instances: {ExpectedCounts(scenes.Values)}\n", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Mean per image: preprocess \d+\.\d ms, forward \d+\.\d ms, postprocess \d+\.\d ms", run.Stdout);
    }

    [Fact]
    public void Patterns_match_names_each_file_is_taken_once_and_progress_can_be_a_redrawn_line()
    {
        Directory.CreateDirectory(In("in", "sub"));
        var scene = RandomScene(51);
        foreach (var name in new[] { "a1.png", "a2.png", "b1.png", "abc.png", "sub/a3.png" }) scene.Save(In("in", name));

        // a? matches a1 and a2 (not abc); [b]1 matches b1; **/a3 finds sub/a3; a1.png, named again, is taken once.
        var run = Tool("detect", "in/a?.png", "in/[b]1.png", "in/**/a3.png", "in/a1.png", "--no-overlay", "--json", "--output", "out", "--progress", "line");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["a1.json", "a2.json", "a3.json", "b1.json"], Directory.GetFiles(In("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["in/a1.png", "in/a2.png", "in/b1.png", "in/sub/a3.png"],
            run.StdoutLines.Where(l => l.EndsWith(" ms", StringComparison.Ordinal) && l.Contains(": 4 instance(s) in ", StringComparison.Ordinal))
                .Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
        // The progress line is redrawn after carriage returns and wiped with spaces before other lines; no plain lines.
        Assert.Contains("\r4/4 images (100%), ", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"\r {20,}\r", run.Stdout);
        Assert.DoesNotContain("progress:", run.Stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// The objects of the test video, by name: a rectangle R (frames 0-4) and a rectangle N (frames 7-9), which the
    /// demo model scores above the ellipses and so reports first, and three ellipses present throughout. When R
    /// vanishes the ellipses move up in the detector's order, and N takes the place R had: colouring by position
    /// would change the ellipses' colours and give N the colour of R.
    /// </summary>
    private static (Scene Scene, string[] Names) VideoFrame(int f)
    {
        var builder = new SceneBuilder(400, 400).WithBackground(SceneBackground.Dark, seed: 3);
        var names = new List<string>();
        if (f < 5)
        {
            builder.AddRectangle(new Rect(16 + 8 * f, 32, 48, 32), band: 0);
            names.Add("R");
        }
        builder.AddEllipse(new Rect(240, 16 + 8 * f, 40, 40), band: 2);
        builder.AddEllipse(new Rect(80, 240, 64, 48), band: 1);
        builder.AddEllipse(new Rect(320 - 8 * f, 256, 32, 48), band: 0);
        names.AddRange(["E1", "E2", "E3"]);
        if (f >= 7)
        {
            builder.AddRectangle(new Rect(40, 120 + 8 * (f - 7), 40, 32), band: 1);
            names.Add("N");
        }
        return (builder.Build(), [.. names]);
    }

    /// <summary>Writes a lossless (FFV1) video of <paramref name="frames"/> frames, 5 per second.</summary>
    private static List<(Scene Scene, string[] Names)> WriteVideo(string path, int frames)
    {
        var scenes = Enumerable.Range(0, frames).Select(f => VideoFrame(f % 10)).ToList();
        using var writer = new VideoWriter(path, FourCC.FromString("FFV1"), 5, new Size(400, 400));
        Assert.True(writer.IsOpened(), "this OpenCV cannot write FFV1 video");
        foreach (var (scene, _) in scenes)
        {
            using var mat = scene.ToMat();
            writer.Write(mat);
        }
        return scenes;
    }

    [Fact]
    public void A_video_gives_an_overlay_video_and_json_lines_with_each_object_in_one_colour_throughout()
    {
        var frames = WriteVideo(In("clip.mkv"), 10);
        var before = Hash(In("clip.mkv"));

        var run = Tool("detect", "clip.mkv", "--json", "--output", "out");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["clip.jsonl", "clip.overlay.avi"], Directory.GetFiles(In("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(before, Hash(In("clip.mkv")));

        // One JSON line per frame; every object found in every frame it is in.
        var lines = File.ReadAllLines(In("out", "clip.jsonl"));
        Assert.Equal(10, lines.Length);
        var tracks = new Dictionary<string, List<int>>();
        var found = new List<JsonInstance>[10];
        for (var f = 0; f < 10; f++)
        {
            using var json = JsonDocument.Parse(lines[f]);
            Assert.Equal("clip.mkv", json.RootElement.GetProperty("video").GetString());
            Assert.Equal(f, json.RootElement.GetProperty("frame").GetInt32());
            Assert.Equal(f * 200.0, json.RootElement.GetProperty("timeMs").GetDouble(), 3);
            found[f] = ToolOutput.Instances(json.RootElement);
            var matched = ToolOutput.AssertMatches(frames[f].Scene, found[f], Label);
            for (var k = 0; k < matched.Length; k++)
            {
                if (!tracks.TryGetValue(frames[f].Names[k], out var list)) tracks[frames[f].Names[k]] = list = [];
                list.Add(matched[k].Track ?? -1);
            }
        }
        // The rectangle R is reported first, so it takes id 0 in the first frame; each object keeps one id; the
        // rectangle N, new in frame 7, takes a new id, 4.
        Assert.Equal(0, found[0][0].Track);
        Assert.Equal("dim", found[0][0].Label);
        Assert.Equal(["E1", "E2", "E3", "N", "R"], tracks.Keys.Order(StringComparer.Ordinal));
        Assert.All(tracks.Values, ids => Assert.Single(ids.Distinct()));
        var id = tracks.ToDictionary(p => p.Key, p => p.Value[0]);
        Assert.Equal(0, id["R"]);
        Assert.Equal(4, id["N"]);
        Assert.Equal([1, 2, 3], new[] { id["E1"], id["E2"], id["E3"] }.Order());

        // The overlay video: every frame; each object tinted and in one colour in every frame; different objects, even
        // of one class, and the new object, in different colours.
        using var capture = new VideoCapture(In("out", "clip.overlay.avi"));
        Assert.True(capture.IsOpened());
        var colours = new Dictionary<string, List<Vec3d>>();
        using var frame = new Mat();
        for (var f = 0; f < 10; f++)
        {
            Assert.True(capture.Read(frame) && !frame.Empty(), $"frame {f} is missing from the overlay video");
            Assert.Equal(new Size(400, 400), frame.Size());
            var (scene, names) = frames[f];
            using var input = scene.ToMat();
            for (var k = 0; k < names.Length; k++)
            {
                var colour = ToolOutput.MeanInside(frame, scene, k, found[f]);
                var gray = ToolOutput.MeanInside(input, scene, k, found[f]);
                Assert.True(ToolOutput.MaxChannelDifference(colour, gray) > 25, $"{names[k]} is not tinted in frame {f}: {colour}");
                if (!colours.TryGetValue(names[k], out var list)) colours[names[k]] = list = [];
                list.Add(colour);
            }
        }
        Assert.False(capture.Read(frame) && !frame.Empty(), "the overlay video has more frames than the input");
        foreach (var (name, list) in colours)
            for (var f = 1; f < list.Count; f++)
                Assert.True(ToolOutput.MaxChannelDifference(list[0], list[f]) < 8, $"{name} changed colour: {list[0]} then {list[f]}");
        Assert.True(ToolOutput.MaxChannelDifference(colours["R"][0], colours["E3"][0]) > 30, "the two dim objects share a colour");
        Assert.True(ToolOutput.MaxChannelDifference(colours["R"][0], colours["N"][0]) > 30, "the new object took the colour of the one that vanished");

        Assert.Contains("clip.mkv: 10 frame(s), 5 object(s) tracked -> ", run.Stdout, StringComparison.Ordinal);
        var progress = run.StdoutLines.Where(l => l.StartsWith("progress: ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(progress);
        Assert.All(progress, l => Assert.Matches(@"^progress: clip\.mkv: \d/10 frames \(\d+%\), \d+\.\d frames/s, ETA \d+:\d\d$", l));
        Assert.Contains($"Done: 0 image(s), 10 video frame(s) of 1 video(s) in ", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"; instances: {ExpectedCounts(frames.Select(x => x.Scene))}\n", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Mean per frame: preprocess \d+\.\d ms, forward \d+\.\d ms, postprocess \d+\.\d ms", run.Stdout);
    }

    [Theory]
    [InlineData("detect needs at least one image", "detect")]
    [InlineData("--score must be a number from 0 to 1", "detect", "x.png", "--score", "2")]
    [InlineData("Unknown option --bogus", "detect", "x.png", "--bogus")]
    [InlineData("--video-codec must be mjpg", "detect", "x.png", "--video-codec", "h264")]
    [InlineData("--workers must be a number from 1 to 64", "detect", "x.png", "--workers", "0")]
    [InlineData("--no-overlay without --json", "detect", "x.png", "--no-overlay")]
    [InlineData("--progress must be auto, line, plain or none", "detect", "x.png", "--progress", "fancy")]
    [InlineData("models needs a subcommand", "models")]
    [InlineData("models download needs one model name", "models", "download")]
    [InlineData("Unknown model 'no_such_model'", "models", "download", "no_such_model")]
    [InlineData("Unknown command 'frobnicate'", "frobnicate")]
    public void Bad_arguments_exit_with_2_and_say_what_is_wrong(string message, params string[] args)
    {
        var run = Tool(args);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("error: " + message, run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void A_model_that_cannot_be_loaded_exits_with_3()
    {
        var image = RepositoryPaths.Combine("samples", "images", "shapes.png");
        Directory.CreateDirectory(In("empty-cache"));
        File.WriteAllText(In("broken.pb"), "this is not a graph");

        var missing = Tool("detect", image, "--model", "missing.pb", "--output", "out");
        Assert.True(missing.ExitCode == 3, missing.ToString());
        Assert.Contains("missing.pb", missing.Stderr, StringComparison.Ordinal);

        var broken = Tool("detect", image, "--model", "broken.pb", "--output", "out");
        Assert.True(broken.ExitCode == 3, broken.ToString());
        Assert.Contains("broken.pb", broken.Stderr, StringComparison.Ordinal);

        var notDownloaded = Tool("detect", image, "--model", "inception_v2", "--cache", "empty-cache", "--output", "out");
        Assert.True(notDownloaded.ExitCode == 3, notDownloaded.ToString());
        Assert.Contains("Run: maskrcnn models download inception_v2 --cache empty-cache", notDownloaded.Stderr, StringComparison.Ordinal);

        File.WriteAllText(In("empty.json"), """{"images": [], "annotations": [], "categories": [{"id": 1, "name": "dim"}]}""");
        var evalNotDownloaded = Tool("eval", "--annotations", "empty.json", "--images", ".", "--model", "resnet50_atrous", "--cache", "empty-cache");
        Assert.True(evalNotDownloaded.ExitCode == 3, evalNotDownloaded.ToString());
        Assert.Contains("Run: maskrcnn models download resnet50_atrous --cache empty-cache", evalNotDownloaded.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(In("out")), "nothing is written when the model cannot be loaded");
    }

    [Fact]
    public void Failed_inputs_are_listed_at_the_end_and_the_exit_code_is_4_while_the_others_are_written()
    {
        RandomScene(21).Save(In("good.png"));
        File.WriteAllText(In("corrupt.png"), "not a png");

        var run = Tool("detect", "good.png", "missing.png", "corrupt.png", "nothing/*.jpg", "--output", "out");

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Contains("3 input(s) failed:", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("  missing.png: no such file or folder.", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("  corrupt.png: not a decodable image.", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("  nothing/*.jpg: no image or video matches this pattern.", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(["good.overlay.png"], Directory.GetFiles(In("out")).Select(Path.GetFileName));
        Assert.Contains("Done: 1 image(s) in ", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void An_output_that_would_replace_an_input_is_refused()
    {
        Directory.CreateDirectory(In("photos"));
        RandomScene(31).Save(In("photos", "a.png"));
        RandomScene(32).Save(In("photos", "a.overlay.png"));
        var before = Hash(In("photos", "a.overlay.png"));

        // The output folder is the input folder: a.png's overlay would be photos/a.overlay.png, an input.
        var run = Tool("detect", "photos", "--output", "photos");

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Contains("photos/a.png: its output photos/a.overlay.png would overwrite an input; choose another --output folder.", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, Hash(In("photos", "a.overlay.png")));
        Assert.True(File.Exists(In("photos", "a.overlay.overlay.png")));
        Assert.Equal(3, Directory.GetFiles(In("photos")).Length);
    }

    [Fact]
    public void Ctrl_c_stops_after_the_current_image_and_keeps_complete_outputs()
    {
        Directory.CreateDirectory(In("many"));
        RandomScene(41).Save(In("many", "img-00.png"));
        for (var i = 1; i < 40; i++) File.Copy(In("many", "img-00.png"), In("many", $"img-{i:00}.png"));

        var (run, _) = Interrupt(["detect", "many", "--json", "--output", "out"], "instance(s) in", 2);

        Assert.True(run.ExitCode == 130, run.ToString());
        Assert.Contains("Stopped after ", run.Stderr, StringComparison.Ordinal);
        var done = run.StdoutLines.Count(l => l.Contains("instance(s) in", StringComparison.Ordinal));
        Assert.InRange(done, 2, 39);
        var files = Directory.GetFiles(In("out")).Select(Path.GetFileName).ToList();
        Assert.Equal(2 * done, files.Count);
        Assert.DoesNotContain(files, f => f!.StartsWith('.'));
        foreach (var overlay in files.Where(f => f!.EndsWith(".overlay.png", StringComparison.Ordinal)))
        {
            using var mat = Cv2.ImRead(In("out", overlay!));
            Assert.Equal(new Size(400, 300), mat.Size());
            using var json = JsonDocument.Parse(File.ReadAllText(In("out", overlay!.Replace(".overlay.png", ".json", StringComparison.Ordinal))));
            Assert.Equal(4, json.RootElement.GetProperty("instances").GetArrayLength());
        }
    }

    [Fact]
    public void Ctrl_c_in_a_video_keeps_a_playable_video_of_the_frames_done()
    {
        WriteVideo(In("long.mkv"), 60);

        var (run, _) = Interrupt(["detect", "long.mkv", "--json", "--output", "out"], "progress: long.mkv", 1);

        Assert.True(run.ExitCode == 130, run.ToString());
        var stopped = System.Text.RegularExpressions.Regex.Match(run.Stderr, @"Stopped long\.mkv after (\d+) frame\(s\)");
        Assert.True(stopped.Success, run.ToString());
        var frames = int.Parse(stopped.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(frames, 6, 59);
        Assert.Equal(frames, File.ReadAllLines(In("out", "long.jsonl")).Length);
        using var capture = new VideoCapture(In("out", "long.overlay.avi"));
        Assert.True(capture.IsOpened());
        var read = 0;
        using var frame = new Mat();
        while (capture.Read(frame) && !frame.Empty()) read++;
        Assert.Equal(frames, read);
        Assert.Equal(["long.jsonl", "long.overlay.avi"], Directory.GetFiles(In("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    /// <summary>Starts the tool, sends it SIGINT once stdout has <paramref name="count"/> lines containing
    /// <paramref name="marker"/>, and waits for it to end.</summary>
    private (ProcessResult Result, TimeSpan Waited) Interrupt(string[] args, string marker, int count)
    {
        using var process = ProcessRunner.Start(ProcessRunner.Dotnet, [ProcessRunner.ToolDll, .. args], _temp.Path, null);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (process.Stdout.Split('\n').Count(l => l.Contains(marker, StringComparison.Ordinal)) < count)
        {
            Assert.False(process.HasExited, $"the tool ended before it could be interrupted:\n{process.Stdout}\n{process.Stderr}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the tool made no progress");
            Thread.Sleep(20);
        }
        var waited = clock.Elapsed;
        var kill = ProcessRunner.Run("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], _temp.Path);
        Assert.Equal(0, kill.ExitCode);
        return (process.Wait(TimeSpan.FromSeconds(60)), waited);
    }
}
