using System.Diagnostics;
using MaskRcnn.Synthetic;
using OpenCvSharp;

namespace MaskRcnn.Tests.Reliability;

/// <summary>Many threads, disposal while detections run, and cancellation: the same answers, typed exceptions, prompt stops.</summary>
[Collection(SyntheticModelsDefinition.Name)]
public sealed class ConcurrencyTests(SyntheticModels models)
{
    private static readonly MaskRcnnOptions Small = MaskRcnnOptions.Default with { DefaultDetectOptions = DetectOptions.Default with { InputSize = new Size(320, 320) } };

    private Scene Scene(int seed) => new SceneBuilder(320, 240, models.Three.Options)
        .WithBackground(SceneBackground.Noisy, seed)
        .AddRectangle(new Rect(32 + 16 * (seed % 4), 32, 64, 48), seed % 3)
        .AddRectangle(new Rect(192, 128, 96, 80), (seed + 1) % 3)
        .Build();

    [Fact]
    public void Eight_threads_on_one_detector_with_different_images_get_the_sequential_answers()
    {
        using var detector = models.Load(options: Small);
        var images = Enumerable.Range(0, 6).Select(i => Scene(i).ToMat()).ToList();
        try
        {
            var expected = images.Select(m => MaskRcnnDetectorTests.Describe(detector.Detect(m))).ToList();
            Assert.All(expected, e => Assert.Equal(2, e.Count));
            var results = new List<string>[48];
            Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 },
                k => results[k] = MaskRcnnDetectorTests.Describe(detector.Detect(images[k % images.Count])));
            for (var k = 0; k < results.Length; k++) Assert.Equal(expected[k % images.Count], results[k]);
        }
        finally
        {
            foreach (var m in images) m.Dispose();
        }
    }

    [Fact]
    public void A_pool_under_load_with_good_and_bad_inputs_gives_each_caller_its_own_answer()
    {
        var good = Enumerable.Range(0, 4).Select(i =>
        {
            var path = models.TempFile($"load-{i}.png");
            Scene(i).Save(path);
            return path;
        }).ToList();
        var bad = models.TempFile("load-bad.png");
        File.WriteAllBytes(bad, [0x89, 0x50, 0x4E, 0x47, 0, 0, 0]);
        using var pool = MaskRcnnDetectorPool.Load(2, models.ThreeFiles.Weights, models.ThreeFiles.TextGraph, LabelMap.Load(models.ThreeFiles.Labels), Small);
        var expected = good.Select(p => MaskRcnnDetectorTests.Describe(pool.Detect(p))).ToList();

        var failures = 0;
        Parallel.For(0, 80, new ParallelOptions { MaxDegreeOfParallelism = 12 }, k =>
        {
            if (k % 5 == 4)
            {
                Assert.Throws<InvalidImageException>(() => pool.Detect(bad));
                Interlocked.Increment(ref failures);
                return;
            }
            Assert.Equal(expected[k % 4], MaskRcnnDetectorTests.Describe(pool.Detect(good[k % 4])));
        });
        Assert.Equal(16, failures);
        // Every detector went back to the pool: a batch of two can still use both.
        var batch = pool.DetectBatch([good[0], bad, good[1]]);
        Assert.Equal([true, false, true], batch.Select(o => o.Succeeded));
    }

    [Fact]
    public async Task Disposing_a_detector_while_threads_detect_completes_or_throws_ObjectDisposedException()
    {
        using var image = Scene(1).ToMat();
        for (var round = 0; round < 5; round++)
        {
            var detector = models.Load(options: Small);
            var expected = MaskRcnnDetectorTests.Describe(detector.Detect(image));
            var completed = 0;
            using var started = new CountdownEvent(4);
            var threads = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(() =>
            {
                started.Signal();
                while (true)
                {
                    try
                    {
                        Assert.Equal(expected, MaskRcnnDetectorTests.Describe(detector.Detect(image)));
                        Interlocked.Increment(ref completed);
                    }
                    catch (ObjectDisposedException)
                    {
                        return;
                    }
                }
            }, TaskCreationOptions.LongRunning)).ToArray();
            started.Wait();
            Thread.Sleep(20 + 30 * round);
            detector.Dispose();
            await Task.WhenAll(threads).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Throws<ObjectDisposedException>(() => detector.Detect(image));
        }
    }

    [Fact]
    public async Task Disposing_a_pool_while_threads_detect_completes_or_throws_ObjectDisposedException()
    {
        var path = models.TempFile("pool-dispose.png");
        Scene(2).Save(path);
        for (var round = 0; round < 3; round++)
        {
            var pool = MaskRcnnDetectorPool.Load(2, models.ThreeFiles.FrozenGraph, options: Small);
            var expected = MaskRcnnDetectorTests.Describe(pool.Detect(path));
            var threads = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(() =>
            {
                while (true)
                {
                    try
                    {
                        Assert.Equal(expected, MaskRcnnDetectorTests.Describe(pool.Detect(path)));
                    }
                    catch (ObjectDisposedException)
                    {
                        return;
                    }
                }
            }, TaskCreationOptions.LongRunning)).ToArray();
            Thread.Sleep(50 + 50 * round);
            pool.Dispose();
            await Task.WhenAll(threads).WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task Cancelling_a_running_batch_stops_it_within_one_image()
    {
        var path = models.TempFile("cancel-running.png");
        Scene(3).Save(path);
        var paths = Enumerable.Repeat(path, 2000).ToList();
        using var detector = models.Load(options: Small);
        using var pool = MaskRcnnDetectorPool.Load(2, models.ThreeFiles.FrozenGraph, options: Small);
        var single = Stopwatch.StartNew();
        detector.Detect(path);
        var oneImage = single.Elapsed;

        Func<CancellationToken, object>[] batches = [t => detector.DetectBatch(ImageInput.FromFiles(paths), null, t), t => pool.DetectBatch(ImageInput.FromFiles(paths), null, t)];
        foreach (var batch in batches)
        {
            using var cts = new CancellationTokenSource();
            var run = Task.Run(() => batch(cts.Token));
            Thread.Sleep(300);
            Assert.False(run.IsCompleted, "the batch finished before it could be cancelled");
            var clock = Stopwatch.StartNew();
            cts.Cancel();
            var e = await Record.ExceptionAsync(() => run);
            var stopped = clock.Elapsed;
            Assert.IsAssignableFrom<OperationCanceledException>(e);
            Assert.True(stopped < TimeSpan.FromSeconds(2) + 4 * oneImage, $"stopped {stopped} after cancelling (one image takes {oneImage})");
        }
    }
}
