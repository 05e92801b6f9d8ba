using System.Diagnostics;
using MaskRcnn.Coco;
using MaskRcnn.Rendering;
using MaskRcnn.Synthetic;
using OpenCvSharp;
using Xunit.Abstractions;

namespace MaskRcnn.Tests;

/// <summary>Runs alone, after the parallel tests, so the process's memory reflects only these detections.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryCollectionDefinition
{
    public const string Name = "memory, not in parallel";
}

[Collection(MemoryCollectionDefinition.Name)]
public sealed class MemoryTests(ITestOutputHelper output) : IDisposable
{
    private SyntheticModels Models { get; } = new();

    public void Dispose() => Models.Dispose();

    private Scene Scene() => new SceneBuilder(640, 480, Models.Three.Options)
        .WithBackground(SceneBackground.Noisy, 2)
        .AddRectangle(new Rect(96, 48, 128, 96), 2)
        .AddEllipse(new Rect(320, 240, 192, 144), 0)
        .Build();

    [Fact]
    public void Two_thousand_end_to_end_detections_keep_process_memory_flat()
    {
        using var detector = Models.Load(options: MaskRcnnOptions.Default with { DefaultDetectOptions = DetectOptions.Default with { InputSize = new Size(320, 320) } });
        using var image = Scene().ToMat();
        // What an app does with each image: detect, draw the overlay, export every mask as RLE and as a full-image mask.
        int EndToEnd()
        {
            var result = detector.Detect(image);
            using (var overlay = OverlayRenderer.Render(image, result)) Assert.False(overlay.Empty());
            foreach (var instance in result.Instances)
            {
                Assert.Equal(instance.Area, instance.ToCocoRle().Area());
                Assert.Equal(image.Width * image.Height, instance.FullMask().Length);
            }
            return result.Instances.Count;
        }
        for (var i = 0; i < 100; i++) EndToEnd();
        var process = Process.GetCurrentProcess();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        process.Refresh();
        var before = process.WorkingSet64;

        var instances = 0;
        for (var i = 0; i < 2000; i++) instances += EndToEnd();

        GC.Collect();
        GC.WaitForPendingFinalizers();
        process.Refresh();
        var after = process.WorkingSet64;
        var growth = (after - before) / (double)before;
        output.WriteLine($"working set before {before / 1048576.0:F1} MiB, after 2000 detections {after / 1048576.0:F1} MiB, growth {growth:P2}");
        Assert.Equal(2000 * 2, instances);
        Assert.True(after - before < Math.Max(0.05 * before, 16 * 1048576), $"working set grew from {before} to {after} bytes");
    }
}
