namespace MaskRcnn.Postprocessing;

/// <summary>
/// Turns the two outputs of an OpenCV Mask R-CNN net into <see cref="Instance"/>s: a pure function of the output
/// tensors and the image size, with no OpenCV objects involved.
/// </summary>
/// <remarks>
/// <para><c>detections</c> is <c>detection_out_final</c>, rows of <c>[imageId, classId, score, x1, y1, x2, y2]</c>
/// with coordinates normalized to the image; rows past the kept detections are zero. <c>masks</c> is
/// <c>detection_masks</c>, <c>[rows, classes, S, S]</c>; the mask of a detection is read from ITS OWN row and its
/// class's channel, however many rows filters remove.</para>
/// <para>Coordinates: pixel (i, j) covers [i, i+1) x [j, j+1). The box is the normalized box times the image size,
/// clipped to the image, computed in double precision (a float coordinate times an int image side is exact there);
/// <see cref="Instance.Box"/> rounds each edge to the nearest pixel boundary, halves upwards
/// (<see cref="BoxF.ToRect"/>). The S x S map is resized to that box bilinearly (pixel centres aligned, as
/// <c>cv::resize</c> with <c>INTER_LINEAR</c>) in double precision, and a pixel belongs to the mask when its value is
/// strictly greater than <see cref="DetectOptions.MaskThreshold"/>: a probability of exactly 0.5 is not in a 0.5 mask.
/// Detections whose box covers no whole pixel are dropped.</para>
/// </remarks>
public static class MaskRcnnPostprocessor
{
    /// <summary>Number of values per detection row.</summary>
    public const int RowLength = 7;

    /// <summary>Decodes the detections of one image.</summary>
    /// <param name="detections">All rows of <c>detection_out_final</c>, <c>rows * 7</c> floats.</param>
    /// <param name="masks">All of <c>detection_masks</c>, <c>rows * maskClasses * maskSize * maskSize</c> floats.</param>
    /// <param name="maskClasses">Channels of the mask blob (the model's class count).</param>
    /// <param name="maskSize">Side S of each mask.</param>
    /// <param name="imageWidth">Width of the original image.</param>
    /// <param name="imageHeight">Height of the original image.</param>
    /// <param name="options">Thresholds, instance limit and class filter.</param>
    /// <param name="labels">Names for class ids; null names classes <c>class N</c>.</param>
    /// <exception cref="ModelOutputException">The tensors' sizes do not fit together or a class id has no mask channel.</exception>
    public static IReadOnlyList<Instance> Decode(ReadOnlySpan<float> detections, ReadOnlySpan<float> masks, int maskClasses, int maskSize,
        int imageWidth, int imageHeight, DetectOptions options, LabelMap? labels = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (imageWidth <= 0 || imageHeight <= 0)
            throw new ArgumentException($"Image size must be positive but is {imageWidth}x{imageHeight}.", nameof(imageWidth));
        if (detections.Length % RowLength != 0)
            throw new ModelOutputException($"detection_out_final has {detections.Length} values, not a multiple of {RowLength} (rows of [imageId, classId, score, x1, y1, x2, y2]).");
        var rows = detections.Length / RowLength;
        var perMask = maskSize * maskSize;
        if (maskClasses <= 0 || maskSize <= 0 || (long)rows * maskClasses * perMask != masks.Length)
            throw new ModelOutputException(
                $"detection_masks has {masks.Length} values but {rows} detection rows x {maskClasses} classes x {maskSize}x{maskSize} need {(long)rows * maskClasses * perMask}. " +
                "The two outputs must come from the same forward pass of one Mask R-CNN graph.");

        var candidates = new List<(int Row, float Score)>();
        for (var i = 0; i < rows; i++)
        {
            var row = detections.Slice(i * RowLength, RowLength);
            var score = row[2];
            if (!(score > 0f) || score < options.ScoreThreshold || float.IsNaN(score)) continue;
            var classValue = row[1];
            if (float.IsNaN(classValue) || classValue < 0) continue;
            var classId = (int)classValue;
            if (classId >= maskClasses)
                throw new ModelOutputException($"Detection row {i} has class id {classId} but detection_masks has only {maskClasses} class channels.");
            if (options.ClassIds is { } allowed && !allowed.Contains(classId)) continue;
            candidates.Add((i, score));
        }
        // Best first; equal scores keep the network's order.
        candidates.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.Row.CompareTo(b.Row));

        var instances = new List<Instance>(Math.Min(candidates.Count, options.MaxInstances));
        foreach (var (rowIndex, score) in candidates)
        {
            if (instances.Count >= options.MaxInstances) break;
            var row = detections.Slice(rowIndex * RowLength, RowLength);
            var boxF = ClipToImage(row[3], row[4], row[5], row[6], imageWidth, imageHeight);
            if (boxF is not { } box) continue;
            var rect = box.ToRect();
            if (rect.Width <= 0 || rect.Height <= 0) continue;
            var classId = (int)row[1];
            var map = masks.Slice((rowIndex * maskClasses + classId) * perMask, perMask).ToArray();
            // Every byte is written by the paste, so the array need not be zeroed first.
            var boxMask = GC.AllocateUninitializedArray<byte>(rect.Width * rect.Height);
            MaskPaster.Paste(map, maskSize, rect.Width, rect.Height, options.MaskThreshold, boxMask);
            var label = labels?.NameOf(classId) ?? $"class {classId}";
            instances.Add(new Instance(rowIndex, classId, label, score, box, rect, imageWidth, imageHeight, map, maskSize, boxMask));
        }
        return instances;
    }

    /// <summary>The box in pixels: each normalised corner clamped to 0..1 and multiplied by the image size in double
    /// precision, which is exact for a float times an int.</summary>
    private static BoxF? ClipToImage(float x1, float y1, float x2, float y2, int width, int height)
    {
        if (float.IsNaN(x1) || float.IsNaN(y1) || float.IsNaN(x2) || float.IsNaN(y2)) return null;
        var left = Math.Clamp(Math.Min(x1, x2), 0f, 1f) * (double)width;
        var right = Math.Clamp(Math.Max(x1, x2), 0f, 1f) * (double)width;
        var top = Math.Clamp(Math.Min(y1, y2), 0f, 1f) * (double)height;
        var bottom = Math.Clamp(Math.Max(y1, y2), 0f, 1f) * (double)height;
        return new BoxF(left, top, right, bottom);
    }
}
