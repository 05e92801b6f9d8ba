using MaskRcnn.Coco;
using MaskRcnn.Synthetic;
using OpenCvSharp;

namespace MaskRcnn.Tests.Coco;

/// <summary>
/// <see cref="CocoDetectionEvaluation.Run"/> with the bundled demo model on generated datasets. On grid-aligned
/// rectangles and ellipses the model finds every object once, with the right class, the exact box (rectangles and
/// ellipses alike) and a mask of IoU at least 0.9 (exact for rectangles), which fixes several numbers exactly.
/// </summary>
public sealed class CocoDetectionEvaluationTests(DemoCocoData data) : IClassFixture<DemoCocoData>
{
    private const int Digits = 12;

    [Fact]
    public void The_demo_model_is_near_perfect_on_grid_aligned_scenes()
    {
        using var detector = DemoCocoData.LoadDemo();
        var dataset = data.GridDataset;

        var run = CocoDetectionEvaluation.Run(detector, dataset, data.Grid.ImagesFolder);

        Assert.Equal(32, run.ImagesProcessed);
        Assert.Empty(run.Failures);
        Assert.Equal(dataset.Annotations.Count, run.ResultCount); // one detection per object: no false positive
        Assert.InRange(data.Grid.PolygonCount, 5, dataset.Annotations.Count / 2);

        // Boxes are exact, so every threshold from 0.5 to 0.95 sees the same perfect ranking: all AP and AR are 1 except
        // AR with one detection per image, which can find one object per category and image.
        var bbox = run.Bbox.Stats;
        Assert.All(bbox.Where((_, i) => i != 6), s => Assert.Equal(1.0, s, Digits));
        Assert.Equal(DemoCocoData.ExpectedRecallAtOne(dataset), bbox[6], Digits);
        Assert.InRange(bbox[6], 0.3, 0.9);

        // Masks: every IoU is at least 0.9, so at 0.5 and 0.75 the ranking is perfect too; above that a few ellipse
        // masks (15 x 15 mask resized to the box) fall short.
        var segm = run.Segm.Stats;
        Assert.Equal(1.0, segm[1], Digits);
        Assert.Equal(1.0, segm[2], Digits);
        Assert.InRange(segm[0], 0.95, 1.0);
        Assert.InRange(segm[8], 0.95, 1.0);
        Assert.InRange(segm[6], bbox[6] - 0.05, bbox[6]);
        Assert.True(segm[0] < 1.0, "some ellipse mask should fall short of IoU 0.95");
    }

    [Fact]
    public void The_results_file_reads_back_and_re_evaluating_it_gives_identical_numbers()
    {
        using var detector = DemoCocoData.LoadDemo();
        var dataset = data.GridDataset;
        var resultsPath = Path.Combine(data.NewFolder("results"), "results.json");

        var run = CocoDetectionEvaluation.Run(detector, dataset, data.Grid.ImagesFolder, resultsPath);

        var results = CocoResultsFile.Read(resultsPath).ToList();
        Assert.Equal(run.ResultCount, results.Count);
        Assert.All(results, r =>
        {
            Assert.True(dataset.TryGetImage(r.ImageId, out _));
            Assert.InRange(r.CategoryId, 1, 3);
            Assert.InRange(r.Score, 0.5, 1.0);
            Assert.Equal(CocoSegmentationKind.Rle, r.Segmentation!.Kind);
            Assert.Equal((DemoCocoData.InputSide, DemoCocoData.InputSide), (r.Segmentation.Rle!.Height, r.Segmentation.Rle.Width));
            Assert.NotNull(r.Bbox);
        });
        // Every image with objects has results, in dataset order.
        Assert.Equal(dataset.Annotations.Select(a => a.ImageId).Distinct(), results.Select(r => r.ImageId).Distinct());

        Assert.Equal(run.Bbox.Stats, CocoEvaluator.Evaluate(dataset, results, CocoIouType.Bbox).Stats);
        Assert.Equal(run.Segm.Stats, CocoEvaluator.Evaluate(dataset, results, CocoIouType.Segm).Stats);
        Assert.Equal(run.Segm.FormatSummary(), CocoEvaluator.Evaluate(dataset, CocoResultsFile.Read(resultsPath), CocoIouType.Segm).FormatSummary());
    }

    [Fact]
    public void Images_that_fail_are_reported_and_the_others_still_count()
    {
        using var detector = DemoCocoData.LoadDemo();
        var dataset = data.GridDataset;
        var complete = Path.Combine(data.NewFolder("complete"), "results.json");
        CocoDetectionEvaluation.Run(detector, dataset, data.Grid.ImagesFolder, complete);

        var images = data.CopyGridImages();
        string File(long id) => Path.Combine(images, SyntheticCocoDataset.ImageFileName(id));
        System.IO.File.Delete(File(2));
        System.IO.File.WriteAllBytes(File(5), "not an image"u8.ToArray());
        new SceneBuilder(160, 160).AddRectangle(new Rect(32, 32, 64, 64), 1).Build().Save(File(9));
        var reports = new List<int>();
        var resultsPath = Path.Combine(data.NewFolder("damaged"), "results.json");

        var run = CocoDetectionEvaluation.Run(detector, dataset, images, resultsPath, new SynchronousProgress(reports.Add));

        Assert.Equal(29, run.ImagesProcessed);
        Assert.Equal([File(2), File(5), File(9)], run.Failures.Select(f => f.Image));
        Assert.Equal(
            ["the file does not exist.", "not a decodable image. It is truncated, corrupt, or in a format OpenCV does not read.", "the file is 160x160 but the annotations say 320x320."],
            run.Failures.Select(f => f.Error));
        Assert.Equal(Enumerable.Range(1, 32), reports); // failed images are reported too

        // The failed images count as images without detections: exactly the complete run's results without theirs.
        var failed = new HashSet<long> { 2, 5, 9 };
        var expected = CocoResultsFile.Read(complete).Where(r => !failed.Contains(r.ImageId)).ToList();
        var written = CocoResultsFile.Read(resultsPath).ToList();
        Assert.Equal(expected.Count, run.ResultCount);
        Assert.Equal(expected.Select(r => (r.ImageId, r.CategoryId, r.Score, r.Bbox)), written.Select(r => (r.ImageId, r.CategoryId, r.Score, r.Bbox)));
        Assert.Equal(CocoEvaluator.Evaluate(dataset, expected, CocoIouType.Bbox).Stats, run.Bbox.Stats);
        Assert.Equal(CocoEvaluator.Evaluate(dataset, expected, CocoIouType.Segm).Stats, run.Segm.Stats);
        var recall = DemoCocoData.ExpectedRecall(dataset, failed);
        Assert.InRange(recall, 0.8, 0.97);
        Assert.Equal(recall, run.Bbox.AverageRecall100, Digits);
        Assert.Equal(DemoCocoData.ExpectedRecallAtOne(dataset, failed), run.Bbox.AverageRecall1, Digits);
        Assert.Equal(1.0, run.Bbox.GetPrecision(0, 0, 0, 0, 2)); // what was found is still all right
    }

    [Fact]
    public void Detections_on_crowd_regions_are_neither_required_nor_false_positives()
    {
        using var detector = DemoCocoData.LoadDemo();
        var files = SyntheticCocoDataset.Write(data.NewFolder("crowds"), DemoCocoData.Options(12, crowds: 0.3), seed: 4);
        var dataset = CocoDataset.Load(files.AnnotationsPath);
        var resultsPath = Path.Combine(files.Folder, "results.json");

        var run = CocoDetectionEvaluation.Run(detector, dataset, files.ImagesFolder, resultsPath);

        Assert.InRange(files.CrowdCount, 3, files.AnnotationCount / 2);
        Assert.Equal(files.AnnotationCount, run.ResultCount); // the model finds the crowd objects as well
        Assert.All(run.Bbox.Stats.Where((_, i) => i != 6), s => Assert.Equal(1.0, s, Digits));
        Assert.Equal(1.0, run.Segm.AveragePrecision50, Digits);

        // Without the crowd annotations those detections are false positives, and precision drops.
        var noCrowds = new CocoDataset(dataset.Images, dataset.Categories, dataset.Annotations.Where(a => !a.IsCrowd));
        var strict = CocoEvaluator.Evaluate(noCrowds, CocoResultsFile.Read(resultsPath), CocoIouType.Bbox);
        Assert.True(strict.AveragePrecision50 < 1.0, $"AP50 without crowds: {strict.AveragePrecision50}");
        Assert.Equal(1.0, strict.AverageRecall100, Digits);
    }

    [Fact]
    public void Cancelling_stops_between_images_and_leaves_a_valid_results_file()
    {
        using var detector = DemoCocoData.LoadDemo();
        var resultsPath = Path.Combine(data.NewFolder("cancelled"), "results.json");
        using var cancellation = new CancellationTokenSource();
        var progress = new SynchronousProgress(n => { if (n == 5) cancellation.Cancel(); });

        Assert.Throws<OperationCanceledException>(() =>
            CocoDetectionEvaluation.Run(detector, data.GridDataset, data.Grid.ImagesFolder, resultsPath, progress, null, cancellation.Token));

        var results = CocoResultsFile.Read(resultsPath).ToList();
        Assert.Equal(data.GridDataset.Annotations.Count(a => a.ImageId <= 5), results.Count);
        Assert.All(results, r => Assert.InRange(r.ImageId, 1, 5));
    }

    [Fact]
    public void A_dataset_without_a_category_of_the_model_is_rejected()
    {
        using var detector = DemoCocoData.LoadDemo();
        var dataset = new CocoDataset(data.GridDataset.Images, [new CocoCategory(77, "cat")], []);

        var e = Assert.Throws<ArgumentException>(() => CocoDetectionEvaluation.Run(detector, dataset, data.Grid.ImagesFolder));

        Assert.Contains("None of the model's 3 classes", e.Message, StringComparison.Ordinal);
    }

    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
