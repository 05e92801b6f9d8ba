namespace MaskRcnn.Coco;

/// <summary>Runs a detector over a COCO dataset and evaluates it, one image at a time (bounded memory).</summary>
public static class CocoDetectionEvaluation
{
    /// <summary>
    /// Detects in every image of <paramref name="dataset"/> found under <paramref name="imagesFolder"/>, streams the
    /// results to <paramref name="resultsPath"/> (a pycocotools <c>loadRes</c> file) when given, and evaluates bbox and
    /// segm as COCOeval does. An image that fails (a missing or undecodable file, a size other than the annotations
    /// give) is reported in <see cref="CocoDetectionRun.Failures"/> and counted as an image without detections: its
    /// objects are missed, and the other images count as usual.
    /// </summary>
    /// <param name="detector">The detector; its labels (or the class id + 1 convention) map classes to categories.</param>
    /// <param name="dataset">The ground truth.</param>
    /// <param name="imagesFolder">The folder the images' <c>file_name</c>s are relative to.</param>
    /// <param name="resultsPath">Where to write the detections as a results file; null to write none.</param>
    /// <param name="progress">Receives the number of images done so far, failed ones included.</param>
    /// <param name="options">Thresholds, classes and input size of the detections; null for the detector's defaults.
    /// COCO results are usually reported with a low score threshold (e.g. 0.05).</param>
    /// <param name="cancellationToken">Stops between images; the results file then holds the images done.</param>
    /// <returns>The counts, the failures and both evaluations.</returns>
    /// <exception cref="ArgumentException">No class of the model matches a category of the dataset.</exception>
    /// <exception cref="IOException">The results file cannot be written.</exception>
    public static CocoDetectionRun Run(IMaskRcnnDetector detector, CocoDataset dataset, string imagesFolder, string? resultsPath = null,
        IProgress<int>? progress = null, DetectOptions? options = null, CancellationToken cancellationToken = default)
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
                var detection = detector.Detect(path, options, cancellationToken);
                if (detection.ImageWidth != image.Width || detection.ImageHeight != image.Height)
                    throw new InvalidImageException(path, $"the file is {detection.ImageWidth}x{detection.ImageHeight} but the annotations say {image.Width}x{image.Height}.");
                results = [];
                foreach (var instance in detection.Instances)
                    if (categories.CategoryOf(instance.ClassId) is { } category)
                        results.Add(instance.ToCocoResult(image.Id, category));
                processed++;
            }
            catch (Exception e) when (e is IOException or InvalidImageException or MaskRcnnException)
            {
                failures.Add((path, Reason(e, path)));
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

    // Why an image failed, without what the failure list already says: the detector's messages start with the path and
    // argument exceptions end with " (Parameter 'name')".
    private static string Reason(Exception e, string path)
    {
        if (e is FileNotFoundException or ImageNotFoundException) return "the file does not exist.";
        var message = e.Message;
        if (e is ArgumentException { ParamName: { } name } && message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal))
            message = message[..^$" (Parameter '{name}')".Length];
        return message.StartsWith(path + ": ", StringComparison.Ordinal) ? message[(path.Length + 2)..] : message;
    }
}
