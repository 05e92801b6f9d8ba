using MaskRcnn.Pipeline;
using MaskRcnn.Preprocessing;
using MaskRcnn.Rendering;
using MaskRcnn.Synthetic;
using OpenCvSharp;

namespace MaskRcnn.Tests.Pipeline;

/// <summary>The pipeline through real OpenCV on the synthetic model: order, identity with the sequential loop, the
/// memory bound, cancellation, and failures of inputs and of the sink.</summary>
[Collection(SyntheticModelsDefinition.Name)]
public sealed class DetectionPipelineTests(SyntheticModels models)
{
    private static Scene Scene(int seed) => SceneGenerator.Random(new SceneGeneratorOptions
    {
        ImageSize = new Size(320, 240),
        ObjectCount = 3,
        Background = SceneBackground.Noisy,
    }, seed);

    /// <summary>A pipeline that keeps the process's OpenCV thread count (other tests share the process).</summary>
    private DetectionPipeline Load(int detectors, int capacity, int readers = 1) =>
        DetectionPipeline.Load(models.ThreeFiles.Weights, models.ThreeFiles.TextGraph, LabelMap.Load(models.ThreeFiles.Labels),
            options: new DetectionPipelineOptions { Detectors = detectors, Capacity = capacity, Readers = readers, OpenCvThreads = Cv2.GetNumThreads() });

    /// <summary>Frames made on demand; every Mat handed out is kept in <paramref name="yielded"/> to check its disposal.</summary>
    private static IEnumerable<Mat> Frames(int count, List<Mat> yielded)
    {
        for (var i = 0; i < count; i++)
        {
            var frame = Scene(i % 4).ToMat();
            lock (yielded) yielded.Add(frame);
            yield return frame;
        }
    }

    private static int Count(List<Mat> yielded)
    {
        lock (yielded) return yielded.Count;
    }

    private static byte[] Overlay(Mat image, DetectionResult result)
    {
        using var canvas = BgrImage.ToBgr8(image);
        OverlayRenderer.Draw(canvas, result);
        return canvas.ImEncode(".png");
    }

    [Fact]
    public void Gives_the_sequential_loops_results_and_overlays_in_input_order()
    {
        var paths = Enumerable.Range(0, 10).Select(i =>
        {
            var path = models.TempFile($"pipeline-same-{i}.png");
            Scene(100 + i).Save(path);
            return path;
        }).ToList();
        var expected = new List<(List<string> Instances, byte[] Overlay)>();
        using (var detector = models.Load())
        {
            foreach (var path in paths)
            {
                using var image = Cv2.ImRead(path, ImreadModes.Unchanged);
                var result = detector.Detect(image);
                expected.Add((MaskRcnnDetectorTests.Describe(result), Overlay(image, result)));
            }
        }
        Assert.All(expected, e => Assert.Equal(3, e.Instances.Count));

        using var pipeline = Load(detectors: 2, capacity: 3, readers: 2);
        var seen = new List<PipelineItem<string>>();
        var overlays = new List<byte[]>();
        var summary = pipeline.Run(paths, item =>
        {
            seen.Add(item);
            overlays.Add(Overlay(item.Image!, item.Result!));
        });

        Assert.Equal(Enumerable.Range(0, paths.Count), seen.Select(s => s.Index));
        Assert.Equal(paths, seen.Select(s => s.Input));
        Assert.Equal(expected.Select(e => e.Instances), seen.Select(s => MaskRcnnDetectorTests.Describe(s.Result!)));
        Assert.Equal(expected.Select(e => e.Overlay), overlays);
        Assert.Equal((10, 0), (summary.Succeeded, summary.Failed));
        Assert.All(seen, s => Assert.True(s.Image!.IsDisposed, "the pipeline disposes each image after its sink call"));
        Assert.Equal(0, pipeline.ImagesHeld);
    }

    [Fact]
    public void Readers_never_get_more_than_capacity_images_ahead_of_the_sink()
    {
        const int capacity = 3;
        var yielded = new List<Mat>();
        using var pipeline = Load(detectors: 2, capacity: capacity);
        var ahead = new List<int>();

        pipeline.Run(Frames(20, yielded), item =>
        {
            // Hold the sink until the readers have filled the window behind this item: they must stop there.
            var full = Math.Min(20, item.Index + capacity);
            Assert.True(SpinWait.SpinUntil(() => Count(yielded) >= full, TimeSpan.FromSeconds(30)), $"readers stalled at {Count(yielded)} of {full}");
            ahead.Add(Count(yielded) - item.Index);
            Assert.InRange(pipeline.ImagesHeld, 1, capacity);
        });

        Assert.Equal(20, ahead.Count);
        Assert.All(ahead, a => Assert.InRange(a, 1, capacity));
        Assert.Equal(capacity, ahead[0]);
        Assert.Equal(capacity, pipeline.PeakImagesHeld);
        Assert.All(yielded, m => Assert.True(m.IsDisposed));
        Assert.Equal(0, pipeline.ImagesHeld);
    }

    [Fact]
    public void Cancelling_stops_the_run_at_once_and_disposes_every_image()
    {
        const int capacity = 4;
        var yielded = new List<Mat>();
        using var pipeline = Load(detectors: 2, capacity: capacity);
        using var cancel = new CancellationTokenSource();
        var delivered = new List<int>();

        Assert.ThrowsAny<OperationCanceledException>(() => pipeline.Run(Frames(200, yielded), item =>
        {
            delivered.Add(item.Index);
            if (item.Index == 3) cancel.Cancel();
        }, cancel.Token));

        Assert.Equal([0, 1, 2, 3], delivered);
        Assert.InRange(Count(yielded), 4, 4 + capacity);
        Assert.All(yielded, m => Assert.True(m.IsDisposed, "a frame was left undisposed"));
        Assert.Equal(0, pipeline.ImagesHeld);
    }

    [Fact]
    public void A_bad_input_in_the_middle_fails_alone()
    {
        var paths = new[] { "bad-0.png", "bad-1.png", "bad-corrupt.png", "bad-missing.png", "bad-4.png" }.Select(models.TempFile).ToArray();
        foreach (var i in new[] { 0, 1, 4 }) Scene(200 + i).Save(paths[i]);
        File.WriteAllText(paths[2], "not a png");
        using var pipeline = Load(detectors: 2, capacity: 2);
        var seen = new List<PipelineItem<string>>();

        var summary = pipeline.Run(paths, seen.Add);

        Assert.Equal(paths, seen.Select(s => s.Input));
        Assert.Equal([true, true, false, false, true], seen.Select(s => s.Succeeded));
        var corrupt = Assert.IsType<InvalidImageException>(seen[2].Error);
        Assert.Contains("not a decodable image", corrupt.Message, StringComparison.Ordinal);
        Assert.Null(seen[2].Image);
        Assert.IsType<ImageNotFoundException>(seen[3].Error);
        Assert.All(new[] { 0, 1, 4 }, i => Assert.Equal(3, seen[i].Result!.Instances.Count));
        Assert.Equal((3, 2), (summary.Succeeded, summary.Failed));
    }

    [Fact]
    public void A_failing_detection_fails_its_input_alone()
    {
        using var pipeline = Load(detectors: 1, capacity: 2);
        var inputs = new[] { 0, 1, 2 };
        var seen = new List<PipelineItem<int>>();

        // A float image is of a type the detector does not accept.
        pipeline.Run(inputs, i => i == 1 ? new Mat(64, 64, MatType.CV_32FC3, Scalar.All(0)) : Scene(i).ToMat(), seen.Add);

        Assert.Equal([true, false, true], seen.Select(s => s.Succeeded));
        Assert.IsType<InvalidImageException>(seen[1].Error);
        Assert.NotNull(seen[1].Image);
    }

    [Fact]
    public void An_exception_from_the_sink_ends_the_run_and_is_rethrown()
    {
        var yielded = new List<Mat>();
        using var pipeline = Load(detectors: 2, capacity: 3);
        var boom = new IOException("disk full");
        var calls = 0;

        var thrown = Assert.Throws<IOException>(() => pipeline.Run(Frames(50, yielded), item =>
        {
            calls++;
            if (item.Index == 2) throw boom;
        }));

        Assert.Same(boom, thrown);
        Assert.Equal(3, calls);
        Assert.InRange(Count(yielded), 3, 3 + 3);
        Assert.All(yielded, m => Assert.True(m.IsDisposed));
        Assert.Equal(0, pipeline.ImagesHeld);
    }

    [Fact]
    public void An_exception_from_the_input_sequence_ends_the_run_and_is_rethrown()
    {
        using var pipeline = Load(detectors: 1, capacity: 2);
        var delivered = 0;

        static IEnumerable<int> Broken()
        {
            yield return 0;
            yield return 1;
            throw new InvalidDataException("the video ends in garbage");
        }

        var thrown = Assert.Throws<InvalidDataException>(() => pipeline.Run(Broken(), i => Scene(i).ToMat(), _ => delivered++));
        Assert.Equal("the video ends in garbage", thrown.Message);
        Assert.InRange(delivered, 0, 2);
        Assert.Equal(0, pipeline.ImagesHeld);
    }

    [Fact]
    public void Options_are_validated_and_the_thread_count_is_set_in_one_place()
    {
        var small = Assert.Throws<ArgumentException>(() => new DetectionPipelineOptions { Detectors = 3, Capacity = 2 }.Validate());
        Assert.Equal("Capacity", small.ParamName);
        Assert.Contains("Detectors (3)", small.Message, StringComparison.Ordinal);
        Assert.Equal("Readers", Assert.Throws<ArgumentException>(() => new DetectionPipelineOptions { Readers = 0 }.Validate()).ParamName);
        Assert.Equal("OpenCvThreads", Assert.Throws<ArgumentException>(() => new DetectionPipelineOptions { OpenCvThreads = -1 }.Validate()).ParamName);

        var conflict = Assert.Throws<ArgumentException>(() => DetectionPipeline.Load(models.ThreeFiles.FrozenGraph,
            detectorOptions: new MaskRcnnOptions { Threads = 3 }, options: new DetectionPipelineOptions { OpenCvThreads = 1 }));
        Assert.Contains("set it in DetectionPipelineOptions only", conflict.Message, StringComparison.Ordinal);

        var two = DetectionPipelineOptions.ForProcessors(2);
        Assert.Equal(two, two.Validate());
        Assert.Equal((2, 0, 1, 6), (two.Detectors, two.OpenCvThreads, two.Readers, two.Capacity));
        var many = DetectionPipelineOptions.ForProcessors(32);
        Assert.Equal((8, 4, 18), (many.Detectors, many.OpenCvThreads, many.Capacity));
        // One net on two cores gets both as OpenCV threads; three nets on two cores run each forward on its own thread.
        Assert.Equal((1, 2, 4), (DetectionPipelineOptions.ForDetectors(1, 2).Detectors, DetectionPipelineOptions.ForDetectors(1, 2).OpenCvThreads, DetectionPipelineOptions.ForDetectors(1, 2).Capacity));
        Assert.Equal(0, DetectionPipelineOptions.ForDetectors(3, 2).OpenCvThreads);
        Assert.InRange(two.Capacity, two.Detectors, 4096);
        Assert.Equal(DetectionPipelineOptions.ForProcessors(Environment.ProcessorCount), DetectionPipelineOptions.Default);
    }
}
