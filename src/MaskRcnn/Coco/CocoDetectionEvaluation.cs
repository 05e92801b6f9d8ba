namespace MaskRcnn.Coco;

/// <summary>Runs a detector over a COCO dataset and evaluates it, one image at a time (bounded memory).</summary>
public static class CocoDetectionEvaluation
{
    /// <summary>
    /// Detects in every image of <paramref name="dataset"/> found under <paramref name="imagesFolder"/>, streams the
    /// results to <paramref name="resultsPath"/> (a pycocotools <c>loadRes</c> file) when given, and evaluates bbox and
    /// segm as COCOeval does. An image that fails is reported and counted as an image without detections.
    /// </summary>
    public static CocoDetectionRun Run(MaskRcnnDetector detector, CocoDataset dataset, string imagesFolder, string? resultsPath = null,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(imagesFolder);
        var categories = CocoCategoryMap.FromLabels(detector.Labels, dataset, detector.NumClasses);
        if (categories.Count == 0)
            throw new ArgumentException(
                $"None of the model's {detector.NumClasses} classes matches a category of the dataset by name or by id (class id + 1); check the labels.", nameof(dataset));
        var bbox = new CocoEvaluator(dataset, CocoIouType.Bbox);
        var segm = new CocoEvaluator(dataset, CocoIouType.Segm);
        using var writer = resultsPath is null ? null : new CocoResultWriter(resultsPath);
        var failures = new List<(string, string)>();
        var processed = 0;
        long written = 0;
        foreach (var image in dataset.Images)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = Path.Combine(imagesFolder, image.FileName);
            List<CocoResult> results;
            try
            {
                var detection = detector.Detect(path);
                if (detection.ImageWidth != image.Width || detection.ImageHeight != image.Height)
                    throw new InvalidImageException($"the file is {detection.ImageWidth}x{detection.ImageHeight} but the annotations say {image.Width}x{image.Height}.");
                results = [];
                foreach (var instance in detection.Instances)
                    if (categories.CategoryOf(instance.ClassId) is { } category)
                        results.Add(instance.ToCocoResult(image.Id, category));
                processed++;
            }
            catch (Exception e) when (e is IOException or InvalidImageException or MaskRcnnException)
            {
                failures.Add((path, e.Message));
                progress?.Report(processed + failures.Count);
                continue;
            }
            bbox.EvaluateImage(image.Id, results);
            segm.EvaluateImage(image.Id, results);
            writer?.WriteRange(results);
            written += results.Count;
            progress?.Report(processed + failures.Count);
        }
        return new CocoDetectionRun(processed, failures, written, bbox.Accumulate(), segm.Accumulate());
    }
}
