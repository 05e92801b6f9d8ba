using System.Diagnostics;
using MaskRcnn.Synthetic;
using OpenCvSharp;
using Xunit.Abstractions;

namespace MaskRcnn.Tests.Reliability;

/// <summary>
/// 10,000 detections (one in ten on a broken image, a fresh detector every 2,000) with memory and handles measured
/// along the way. Minutes long, so not in <c>./build.sh test</c>; run it with <c>./build.sh soak</c>.
/// </summary>
[Trait("Category", "Soak")]
[Collection(MemoryCollectionDefinition.Name)]
public sealed class SoakTests(ITestOutputHelper output) : IDisposable
{
    private const int Detections = 10_000;
    private const int Checkpoint = 1_000;

    private SyntheticModels Models { get; } = new();

    public void Dispose() => Models.Dispose();

    private sealed record Sample(int Done, long WorkingSet, long ManagedHeap, int OpenFiles, int Handles);

    private static Sample Measure(int done)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return new Sample(done, process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: true),
            Directory.GetFileSystemEntries("/proc/self/fd").Length, process.HandleCount);
    }

    [Fact]
    public void Ten_thousand_detections_keep_memory_and_handles_flat()
    {
        var options = MaskRcnnOptions.Default with { DefaultDetectOptions = DetectOptions.Default with { InputSize = new Size(320, 320) } };
        var scene = new SceneBuilder(640, 480, Models.Three.Options)
            .WithBackground(SceneBackground.Noisy, 5)
            .AddRectangle(new Rect(96, 48, 128, 96), 2)
            .AddEllipse(new Rect(320, 240, 192, 144), 0)
            .Build();
        var path = Models.TempFile("soak.png");
        scene.Save(path);
        using var image = scene.ToMat();
        var encoded = image.ImEncode(".jpg");
        byte[] broken = [.. encoded[..(encoded.Length / 3)]];

        var detector = Models.Load(options: options);
        try
        {
            // Warm up so OpenCV's lazy allocations are in the baseline.
            for (var i = 0; i < 200; i++) detector.Detect(image);
            var samples = new List<Sample> { Measure(0) };
            var clock = Stopwatch.StartNew();
            var instances = 0;
            var failures = 0;
            for (var i = 1; i <= Detections; i++)
            {
                if (i % 2_000 == 0)
                {
                    detector.Dispose();
                    detector = Models.Load(options: options);
                }
                if (i % 10 == 0)
                {
                    // A truncated JPEG decodes partially (libjpeg fills in the rest) or not at all.
                    try
                    {
                        detector.Detect(broken);
                    }
                    catch (InvalidImageException)
                    {
                        failures++;
                    }
                }
                else
                {
                    var result = (i % 10) switch
                    {
                        1 => detector.Detect(path),
                        2 => detector.Detect(encoded),
                        _ => detector.Detect(image),
                    };
                    Assert.Equal(2, result.Instances.Count);
                    instances += result.Instances.Count;
                }
                if (i % Checkpoint == 0) samples.Add(Measure(i));
            }

            output.WriteLine($"{Detections} detections in {clock.Elapsed.TotalSeconds:F0} s ({failures} on a truncated JPEG)");
            foreach (var s in samples)
                output.WriteLine($"after {s.Done,6}: working set {s.WorkingSet / 1048576.0,6:F1} MiB, managed heap {s.ManagedHeap / 1048576.0,5:F1} MiB, open fds {s.OpenFiles}, handles {s.Handles}");

            Assert.Equal(2 * (Detections - Detections / 10), instances);
            var settled = samples[1];
            var last = samples[^1];
            Assert.True(last.WorkingSet - settled.WorkingSet < 32L << 20, $"working set grew from {settled.WorkingSet} to {last.WorkingSet}");
            Assert.True(last.ManagedHeap - settled.ManagedHeap < 8L << 20, $"managed heap grew from {settled.ManagedHeap} to {last.ManagedHeap}");
            Assert.True(last.OpenFiles - samples[0].OpenFiles <= 2, $"open file descriptors went from {samples[0].OpenFiles} to {last.OpenFiles}");
            Assert.True(last.Handles - samples[0].Handles <= 2, $"handles went from {samples[0].Handles} to {last.Handles}");
        }
        finally
        {
            detector.Dispose();
        }
    }
}
