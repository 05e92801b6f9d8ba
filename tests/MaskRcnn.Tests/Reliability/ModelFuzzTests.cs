using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OpenCvSharp;
using Xunit.Abstractions;

namespace MaskRcnn.Tests.Reliability;

/// <summary>
/// Damaged copies of the demo model, loaded end to end (our validation, then OpenCV's importer, then a detection when
/// the net loads): every one either works or fails with a typed exception, and none takes the process down.
/// </summary>
public sealed partial class ModelFuzzTests(ITestOutputHelper output)
{
    private static readonly byte[] Weights = File.ReadAllBytes(RepositoryPaths.Combine("models", "demo", "weights.pb"));
    private static readonly byte[] TextGraph = File.ReadAllBytes(RepositoryPaths.Combine("models", "demo", "graph.pbtxt"));
    private static readonly byte[] Frozen = File.ReadAllBytes(RepositoryPaths.Combine("models", "demo", "frozen_inference_graph.pb"));

    // A small network input keeps each detection on a loaded net to a few milliseconds.
    private static readonly MaskRcnnOptions Small = MaskRcnnOptions.Default with { DefaultDetectOptions = DetectOptions.Default with { InputSize = new Size(160, 160) } };

    private sealed class Tally
    {
        public int Loaded, RejectedByValidation, RejectedByOpenCv, FailedInDetection;
        public TimeSpan Slowest;

        public override string ToString() =>
            $"{Loaded} loaded and ran a detection, {RejectedByValidation} rejected by our validation, " +
            $"{RejectedByOpenCv} rejected by OpenCV's importer, {FailedInDetection} loaded but failed in Forward (typed); slowest {Slowest.TotalMilliseconds:0} ms";
    }

    /// <summary>Loads the model, detects once if it loads, and files the outcome; anything but our typed exceptions fails the test.</summary>
    private static void Try(byte[] model, byte[]? textGraph, string trial, Tally tally)
    {
        using var image = new Mat(120, 160, MatType.CV_8UC3, Scalar.All(0));
        var clock = Stopwatch.StartNew();
        MaskRcnnDetector detector;
        try
        {
            detector = MaskRcnnDetector.Load(model, textGraph is { Length: > 0 } ? textGraph : null, null, Small);
        }
        catch (ModelLoadException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message), trial);
            if (e.InnerException is OpenCVException) tally.RejectedByOpenCv++;
            else tally.RejectedByValidation++;
            Note(tally, clock, trial);
            return;
        }
        catch (Exception e)
        {
            Assert.Fail($"{trial}: loading threw {e.GetType().Name}: {e.Message}");
            return;
        }
        using (detector)
        {
            try
            {
                var result = detector.Detect(image);
                Assert.All(result.Instances, i => Assert.InRange(i.ClassId, 0, detector.NumClasses - 1));
                tally.Loaded++;
            }
            catch (MaskRcnnException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message), trial);
                tally.FailedInDetection++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{trial}: detection threw {e.GetType().Name}: {e.Message}");
            }
        }
        Note(tally, clock, trial);
    }

    private static void Note(Tally tally, Stopwatch clock, string trial)
    {
        if (clock.Elapsed > tally.Slowest) tally.Slowest = clock.Elapsed;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{trial} took {clock.Elapsed}");
    }

    [Fact]
    public void Twelve_hundred_mutated_text_graphs_load_or_fail_with_a_typed_error()
    {
        var tally = new Tally();
        var lines = Encoding.UTF8.GetString(TextGraph).Split('\n');
        for (var trial = 0; trial < 1200; trial++)
        {
            var rng = new Random(7_000 + trial);
            var (mutated, what) = MutateText(lines, rng);
            Try(Weights, Encoding.UTF8.GetBytes(mutated), $"text graph mutation {trial} ({what})", tally);
        }
        output.WriteLine($"1200 text graph mutations: {tally}");
        // The mutations reach every stage: some get past our checks into OpenCV, some load and run.
        Assert.True(tally.Loaded > 0 && tally.RejectedByValidation > 0 && tally.RejectedByOpenCv > 0, tally.ToString());
    }

    [Fact]
    public void A_thousand_mutated_binary_graphs_load_or_fail_with_a_typed_error()
    {
        var weights = new Tally();
        for (var trial = 0; trial < 500; trial++)
        {
            var (mutated, what) = MutateBinary(Weights, new Random(11_000 + trial));
            Try(mutated, TextGraph, $"weights.pb mutation {trial} ({what})", weights);
        }
        var frozen = new Tally();
        for (var trial = 0; trial < 500; trial++)
        {
            var (mutated, what) = MutateBinary(Frozen, new Random(13_000 + trial));
            Try(mutated, [], $"frozen_inference_graph.pb mutation {trial} ({what})", frozen);
        }
        output.WriteLine($"500 weights.pb mutations: {weights}");
        output.WriteLine($"500 frozen_inference_graph.pb mutations: {frozen}");
        Assert.True(weights.Loaded > 0 && weights.RejectedByValidation > 0, weights.ToString());
        Assert.True(frozen.Loaded > 0 && frozen.RejectedByValidation > 0, frozen.ToString());
    }

    [Fact]
    public void Model_files_cut_at_hundreds_of_offsets_are_rejected_with_a_typed_error()
    {
        var tried = 0;
        foreach (var (name, bytes) in new[] { ("weights.pb", Weights), ("frozen_inference_graph.pb", Frozen), ("graph.pbtxt", TextGraph) })
        {
            foreach (var cut in Offsets(bytes.Length))
            {
                var prefix = bytes.AsSpan(0, cut).ToArray();
                var e = Record.Exception(() =>
                {
                    using var _ = name switch
                    {
                        "weights.pb" => MaskRcnnDetector.Load(prefix, TextGraph, null, Small),
                        "graph.pbtxt" => MaskRcnnDetector.Load(Weights, prefix, null, Small),
                        _ => MaskRcnnDetector.Load(prefix, null, null, Small),
                    };
                });
                // Cutting only the text graph's final newline leaves the same graph.
                if (bytes.AsSpan(cut).IndexOfAnyExcept(" \n"u8) < 0 && name == "graph.pbtxt")
                {
                    Assert.Null(e);
                    continue;
                }
                var load = Assert.IsType<ModelLoadException>(e, exactMatch: true);
                Assert.False(string.IsNullOrWhiteSpace(load.Message));
                tried++;
            }
        }
        output.WriteLine($"{tried} truncated model files rejected");
        Assert.True(tried >= 450, $"{tried}");
    }

    /// <summary>Every offset in the first 64 bytes (headers and the first node), then 100 spread over the rest, and the last byte.</summary>
    private static IEnumerable<int> Offsets(int length) =>
        Enumerable.Range(0, 64).Concat(Enumerable.Range(0, 100).Select(k => 64 + (int)((long)(length - 65) * k / 100))).Append(length - 1).Distinct();

    private static (byte[] Bytes, string What) MutateBinary(byte[] source, Random rng)
    {
        var bytes = new List<byte>(source);
        var what = new StringBuilder();
        for (var n = 1 + rng.Next(4); n > 0; n--)
        {
            var at = rng.Next(bytes.Count);
            switch (rng.Next(4))
            {
                case 0:
                case 1: bytes[at] = (byte)rng.Next(256); what.Append(CultureInfo.InvariantCulture, $"set@{at} "); break;
                case 2: bytes[at] ^= (byte)(1 << rng.Next(8)); what.Append(CultureInfo.InvariantCulture, $"flip@{at} "); break;
                default: bytes.RemoveAt(at); what.Append(CultureInfo.InvariantCulture, $"delete@{at} "); break;
            }
        }
        return ([.. bytes], what.ToString().TrimEnd());
    }

    // Values that upset shape arithmetic: zero, negatives, the int32 limits, numbers past them.
    private static readonly string[] Numbers = ["0", "-1", "1", "2", "3", "7", "16", "100", "1000000", "2147483647", "-2147483648", "99999999999", "-7", "0.5", "1e30", "nan"];

    /// <summary>Line-level damage a text graph suffers from editing, merging or truncation, and numbers changed to awkward values.</summary>
    private static (string Text, string What) MutateText(string[] source, Random rng)
    {
        var lines = source.ToList();
        var what = new StringBuilder();
        for (var n = 1 + rng.Next(3); n > 0; n--)
        {
            var at = rng.Next(lines.Count);
            switch (rng.Next(5))
            {
                case 0 when NumberPattern().Matches(lines[at]) is { Count: > 0 } numbers:
                    var number = numbers[rng.Next(numbers.Count)];
                    var value = Numbers[rng.Next(Numbers.Length)];
                    lines[at] = lines[at][..number.Index] + value + lines[at][(number.Index + number.Length)..];
                    what.Append(CultureInfo.InvariantCulture, $"number@{at}={value} ");
                    break;
                case 0:
                case 1:
                    if (lines[at].Length == 0) break;
                    var chars = lines[at].ToCharArray();
                    chars[rng.Next(chars.Length)] = (char)rng.Next(32, 127);
                    lines[at] = new string(chars);
                    what.Append(CultureInfo.InvariantCulture, $"char@{at} ");
                    break;
                case 2:
                    lines.RemoveAt(at);
                    what.Append(CultureInfo.InvariantCulture, $"delete-line@{at} ");
                    break;
                case 3:
                    lines.Insert(at, lines[rng.Next(lines.Count)]);
                    what.Append(CultureInfo.InvariantCulture, $"copy-line@{at} ");
                    break;
                default:
                    var other = rng.Next(lines.Count);
                    (lines[at], lines[other]) = (lines[other], lines[at]);
                    what.Append(CultureInfo.InvariantCulture, $"swap-lines@{at},{other} ");
                    break;
            }
        }
        return (string.Join('\n', lines), what.ToString().TrimEnd());
    }

    [GeneratedRegex(@"-?\d+(\.\d+)?")]
    private static partial Regex NumberPattern();
}
