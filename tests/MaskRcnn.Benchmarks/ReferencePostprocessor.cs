using OpenCvSharp;

namespace MaskRcnn.Benchmarks;

/// <summary>
/// Post-processing written the way OpenCV's Mask R-CNN sample and typical blog code do it, for comparison: per
/// instance, <c>Cv2.Resize</c> the class channel to the box, threshold, copy into a full-image Mat, and
/// <c>FindContours</c> for the outline.
/// </summary>
public static class ReferencePostprocessor
{
    /// <summary>One decoded instance: class, score, box, full-image mask Mat (caller disposes) and outline.</summary>
    public sealed record Result(int ClassId, float Score, Rect Box, Mat FullMask, Point[][] Contours);

    private static long _nativeBytes;

    /// <summary>Bytes of native Mat memory the reference has allocated so far (BenchmarkDotNet counts managed memory only).</summary>
    public static long NativeBytes => Interlocked.Read(ref _nativeBytes);

    /// <summary>Decodes rows above the threshold; masks are read from the row's own index.</summary>
    public static List<Result> Decode(Mat detections, Mat masks, int width, int height, float scoreThreshold, float maskThreshold)
    {
        var results = new List<Result>();
        var rows = detections.Size(2);
        var classes = masks.Size(1);
        var s = masks.Size(2);
        using var det = detections.Reshape(1, rows);
        for (var i = 0; i < rows; i++)
        {
            var score = det.At<float>(i, 2);
            if (score <= scoreThreshold) continue;
            var classId = (int)det.At<float>(i, 1);
            var left = Math.Clamp((int)(width * det.At<float>(i, 3)), 0, width - 1);
            var top = Math.Clamp((int)(height * det.At<float>(i, 4)), 0, height - 1);
            var right = Math.Clamp((int)(width * det.At<float>(i, 5)), 0, width - 1);
            var bottom = Math.Clamp((int)(height * det.At<float>(i, 6)), 0, height - 1);
            var box = new Rect(left, top, right - left + 1, bottom - top + 1);

            using var channel = Mat.FromPixelData(s, s, MatType.CV_32FC1, masks.Ptr(i, classId));
            using var resized = new Mat();
            Cv2.Resize(channel, resized, box.Size);
            using var binary = new Mat();
            Cv2.Threshold(resized, binary, maskThreshold, 255, ThresholdTypes.Binary);
            using var mask8 = new Mat();
            binary.ConvertTo(mask8, MatType.CV_8UC1);
            var full = new Mat(height, width, MatType.CV_8UC1, Scalar.All(0));
            using (var roi = new Mat(full, box)) mask8.CopyTo(roi);
            Cv2.FindContours(mask8, out var contours, out _, RetrievalModes.External, ContourApproximationModes.ApproxSimple, box.Location);
            // resized and binary are float, mask8 and full are bytes; the channel view allocates nothing.
            Interlocked.Add(ref _nativeBytes, (long)box.Width * box.Height * (4 + 4 + 1) + (long)width * height);
            results.Add(new Result(classId, score, box, full, contours));
        }
        return results;
    }
}
