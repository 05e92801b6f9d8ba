using MaskRcnn.Synthetic;
using OpenCvSharp;

namespace MaskRcnn.Tests;

[Collection(SyntheticModelsDefinition.Name)]
public sealed class PoolTests(SyntheticModels models)
{
    private Scene Scene(int seed) => new SceneBuilder(640, 480, models.Three.Options)
        .WithBackground(SceneBackground.Noisy, seed)
        .AddRectangle(new Rect(64 + 16 * (seed % 5), 48, 128, 96), seed % 3)
        .AddEllipse(new Rect(320, 240, 192, 144), (seed + 1) % 3)
        .Build();

    [Fact]
    public void A_pool_on_many_threads_gives_the_same_results_as_sequential_detection()
    {
        var paths = Enumerable.Range(0, 8).Select(i =>
        {
            var path = models.TempFile($"pool-{i}.png");
            Scene(i).Save(path);
            return path;
        }).ToList();
        List<List<string>> sequential;
        using (var single = models.Load())
            sequential = paths.Select(p => MaskRcnnDetectorTests.Describe(single.Detect(p))).ToList();

        using var pool = MaskRcnnDetectorPool.Load(2, models.ThreeFiles.Weights, models.ThreeFiles.TextGraph, LabelMap.Load(models.ThreeFiles.Labels));
        var parallel = new List<string>[paths.Count];
        Parallel.For(0, 3 * paths.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            var described = MaskRcnnDetectorTests.Describe(pool.Detect(paths[k % paths.Count]));
            lock (parallel) parallel[k % paths.Count] ??= described;
            Assert.Equal(sequential[k % paths.Count], described);
        });
        var batch = pool.DetectBatch(ImageInput.FromFiles(paths));
        Assert.All(batch, o => Assert.True(o.Succeeded));
        Assert.Equal(sequential, batch.Select(o => MaskRcnnDetectorTests.Describe(o.Result!)).ToList());
        Assert.Equal(sequential, parallel.ToList());
    }

    [Fact]
    public void One_detector_shared_by_many_threads_gives_sequential_results()
    {
        using var detector = models.Load();
        using var image = Scene(4).ToMat();
        var expected = MaskRcnnDetectorTests.Describe(detector.Detect(image));
        Parallel.For(0, 12, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
            Assert.Equal(expected, MaskRcnnDetectorTests.Describe(detector.Detect(image))));
    }

    [Fact]
    public void Cancelling_a_pool_batch_stops_it()
    {
        using var pool = MaskRcnnDetectorPool.Load(1, models.ThreeFiles.FrozenGraph);
        var path = models.TempFile("cancel.png");
        Scene(1).Save(path);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => pool.DetectBatch(ImageInput.FromFiles(Enumerable.Repeat(path, 50)), null, cts.Token));
    }

    [Fact]
    public void The_pool_takes_every_input_and_option_the_detector_takes()
    {
        var path = models.TempFile("pool-inputs.png");
        Scene(3).Save(path);
        using var image = Cv2.ImRead(path);
        using var single = models.Load();
        using var pool = MaskRcnnDetectorPool.Load(2, ModelInput.FromBytes(File.ReadAllBytes(models.ThreeFiles.Weights), "weights in memory"),
            models.ThreeFiles.TextGraph, LabelMap.Load(models.ThreeFiles.Labels));
        Assert.Equal("weights in memory", pool.ModelName);
        var native = DetectOptions.Default with { InputMode = InputSizeMode.Native, ScoreThreshold = 0.2f };
        foreach (var detector in new IMaskRcnnDetector[] { single, pool })
        {
            var reference = MaskRcnnDetectorTests.Describe(single.Detect(image, native));
            Assert.NotEmpty(reference);
            Assert.Equal(reference, MaskRcnnDetectorTests.Describe(detector.Detect(path, native)));
            Assert.Equal(reference, MaskRcnnDetectorTests.Describe(detector.Detect(File.ReadAllBytes(path), native)));
            using (var stream = File.OpenRead(path))
                Assert.Equal(reference, MaskRcnnDetectorTests.Describe(detector.Detect(ImageInput.FromStream(stream, "upload"), native)));
            Assert.Equal(reference, MaskRcnnDetectorTests.Describe(detector.Detect(image, native)));
            var batch = detector.DetectBatch([path, image, models.TempFile("pool-missing.png")], native);
            Assert.Equal([path, "image #1", models.TempFile("pool-missing.png")], batch.Select(o => o.Source));
            Assert.Equal(reference, MaskRcnnDetectorTests.Describe(batch[1].Result!));
            Assert.IsType<ImageNotFoundException>(batch[2].Error);
            var bad = Assert.Throws<InvalidImageException>(() => detector.Detect(ImageInput.FromBytes([1, 2, 3], "three bytes"), native));
            Assert.StartsWith("three bytes: ", bad.Message, StringComparison.Ordinal);
        }
    }
}
