using MaskRcnn.Coco;

namespace MaskRcnn.Tests.Coco;

public class CocoEvaluatorTests
{
    // pycocotools computes precision as tp / (tp + fp + eps) with eps = np.spacing(1) = 2^-52. For tp = 1, fp = 0 this
    // is 1 / (1 + 2^-52) = 1 - 2^-52, not 1; for larger counts the eps vanishes in rounding. Comparisons with "1"
    // therefore allow 1e-12.
    private const double Tolerance = 1e-12;

    [Theory]
    [InlineData(CocoIouType.Bbox)]
    [InlineData(CocoIouType.Segm)]
    public void Perfect_detections_give_ap_1_in_every_area_range(CocoIouType iouType)
    {
        // One small (20x20 = 400), one medium (50x50 = 2500) and one large (120x120 = 14400) object per image, each
        // of its own category (so one detection per image and category already finds everything: AR1 = 1 too).
        var boxes = new[] { new CocoBox(5, 5, 20, 20), new CocoBox(40, 30, 50, 50), new CocoBox(70, 75, 120, 120) };
        var gt = Dataset(2, 200, 200, [1, 2, 3], (image, i) => Annotation(image, i + 1, boxes[i], polygon: true), 3);
        var results = gt.Annotations.Select(a => BoxAndMask(a, 0.9, 200, 200)).ToList();

        var result = CocoEvaluator.Evaluate(gt, results, iouType);

        Assert.Equal(12, result.Stats.Count);
        Assert.All(result.Stats, s => Assert.Equal(1.0, s, Tolerance));
        Assert.Equal(1.0, result.GetCategoryAp(1), Tolerance);
        Assert.Equal(1.0, result.GetCategoryAp(2), Tolerance);
        Assert.Equal(1.0, result.GetCategoryAp(3), Tolerance);
        Assert.StartsWith(
            " Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000\n Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 1.000",
            result.FormatSummary(),
            StringComparison.Ordinal);
        Assert.EndsWith(" Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = 1.000", result.FormatSummary(), StringComparison.Ordinal);
    }

    [Fact]
    public void One_false_positive_at_rank_two_gives_the_hand_computed_precision_curve()
    {
        // Four separate objects found exactly (IoU 1 at every threshold), plus one false positive ranked second:
        //   rank:  1    2    3    4    5
        //   kind:  TP   FP   TP   TP   TP
        //   tp:    1    1    2    3    4        recall    = tp / 4 = .25 .25 .50 .75 1
        //   fp:    0    1    1    1    1        precision = tp / (tp + fp) = 1 .5 .667 .75 .8
        // Interpolated from the right (running max): 1 .8 .8 .8 .8.
        // At the 101 recall points r = 0, .01, ..., 1, precision is taken at the first rank whose recall >= r:
        //   r = 0 .. .25  (26 points) -> rank 1 -> 1
        //   r = .26 .. 1  (75 points) -> ranks 3-5 -> .8
        // AP = (26 * 1 + 75 * .8) / 101 = 86 / 101 = 0.851485..., the same at every IoU threshold.
        var boxes = new[] { new CocoBox(0, 0, 10, 10), new CocoBox(20, 0, 10, 10), new CocoBox(40, 0, 10, 10), new CocoBox(60, 0, 10, 10) };
        var gt = Dataset(1, 100, 100, [1], (image, i) => Annotation(image, 1, boxes[i]), 4);
        var results = new List<CocoResult>
        {
            new(1, 1, 0.9, boxes[0]),
            new(1, 1, 0.8, new CocoBox(0, 50, 10, 10)), // matches nothing
            new(1, 1, 0.7, boxes[1]),
            new(1, 1, 0.6, boxes[2]),
            new(1, 1, 0.5, boxes[3]),
        };

        var result = CocoEvaluator.Evaluate(gt, results, CocoIouType.Bbox);

        for (int r = 0; r <= 25; r++)
        {
            Assert.Equal(1.0, result.GetPrecision(0, r, 0, 0, 2), Tolerance);
        }

        for (int r = 26; r <= 100; r++)
        {
            Assert.Equal(0.8, result.GetPrecision(0, r, 0, 0, 2), Tolerance);
        }

        Assert.Equal(86.0 / 101, result.AveragePrecision, Tolerance);
        Assert.Equal(86.0 / 101, result.AveragePrecision50, Tolerance);
        Assert.Equal(86.0 / 101, result.AveragePrecision75, Tolerance);
        Assert.Equal(1.0, result.AverageRecall100, Tolerance);
        Assert.Equal(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.851", result.FormatSummary().Split('\n')[0]);

        // The score at which each recall point is reached: 0.9 up to r = .25, then .7 (rank 3), .6 and .5.
        Assert.Equal(0.9, result.GetScore(0, 25, 0, 0, 2));
        Assert.Equal(0.7, result.GetScore(0, 26, 0, 0, 2));
        Assert.Equal(0.5, result.GetScore(0, 100, 0, 0, 2));
    }

    [Fact]
    public void The_rank_of_the_false_positive_decides_the_ap()
    {
        var boxes = new[] { new CocoBox(0, 0, 10, 10), new CocoBox(20, 0, 10, 10), new CocoBox(40, 0, 10, 10), new CocoBox(60, 0, 10, 10) };
        var gt = Dataset(1, 100, 100, [1], (image, i) => Annotation(image, 1, boxes[i]), 4);
        var fp = new CocoBox(0, 50, 10, 10);

        // False positive first: precision 0 .5 .667 .75 .8, interpolated .8 everywhere -> AP = .8.
        var first = CocoEvaluator.Evaluate(gt, [new(1, 1, 0.99, fp), .. boxes.Select((b, i) => new CocoResult(1, 1, 0.9 - (i * 0.1), b))], CocoIouType.Bbox);
        Assert.Equal(0.8, first.AveragePrecision, Tolerance);

        // False positive last: all four recall steps are reached at precision 1 -> AP = 1.
        var last = CocoEvaluator.Evaluate(gt, [.. boxes.Select((b, i) => new CocoResult(1, 1, 0.9 - (i * 0.1), b)), new(1, 1, 0.01, fp)], CocoIouType.Bbox);
        Assert.Equal(1.0, last.AveragePrecision, Tolerance);
    }

    [Fact]
    public void Detections_matching_a_crowd_region_are_ignored()
    {
        // Image 100x100: one ordinary object and one crowd region covering the right half.
        var gt = new CocoDataset(
            [new CocoImage(1, 100, 100, "a.jpg")],
            [new CocoCategory(1, "person")],
            [
                new CocoAnnotation(1, 1, 1, null, 100, new CocoBox(0, 0, 10, 10)),
                new CocoAnnotation(2, 1, 1, null, 5000, new CocoBox(50, 0, 50, 100), IsCrowd: true),
            ]);
        var results = new List<CocoResult>
        {
            new(1, 1, 0.95, new CocoBox(60, 10, 10, 10)), // inside the crowd: IoU = overlap / detection area = 1
            new(1, 1, 0.9, new CocoBox(0, 0, 10, 10)), // the object
            new(1, 1, 0.85, new CocoBox(70, 60, 20, 20)), // inside the crowd too (a crowd can absorb many)
        };

        var result = CocoEvaluator.Evaluate(gt, results, CocoIouType.Bbox);

        // Only the ordinary object counts: the crowd matches are neither true nor false positives.
        Assert.Equal(1.0, result.AveragePrecision, Tolerance);
        Assert.Equal(1.0, result.AverageRecall100, Tolerance);

        // Without the crowd flag the region is an ordinary, unmatched object and the detections inside it are false
        // positives ranked first and third: precision 0 .5 .333 after the running max .5 .5 .333, recall 0 .5 .5
        // -> 51 points at .5 and 50 points at 0 -> AP = 25.5 / 101.
        var plain = new CocoDataset(gt.Images, gt.Categories, [gt.Annotations[0], gt.Annotations[1] with { IsCrowd = false }]);
        var worse = CocoEvaluator.Evaluate(plain, results, CocoIouType.Bbox);
        Assert.Equal(25.5 / 101, worse.AveragePrecision, Tolerance);
        Assert.Equal(0.5, worse.AverageRecall100, Tolerance);
    }

    [Fact]
    public void Categories_without_ground_truth_give_minus_one()
    {
        var gt = new CocoDataset(
            [new CocoImage(1, 50, 50, "a.jpg")],
            [new CocoCategory(1, "cat"), new CocoCategory(2, "dog")],
            [new CocoAnnotation(1, 1, 1, null, 100, new CocoBox(0, 0, 10, 10))]);
        var results = new List<CocoResult> { new(1, 1, 0.9, new CocoBox(0, 0, 10, 10)), new(1, 2, 0.8, new CocoBox(20, 20, 10, 10)) };

        var result = CocoEvaluator.Evaluate(gt, results, CocoIouType.Bbox);

        Assert.Equal(-1, result.GetCategoryAp(2));
        Assert.Equal(-1, result.GetPrecision(0, 0, 1, 0, 2));
        Assert.Equal(-1, result.GetRecall(0, 1, 0, 2));
        Assert.Equal(1.0, result.GetCategoryAp(1), Tolerance);
        Assert.Equal(1.0, result.AveragePrecision, Tolerance); // the mean skips -1
        var perCategory = result.GetCategoryAps();
        Assert.Equal(2, perCategory.Count);
        Assert.Equal(result.GetCategoryAp(1), perCategory[1]);
        Assert.Equal(-1, perCategory[2]);

        // No ground truth at all: every number is -1 and printed as -1.000.
        var empty = CocoEvaluator.Evaluate(new CocoDataset(gt.Images, gt.Categories, []), results, CocoIouType.Bbox);
        Assert.All(empty.Stats, s => Assert.Equal(-1, s));
        Assert.EndsWith("= -1.000", empty.FormatSummary().Split('\n')[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Area_ranges_select_objects_and_ignore_unmatched_detections_outside_them()
    {
        // A small object (10x10 = 100) and a large one (100x100 = 10000), both found exactly, and a 5x5 false
        // positive ranked first.
        var gt = new CocoDataset(
            [new CocoImage(1, 200, 200, "a.jpg")],
            [new CocoCategory(1, "thing")],
            [
                new CocoAnnotation(1, 1, 1, null, 100, new CocoBox(0, 0, 10, 10)),
                new CocoAnnotation(2, 1, 1, null, 10000, new CocoBox(50, 50, 100, 100)),
            ]);
        var results = new List<CocoResult>
        {
            new(1, 1, 0.95, new CocoBox(180, 0, 5, 5)),
            new(1, 1, 0.9, new CocoBox(0, 0, 10, 10)),
            new(1, 1, 0.8, new CocoBox(50, 50, 100, 100)),
        };

        var result = CocoEvaluator.Evaluate(gt, results, CocoIouType.Bbox);

        // all:    FP TP TP  -> precision 0 .5 .667 -> interpolated .667 everywhere -> AP = 2/3.
        Assert.Equal(2.0 / 3, result.AveragePrecision, Tolerance);

        // small:  the large object is ignored and so is the detection matched to it; FP (area 25 is small) TP
        //         -> precision 0 .5 -> .5 everywhere -> AP = .5.
        Assert.Equal(0.5, result.AveragePrecisionSmall, Tolerance);

        // medium: no object in range -> -1.
        Assert.Equal(-1, result.AveragePrecisionMedium);
        Assert.Equal(-1, result.AverageRecallMedium);

        // large:  the unmatched 5x5 detection is outside the range and ignored, the small one matches an ignored
        //         object and is ignored -> one TP -> AP = 1.
        Assert.Equal(1.0, result.AveragePrecisionLarge, Tolerance);
        Assert.Equal(1.0, result.AverageRecallSmall, Tolerance);
        Assert.Equal(1.0, result.AverageRecallLarge, Tolerance);
    }

    [Fact]
    public void Max_detections_limit_recall_and_matching()
    {
        // Three objects in one image, found exactly with scores .9 .8 .7.
        var boxes = new[] { new CocoBox(0, 0, 10, 10), new CocoBox(20, 0, 10, 10), new CocoBox(40, 0, 10, 10) };
        var gt = Dataset(1, 100, 100, [1], (image, i) => Annotation(image, 1, boxes[i]), 3);
        var results = boxes.Select((b, i) => new CocoResult(1, 1, 0.9 - (i * 0.1), b)).ToList();

        var result = CocoEvaluator.Evaluate(gt, results, CocoIouType.Bbox);

        // One detection per image reaches recall 1/3; ten or more reach 1.
        Assert.Equal(1.0 / 3, result.AverageRecall1, Tolerance);
        Assert.Equal(1.0, result.AverageRecall10, Tolerance);
        Assert.Equal(1.0, result.AverageRecall100, Tolerance);

        // AP with one detection: precision 1 at recall points 0 .. .33 (34 points), 0 beyond -> 34/101.
        Assert.Equal(34.0 / 101, result.Summarize(true, maxDetections: 1), Tolerance);

        // Matching only considers the 100 best detections of an image: with 100 better-scored false positives the
        // correct detection is cut off and nothing is found.
        var single = Dataset(1, 1000, 1000, [1], (image, i) => Annotation(image, 1, new CocoBox(0, 0, 10, 10)), 1);
        var crowded = Enumerable.Range(0, 100).Select(i => new CocoResult(1, 1, 0.5 + (i * 0.001), new CocoBox(100 + (i * 5), 500, 4, 4))).ToList();
        crowded.Add(new CocoResult(1, 1, 0.1, new CocoBox(0, 0, 10, 10)));
        var cut = CocoEvaluator.Evaluate(single, crowded, CocoIouType.Bbox);
        Assert.Equal(0, cut.AverageRecall100);
        Assert.Equal(0, cut.AveragePrecision);
        crowded.RemoveAt(0);
        Assert.Equal(1.0, CocoEvaluator.Evaluate(single, crowded, CocoIouType.Bbox).AverageRecall100, Tolerance);
    }

    [Fact]
    public void Iou_thresholds_count_a_detection_as_a_match_only_up_to_its_iou()
    {
        // Ground truth [0,0,10,10]; detection [0,0,10,8]: IoU = 80 / 100 = .8, a match at thresholds .50 .. .80
        // (7 of 10) and a miss at .85 .90 .95. AP = 7 * (1 - 2^-52) / 10 (one TP per threshold, see Tolerance).
        var gt = Dataset(1, 50, 50, [1], (image, i) => Annotation(image, 1, new CocoBox(0, 0, 10, 10)), 1);
        var result = CocoEvaluator.Evaluate(gt, [new CocoResult(1, 1, 0.9, new CocoBox(0, 0, 10, 8))], CocoIouType.Bbox);
        Assert.Equal(0.7, result.AveragePrecision, Tolerance);
        Assert.Equal(1.0, result.AveragePrecision75, Tolerance);
        Assert.Equal(0.7, result.AverageRecall100, Tolerance);
        Assert.Equal(1.0, result.GetRecall(6, 0, 0, 2)); // threshold .80
        Assert.Equal(0.0, result.GetRecall(7, 0, 0, 2)); // threshold .85
    }

    [Fact]
    public void Segm_evaluation_compares_masks_and_mask_only_results_get_their_box_from_the_mask()
    {
        // Ground truth: a 20x20 square as a polygon. Detection: the same square as an RLE without bbox, so
        // the results are in "segmentation" form (area and box come from the mask, as in loadRes).
        var gt = Dataset(1, 64, 64, [1], (image, i) => Annotation(image, 1, new CocoBox(10, 10, 20, 20), polygon: true), 1);
        var mask = CocoRle.FromBox(new CocoBox(10, 10, 20, 20), 64, 64);
        var results = new List<CocoResult> { CocoResult.FromMask(1, 1, 0.9, mask) };

        Assert.Equal(1.0, CocoEvaluator.Evaluate(gt, results, CocoIouType.Segm).AveragePrecision, Tolerance);
        Assert.Equal(1.0, CocoEvaluator.Evaluate(gt, results, CocoIouType.Bbox).AveragePrecision, Tolerance);

        // A half-covering mask: IoU = 200 / 400 = .5 -> matched only at threshold .50 -> AP = .1.
        var half = CocoRle.FromBox(new CocoBox(10, 10, 10, 20), 64, 64);
        var halfResult = CocoEvaluator.Evaluate(gt, [CocoResult.FromMask(1, 1, 0.9, half)], CocoIouType.Segm);
        Assert.Equal(0.1, halfResult.AveragePrecision, Tolerance);
        Assert.Equal(1.0, halfResult.AveragePrecision50, Tolerance);
    }

    [Fact]
    public void Box_results_without_a_mask_are_rasterised_for_segm_evaluation()
    {
        var gt = Dataset(1, 64, 64, [1], (image, i) => Annotation(image, 1, new CocoBox(10, 10, 20, 20), polygon: true), 1);
        var result = CocoEvaluator.Evaluate(gt, [new CocoResult(1, 1, 0.9, new CocoBox(10, 10, 20, 20))], CocoIouType.Segm);
        Assert.Equal(1.0, result.AveragePrecision, Tolerance);
    }

    [Fact]
    public void Image_by_image_evaluation_equals_whole_list_evaluation()
    {
        var random = new Random(3);
        var gt = Dataset(6, 120, 90, [1, 2, 3], (image, i) => Annotation(image, 1 + (((int)image + i) % 3), RandomBox(random), polygon: true), 4);
        var results = new List<CocoResult>();
        foreach (var a in gt.Annotations)
        {
            var b = a.Bbox!.Value;
            results.Add(BoxAndMask(a with { Bbox = b with { X = b.X + random.Next(-3, 4), Width = b.Width + random.Next(-3, 4) } }, Math.Round(random.NextDouble(), 2), 90, 120));
            results.Add(new CocoResult(a.ImageId, a.CategoryId, Math.Round(random.NextDouble(), 2), RandomBox(random), CocoSegmentation.FromRle(CocoRle.FromBox(RandomBox(random), 90, 120))));
        }

        foreach (var iouType in new[] { CocoIouType.Bbox, CocoIouType.Segm })
        {
            var whole = CocoEvaluator.Evaluate(gt, results, iouType);
            var evaluator = new CocoEvaluator(gt, iouType);
            foreach (var group in results.GroupBy(r => r.ImageId).Reverse().Where(g => g.Key != 4))
            {
                evaluator.EvaluateImage(group.Key, group);
            }

            // Image 4 is never given: it counts as an image without detections.
            var partial = evaluator.Accumulate();
            var withoutImage4 = CocoEvaluator.Evaluate(gt, results.Where(r => r.ImageId != 4), iouType);
            Assert.Equal(withoutImage4.Stats, partial.Stats);
            Assert.NotEqual(whole.Stats, partial.Stats);
            Assert.True(whole.AveragePrecision > 0.05);
        }
    }

    [Fact]
    public void Evaluator_rejects_misuse_with_clear_errors()
    {
        var gt = Dataset(2, 50, 50, [1], (image, i) => Annotation(image, 1, new CocoBox(0, 0, 10, 10)), 1);
        var evaluator = new CocoEvaluator(gt, CocoIouType.Bbox);
        evaluator.EvaluateImage(1, [new CocoResult(1, 1, 0.5, new CocoBox(0, 0, 10, 10))]);

        Assert.Throws<InvalidOperationException>(() => evaluator.EvaluateImage(1, []));
        Assert.Throws<ArgumentException>(() => evaluator.EvaluateImage(99, []));
        Assert.Throws<ArgumentException>(() => evaluator.EvaluateImage(2, [new CocoResult(1, 1, 0.5, new CocoBox(0, 0, 1, 1))]));

        // The first result had a bbox, so (as in loadRes) every result needs one.
        Assert.Throws<ArgumentException>(() => evaluator.EvaluateImage(2, [CocoResult.FromMask(2, 1, 0.5, CocoRle.Empty(50, 50))]));
        evaluator.Accumulate();
        Assert.Throws<InvalidOperationException>(() => evaluator.EvaluateImage(2, []));

        var ex = Assert.Throws<ArgumentException>(() => CocoEvaluator.Evaluate(gt, [new CocoResult(7, 1, 0.5, new CocoBox(0, 0, 1, 1))], CocoIouType.Bbox));
        Assert.Contains("image 7", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new CocoEvaluator(gt, CocoIouType.Bbox, new CocoEvaluationParameters { ImageIds = [5] }));
        Assert.Throws<ArgumentException>(() => new CocoEvaluator(gt, CocoIouType.Bbox, new CocoEvaluationParameters { MaxDetections = [] }));
    }

    [Fact]
    public void Detections_of_categories_outside_the_ground_truth_are_ignored()
    {
        var gt = Dataset(1, 50, 50, [1], (image, i) => Annotation(image, 1, new CocoBox(0, 0, 10, 10)), 1);
        var result = CocoEvaluator.Evaluate(gt, [new CocoResult(1, 42, 0.99, new CocoBox(20, 20, 5, 5)), new CocoResult(1, 1, 0.5, new CocoBox(0, 0, 10, 10))], CocoIouType.Bbox);
        Assert.Equal(1.0, result.AveragePrecision, Tolerance);
        Assert.Equal([1L], result.CategoryIds);
    }

    [Fact]
    public void Without_categories_detections_match_objects_of_any_category()
    {
        var gt = Dataset(1, 50, 50, [1, 2], (image, i) => Annotation(image, 1, new CocoBox(0, 0, 10, 10)), 1);
        var results = new List<CocoResult> { new(1, 2, 0.9, new CocoBox(0, 0, 10, 10)) };
        Assert.Equal(0, CocoEvaluator.Evaluate(gt, results, CocoIouType.Bbox).AverageRecall100);
        var agnostic = CocoEvaluator.Evaluate(gt, results, CocoIouType.Bbox, new CocoEvaluationParameters { UseCategories = false });
        Assert.Equal(1.0, agnostic.AverageRecall100, Tolerance);
        Assert.Equal([-1L], agnostic.CategoryIds);
    }

    private static CocoDataset Dataset(int images, int width, int height, long[] categories, Func<long, int, CocoAnnotation> annotation, int perImage)
    {
        var annotations = new List<CocoAnnotation>();
        for (long image = 1; image <= images; image++)
        {
            for (int i = 0; i < perImage; i++)
            {
                annotations.Add(annotation(image, i) with { Id = annotations.Count + 1 });
            }
        }

        return new CocoDataset(
            Enumerable.Range(1, images).Select(i => new CocoImage(i, width, height, $"{i}.jpg")),
            categories.Select(c => new CocoCategory(c, $"c{c}")),
            annotations);
    }

    private static CocoAnnotation Annotation(long image, long category, CocoBox box, bool polygon = false)
    {
        var segmentation = polygon
            ? CocoSegmentation.FromPolygons([[box.X, box.Y, box.X, box.Bottom, box.Right, box.Bottom, box.Right, box.Y]])
            : null;
        return new CocoAnnotation(0, image, category, segmentation, box.Area, box);
    }

    private static CocoResult BoxAndMask(CocoAnnotation annotation, double score, int height, int width)
    {
        var box = annotation.Bbox!.Value;
        return new CocoResult(annotation.ImageId, annotation.CategoryId, score, box, CocoSegmentation.FromRle(CocoRle.FromBox(box, height, width)));
    }

    private static CocoBox RandomBox(Random random) => new(random.Next(0, 80), random.Next(0, 60), random.Next(5, 40), random.Next(5, 30));
}
