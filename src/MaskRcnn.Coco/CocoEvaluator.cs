using System.Globalization;

namespace MaskRcnn.Coco;

/// <summary>
/// COCO detection evaluation with the results of pycocotools' <c>COCOeval</c> for <c>iouType</c> <c>'bbox'</c> and
/// <c>'segm'</c>: per image and category matching at IoU thresholds .50:.05:.95 with crowd and area-range handling,
/// accumulation into 101-point interpolated precision and recall, and the standard 12-number summary.
/// </summary>
/// <remarks>
/// <para>
/// Evaluation runs image by image: call <see cref="EvaluateImage"/> once per image with that image's detections (in
/// any order of images), then <see cref="Accumulate"/>. Only compact per-image match records are kept; masks are
/// compared as run-length encodings and never decoded, and a ground-truth polygon is rasterised only while its image is
/// evaluated. Images that were never passed to <see cref="EvaluateImage"/> count as images without detections.
/// <see cref="Evaluate"/> does all of it for a whole results list.
/// </para>
/// <para>
/// Detections are prepared as pycocotools' <c>COCO.loadRes</c> prepares them, and the first detection decides how:
/// when it has a <c>bbox</c>, every detection needs one, its area is the box area and a detection without a mask is
/// given its box as a mask; otherwise every detection needs a segmentation, its area is the mask area and a missing
/// box is the mask's <see cref="CocoRle.ToBoundingBox"/>. The area decides which detections outside an area range
/// are ignored. Where <c>loadRes</c> only takes compressed RLE masks, polygons and uncompressed RLEs are accepted
/// here as well; detections of categories that are not evaluated are dropped, as in pycocotools.
/// </para>
/// <para>
/// Like pycocotools, a match is recorded as the matched ground truth's id, so a match with an annotation whose id is
/// 0 counts as no match. An instance is not thread-safe.
/// </para>
/// </remarks>
public sealed class CocoEvaluator
{
    private const double MaxIouThreshold = 1 - 1e-10;
    private const double Epsilon = 2.220446049250313e-16; // np.spacing(1)

    private readonly CocoDataset _groundTruth;
    private readonly double[] _iouThresholds;
    private readonly double[] _recallThresholds;
    private readonly int[] _maxDetections;
    private readonly CocoAreaRange[] _areaRanges;
    private readonly long[] _imageIds;
    private readonly long[] _categoryIds;
    private readonly Dictionary<long, int> _imageIndex;
    private readonly Dictionary<long, int> _categoryIndex;
    private readonly List<GroundTruth>?[] _groundTruthByImage;
    private readonly bool[] _evaluated;
    private readonly EvalImage?[] _evalImages;
    private readonly int _groupCount;
    private ResultMode _mode;
    private CocoEvaluationResult? _result;

    /// <summary>Prepares an evaluation against a ground-truth dataset.</summary>
    /// <param name="groundTruth">The ground truth.</param>
    /// <param name="iouType">Compare boxes or masks.</param>
    /// <param name="parameters">The settings; <see langword="null"/> for <see cref="CocoEvaluationParameters.Default"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groundTruth"/> is null.</exception>
    /// <exception cref="ArgumentException">The settings are invalid or name images that the dataset lacks.</exception>
    public CocoEvaluator(CocoDataset groundTruth, CocoIouType iouType, CocoEvaluationParameters? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(groundTruth);
        if (iouType is not (CocoIouType.Bbox or CocoIouType.Segm))
        {
            throw new ArgumentException($"Unknown IoU type {iouType}.", nameof(iouType));
        }

        var p = parameters ?? CocoEvaluationParameters.Default;
        _groundTruth = groundTruth;
        IouType = iouType;
        _iouThresholds = CheckList(p.IouThresholds, nameof(p.IouThresholds));
        _recallThresholds = CheckList(p.RecallThresholds, nameof(p.RecallThresholds));
        _maxDetections = [.. CheckList(p.MaxDetections, nameof(p.MaxDetections)).Order()];
        _areaRanges = CheckList(p.AreaRanges, nameof(p.AreaRanges));
        if (_maxDetections[0] < 0)
        {
            throw new ArgumentException("Max detections must not be negative.", nameof(parameters));
        }

        _imageIds = [.. (p.ImageIds ?? groundTruth.Images.Select(i => i.Id)).Distinct().Order()];
        foreach (long id in _imageIds)
        {
            if (!groundTruth.TryGetImage(id, out _))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Image {id} is not in the ground truth."), nameof(parameters));
            }
        }

        _categoryIds = [.. (p.CategoryIds ?? groundTruth.Categories.Select(c => c.Id)).Distinct().Order()];
        _imageIndex = new Dictionary<long, int>(_imageIds.Length);
        for (int i = 0; i < _imageIds.Length; i++)
        {
            _imageIndex[_imageIds[i]] = i;
        }

        _categoryIndex = new Dictionary<long, int>(_categoryIds.Length);
        for (int k = 0; k < _categoryIds.Length; k++)
        {
            _categoryIndex[_categoryIds[k]] = k;
        }

        UseCategories = p.UseCategories;
        _groupCount = UseCategories ? _categoryIds.Length : 1;
        Parameters = p with
        {
            MaxDetections = Array.AsReadOnly(_maxDetections),
            ImageIds = Array.AsReadOnly(_imageIds),
            CategoryIds = Array.AsReadOnly(_categoryIds),
        };

        _groundTruthByImage = new List<GroundTruth>?[_imageIds.Length];
        foreach (var annotation in groundTruth.Annotations)
        {
            if (_imageIndex.TryGetValue(annotation.ImageId, out int i) && _categoryIndex.TryGetValue(annotation.CategoryId, out int k))
            {
                (_groundTruthByImage[i] ??= []).Add(new GroundTruth(annotation, k));
            }
        }

        _evaluated = new bool[_imageIds.Length];
        _evalImages = new EvalImage?[_groupCount * _areaRanges.Length * _imageIds.Length];
    }

    /// <summary>Gets the IoU type.</summary>
    public CocoIouType IouType { get; }

    /// <summary>Gets the effective settings (max detections sorted, image and category ids filled in and sorted).</summary>
    public CocoEvaluationParameters Parameters { get; }

    private bool UseCategories { get; }

    private enum ResultMode
    {
        Unknown,
        Box,
        Segmentation,
    }

    /// <summary>
    /// Evaluates a whole results list, as <c>COCOeval(gt, gt.loadRes(results), iouType)</c> followed by
    /// <c>evaluate()</c> and <c>accumulate()</c>. The results are grouped by image (their masks stay encoded) and
    /// the images are evaluated one at a time.
    /// </summary>
    /// <param name="groundTruth">The ground truth.</param>
    /// <param name="results">The detections, in file order (order breaks ties between equal scores).</param>
    /// <param name="iouType">Compare boxes or masks.</param>
    /// <param name="parameters">The settings; <see langword="null"/> for the defaults.</param>
    /// <returns>The accumulated evaluation.</returns>
    /// <exception cref="ArgumentException">A result names an image that is not in the ground truth, or lacks a needed field.</exception>
    public static CocoEvaluationResult Evaluate(CocoDataset groundTruth, IEnumerable<CocoResult> results, CocoIouType iouType, CocoEvaluationParameters? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        var evaluator = new CocoEvaluator(groundTruth, iouType, parameters);
        var byImage = new Dictionary<long, List<CocoResult>>();
        foreach (var result in results)
        {
            ArgumentNullException.ThrowIfNull(result, nameof(results));
            if (!groundTruth.TryGetImage(result.ImageId, out _))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"A result names image {result.ImageId}, which is not in the ground truth (results must correspond to the ground-truth images)."),
                    nameof(results));
            }

            evaluator.ObserveMode(result);
            if (!byImage.TryGetValue(result.ImageId, out var list))
            {
                byImage[result.ImageId] = list = [];
            }

            list.Add(result);
        }

        foreach (long imageId in evaluator._imageIds)
        {
            if (byImage.Remove(imageId, out var list))
            {
                evaluator.EvaluateImage(imageId, list);
            }
        }

        return evaluator.Accumulate();
    }

    /// <summary>
    /// Evaluates one image: matches its detections with its ground truth for every category, area range and IoU
    /// threshold (pycocotools' <c>computeIoU</c> and <c>evaluateImg</c>).
    /// </summary>
    /// <param name="imageId">The image.</param>
    /// <param name="detections">All detections of this image, in results order.</param>
    /// <exception cref="ArgumentException">
    /// The image is not in the ground truth, a detection belongs to another image, or a detection lacks a needed field.
    /// </exception>
    /// <exception cref="InvalidOperationException">The image was already evaluated, or <see cref="Accumulate"/> was called.</exception>
    public void EvaluateImage(long imageId, IEnumerable<CocoResult> detections)
    {
        ArgumentNullException.ThrowIfNull(detections);
        if (_result is not null)
        {
            throw new InvalidOperationException("The evaluation was already accumulated; create a new evaluator to evaluate more images.");
        }

        if (!_groundTruth.TryGetImage(imageId, out var image))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Image {imageId} is not in the ground truth (results must correspond to the ground-truth images)."),
                nameof(imageId));
        }

        bool included = _imageIndex.TryGetValue(imageId, out int imageIndex);
        if (included && _evaluated[imageIndex])
        {
            throw new InvalidOperationException(
                string.Create(CultureInfo.InvariantCulture, $"Image {imageId} was already evaluated; pass all its detections in one call."));
        }

        var prepared = new List<Detection>();
        int order = 0;
        foreach (var result in detections)
        {
            ArgumentNullException.ThrowIfNull(result, nameof(detections));
            if (result.ImageId != imageId)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"A detection of image {result.ImageId} was passed for image {imageId}."),
                    nameof(detections));
            }

            ObserveMode(result);
            var detection = Prepare(result, image, order++);
            if (_categoryIndex.TryGetValue(result.CategoryId, out int k))
            {
                detection.Category = k;
                prepared.Add(detection);
            }
        }

        if (!included)
        {
            return;
        }

        EvaluatePrepared(imageIndex, image, prepared);
        _evaluated[imageIndex] = true;
    }

    /// <summary>
    /// Accumulates the per-image results into precision and recall (pycocotools' <c>accumulate</c>). Images not yet
    /// evaluated are evaluated without detections. After this call no more images can be added; calling it again
    /// returns the same result.
    /// </summary>
    /// <returns>The evaluation result, with <see cref="CocoEvaluationResult.Stats"/> and the summary.</returns>
    public CocoEvaluationResult Accumulate()
    {
        if (_result is not null)
        {
            return _result;
        }

        for (int i = 0; i < _imageIds.Length; i++)
        {
            if (!_evaluated[i])
            {
                _groundTruth.TryGetImage(_imageIds[i], out var image);
                EvaluatePrepared(i, image!, []);
                _evaluated[i] = true;
            }
        }

        int tCount = _iouThresholds.Length;
        int rCount = _recallThresholds.Length;
        int kCount = _groupCount;
        int aCount = _areaRanges.Length;
        int mCount = _maxDetections.Length;
        int iCount = _imageIds.Length;
        var precision = new double[tCount * rCount * kCount * aCount * mCount];
        var recall = new double[tCount * kCount * aCount * mCount];
        var scores = new double[precision.Length];
        Array.Fill(precision, -1.0);
        Array.Fill(recall, -1.0);
        Array.Fill(scores, -1.0);

        var images = new List<EvalImage>();
        for (int k = 0; k < kCount; k++)
        {
            for (int a = 0; a < aCount; a++)
            {
                images.Clear();
                for (int i = 0; i < iCount; i++)
                {
                    if (_evalImages[Slot(k, a, i)] is { } e)
                    {
                        images.Add(e);
                    }
                }

                if (images.Count == 0)
                {
                    continue;
                }

                long npig = 0;
                foreach (var e in images)
                {
                    npig += e.NotIgnoredGroundTruths;
                }

                for (int m = 0; m < mCount; m++)
                {
                    int maxDet = _maxDetections[m];
                    if (npig == 0)
                    {
                        continue;
                    }

                    // Concatenate the top detections of every image, then rank them all by score (stable).
                    int n = 0;
                    foreach (var e in images)
                    {
                        n += Math.Min(e.Scores.Length, maxDet);
                    }

                    var owner = new EvalImage[n];
                    var column = new int[n];
                    var dtScores = new double[n];
                    int j = 0;
                    foreach (var e in images)
                    {
                        int d = Math.Min(e.Scores.Length, maxDet);
                        for (int c = 0; c < d; c++)
                        {
                            owner[j] = e;
                            column[j] = c;
                            dtScores[j] = e.Scores[c];
                            j++;
                        }
                    }

                    var rank = StableOrderByDescendingScore(dtScores);
                    var rc = new double[n];
                    var pr = new double[n];
                    for (int t = 0; t < tCount; t++)
                    {
                        double tp = 0, fp = 0;
                        for (int r = 0; r < n; r++)
                        {
                            int idx = rank[r];
                            var e = owner[idx];
                            int cell = (t * e.Scores.Length) + column[idx];
                            if (!e.Ignored[cell])
                            {
                                if (e.Matched[cell])
                                {
                                    tp++;
                                }
                                else
                                {
                                    fp++;
                                }
                            }

                            rc[r] = tp / npig;
                            pr[r] = tp / (fp + tp + Epsilon);
                        }

                        recall[RecallSlot(t, k, a, m)] = n > 0 ? rc[n - 1] : 0;
                        for (int r = n - 1; r > 0; r--)
                        {
                            if (pr[r] > pr[r - 1])
                            {
                                pr[r - 1] = pr[r];
                            }
                        }

                        int pi = 0;
                        for (int ri = 0; ri < rCount; ri++)
                        {
                            double threshold = _recallThresholds[ri];
                            while (pi < n && rc[pi] < threshold)
                            {
                                pi++;
                            }

                            int slot = PrecisionSlot(t, ri, k, a, m);
                            if (pi >= n)
                            {
                                // pycocotools leaves the remaining recall points at 0.
                                for (int rest = ri; rest < rCount; rest++)
                                {
                                    precision[PrecisionSlot(t, rest, k, a, m)] = 0;
                                    scores[PrecisionSlot(t, rest, k, a, m)] = 0;
                                }

                                break;
                            }

                            precision[slot] = pr[pi];
                            scores[slot] = dtScores[rank[pi]];
                        }
                    }
                }
            }
        }

        var categories = UseCategories ? _categoryIds : [-1L];
        _result = new CocoEvaluationResult(
            IouType,
            Parameters,
            _iouThresholds,
            _recallThresholds,
            _maxDetections,
            _areaRanges,
            categories,
            precision,
            recall,
            scores);
        return _result;
    }

    private static T[] CheckList<T>(IReadOnlyList<T>? list, string name)
    {
        if (list is null || list.Count == 0)
        {
            throw new ArgumentException($"The evaluation parameter {name} must not be empty.", nameof(list));
        }

        return [.. list];
    }

    private static int[] StableOrderByDescendingScore(double[] scores)
    {
        var rank = new int[scores.Length];
        for (int i = 0; i < rank.Length; i++)
        {
            rank[i] = i;
        }

        Array.Sort(rank, (x, y) =>
        {
            int c = scores[y].CompareTo(scores[x]);
            return c != 0 ? c : x.CompareTo(y);
        });
        return rank;
    }

    private int Slot(int k, int a, int i) => (((k * _areaRanges.Length) + a) * _imageIds.Length) + i;

    private int PrecisionSlot(int t, int r, int k, int a, int m) =>
        (((((((t * _recallThresholds.Length) + r) * _groupCount) + k) * _areaRanges.Length) + a) * _maxDetections.Length) + m;

    private int RecallSlot(int t, int k, int a, int m) =>
        (((((t * _groupCount) + k) * _areaRanges.Length) + a) * _maxDetections.Length) + m;

    private void ObserveMode(CocoResult result)
    {
        if (_mode != ResultMode.Unknown)
        {
            return;
        }

        if (result.Bbox is not null)
        {
            _mode = ResultMode.Box;
        }
        else if (result.Segmentation is not null)
        {
            _mode = ResultMode.Segmentation;
        }
        else
        {
            throw new ArgumentException("The first result has neither a bbox nor a segmentation.", nameof(result));
        }
    }

    private Detection Prepare(CocoResult result, CocoImage image, int order)
    {
        if (double.IsNaN(result.Score))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"A detection of image {result.ImageId} has a NaN score."), nameof(result));
        }

        var detection = new Detection { Score = result.Score, Order = order };
        if (_mode == ResultMode.Box)
        {
            var box = result.Bbox ?? throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"A detection of image {result.ImageId} has no bbox, but the first result has one, so every result needs one (as in pycocotools' loadRes)."),
                nameof(result));
            detection.Box = box;
            detection.Area = box.Width * box.Height;
            if (IouType == CocoIouType.Segm)
            {
                detection.Mask = result.Segmentation is { } s ? ToRle(s, image, "detection") : CocoRle.FromBox(box, image.Height, image.Width);
            }
        }
        else
        {
            var segmentation = result.Segmentation ?? throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"A detection of image {result.ImageId} has no segmentation, but the first result has no bbox, so every result needs one (as in pycocotools' loadRes)."),
                nameof(result));
            var mask = ToRle(segmentation, image, "detection");
            detection.Area = mask.Area();
            detection.Box = result.Bbox ?? mask.ToBoundingBox();
            if (IouType == CocoIouType.Segm)
            {
                detection.Mask = mask;
            }
        }

        return detection;
    }

    private static CocoRle ToRle(CocoSegmentation segmentation, CocoImage image, string what)
    {
        try
        {
            return segmentation.ToRle(image.Height, image.Width);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"A {what} of image {image.Id} has an invalid segmentation: {ex.Message}"), nameof(segmentation), ex);
        }
    }

    private void EvaluatePrepared(int imageIndex, CocoImage image, List<Detection> detections)
    {
        var groundTruths = _groundTruthByImage[imageIndex] ?? [];
        if (groundTruths.Count == 0 && detections.Count == 0)
        {
            return;
        }

        if (UseCategories)
        {
            var gtGroups = new Dictionary<int, List<GroundTruth>>();
            foreach (var g in groundTruths)
            {
                if (!gtGroups.TryGetValue(g.Category, out var list))
                {
                    gtGroups[g.Category] = list = [];
                }

                list.Add(g);
            }

            var dtGroups = new Dictionary<int, List<Detection>>();
            foreach (var d in detections)
            {
                if (!dtGroups.TryGetValue(d.Category, out var list))
                {
                    dtGroups[d.Category] = list = [];
                }

                list.Add(d);
            }

            foreach (int k in gtGroups.Keys.Union(dtGroups.Keys))
            {
                EvaluateGroup(
                    imageIndex,
                    image,
                    k,
                    gtGroups.GetValueOrDefault(k) ?? [],
                    dtGroups.GetValueOrDefault(k) ?? []);
            }
        }
        else
        {
            // All categories together, concatenated in category order as pycocotools does.
            var gts = groundTruths.Select((g, i) => (g, i)).OrderBy(x => x.g.Category).ThenBy(x => x.i).Select(x => x.g).ToList();
            var dts = detections.OrderBy(d => d.Category).ThenBy(d => d.Order).ToList();
            EvaluateGroup(imageIndex, image, 0, gts, dts);
        }
    }

    private void EvaluateGroup(int imageIndex, CocoImage image, int k, List<GroundTruth> gt, List<Detection> dtAll)
    {
        if (gt.Count == 0 && dtAll.Count == 0)
        {
            return;
        }

        // Highest score first (stable), cut at the largest max-detections value.
        var dt = dtAll.Select((d, i) => (d, i)).OrderByDescending(x => x.d.Score).ThenBy(x => x.i).Select(x => x.d)
            .Take(_maxDetections[^1]).ToList();
        int gCount = gt.Count;
        int dCount = dt.Count;
        var crowd = new bool[gCount];
        for (int g = 0; g < gCount; g++)
        {
            crowd[g] = gt[g].Annotation.IsCrowd;
        }

        double[,]? ious = null;
        if (gCount > 0 && dCount > 0)
        {
            ious = IouType == CocoIouType.Bbox
                ? CocoRle.BoxIou(dt.Select(d => d.Box).ToArray(), gt.Select(g => GroundTruthBox(g.Annotation, image)).ToArray(), crowd)
                : CocoRle.Iou(dt.Select(d => d.Mask!).ToArray(), gt.Select(g => GroundTruthMask(g.Annotation, image)).ToArray(), crowd);
        }

        int tCount = _iouThresholds.Length;
        var order = new int[gCount];
        var gtIgnore = new bool[gCount];
        var gtMatched = new bool[tCount * gCount];
        for (int a = 0; a < _areaRanges.Length; a++)
        {
            var range = _areaRanges[a];

            // Ground truth that is a crowd or outside the area range is ignored, and sorted last (stable).
            int next = 0;
            for (int pass = 0; pass < 2; pass++)
            {
                for (int g = 0; g < gCount; g++)
                {
                    var annotation = gt[g].Annotation;
                    bool ignore = annotation.IsCrowd || range.Excludes(annotation.Area);
                    if (ignore == (pass == 1))
                    {
                        order[next] = g;
                        gtIgnore[next] = ignore;
                        next++;
                    }
                }
            }

            var matched = new bool[tCount * dCount];
            var ignored = new bool[tCount * dCount];
            Array.Clear(gtMatched);
            if (ious is not null)
            {
                for (int t = 0; t < tCount; t++)
                {
                    for (int d = 0; d < dCount; d++)
                    {
                        double iou = Math.Min(_iouThresholds[t], MaxIouThreshold);
                        int m = -1;
                        for (int g = 0; g < gCount; g++)
                        {
                            int original = order[g];
                            if (gtMatched[(t * gCount) + g] && !crowd[original])
                            {
                                continue;
                            }

                            if (m > -1 && !gtIgnore[m] && gtIgnore[g])
                            {
                                break;
                            }

                            double value = ious[d, original];
                            if (value < iou)
                            {
                                continue;
                            }

                            iou = value;
                            m = g;
                        }

                        if (m == -1)
                        {
                            continue;
                        }

                        ignored[(t * dCount) + d] = gtIgnore[m];
                        matched[(t * dCount) + d] = gt[order[m]].Annotation.Id != 0;
                        gtMatched[(t * gCount) + m] = true;
                    }
                }
            }

            // Unmatched detections outside the area range are ignored too.
            for (int d = 0; d < dCount; d++)
            {
                if (range.Excludes(dt[d].Area))
                {
                    for (int t = 0; t < tCount; t++)
                    {
                        int cell = (t * dCount) + d;
                        if (!matched[cell])
                        {
                            ignored[cell] = true;
                        }
                    }
                }
            }

            int notIgnored = 0;
            for (int g = 0; g < gCount; g++)
            {
                if (!gtIgnore[g])
                {
                    notIgnored++;
                }
            }

            _evalImages[Slot(k, a, imageIndex)] = new EvalImage(dt.Select(d => d.Score).ToArray(), matched, ignored, notIgnored);
        }
    }

    private static CocoBox GroundTruthBox(CocoAnnotation annotation, CocoImage image)
    {
        if (annotation.Bbox is { } box)
        {
            return box;
        }

        if (annotation.Segmentation is { } segmentation)
        {
            return ToRle(segmentation, image, "ground truth").ToBoundingBox();
        }

        throw new InvalidOperationException(
            string.Create(CultureInfo.InvariantCulture, $"Annotation {annotation.Id} has neither a bbox nor a segmentation."));
    }

    private static CocoRle GroundTruthMask(CocoAnnotation annotation, CocoImage image)
    {
        var segmentation = annotation.Segmentation ?? throw new InvalidOperationException(
            string.Create(CultureInfo.InvariantCulture, $"Annotation {annotation.Id} has no segmentation, which segm evaluation needs."));
        return ToRle(segmentation, image, "ground truth");
    }

    private sealed record GroundTruth(CocoAnnotation Annotation, int Category);

    private sealed class Detection
    {
        public double Score { get; init; }

        public int Order { get; init; }

        public int Category { get; set; }

        public double Area { get; set; }

        public CocoBox Box { get; set; }

        public CocoRle? Mask { get; set; }
    }

    /// <summary>The compact per image, category and area range record that <c>accumulate</c> needs.</summary>
    private sealed class EvalImage(double[] scores, bool[] matched, bool[] ignored, int notIgnoredGroundTruths)
    {
        public double[] Scores { get; } = scores;

        public bool[] Matched { get; } = matched;

        public bool[] Ignored { get; } = ignored;

        public int NotIgnoredGroundTruths { get; } = notIgnoredGroundTruths;
    }
}
