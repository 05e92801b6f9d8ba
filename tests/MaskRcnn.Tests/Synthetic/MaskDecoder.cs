using System.Runtime.InteropServices;
using OpenCvSharp;

namespace MaskRcnn.Tests.Synthetic;

/// <summary>
/// Turns the raw outputs into detections the way OpenCV's <c>samples/dnn/mask_rcnn.py</c> does: keep rows whose score
/// passes the threshold, scale the normalized box by the original image size, take the mask channel of the row's class,
/// resize it (S x S) to the box with bilinear interpolation (<see cref="Cv2.Resize"/>, <see cref="InterpolationFlags.Linear"/>),
/// threshold it at 0.5 and paste it into the image.
/// </summary>
/// <remarks>
/// One deliberate difference: the sample truncates the box with <c>int()</c> and treats right/bottom as inclusive
/// (it resizes to <c>right - left + 1</c> by <c>bottom - top + 1</c>), which makes every mask one pixel wider and taller
/// than the box (two when a coordinate comes out a hair under a whole pixel, e.g. 159.99). Here box edges are computed
/// in double precision and rounded to the nearest pixel, halves up, and right/bottom are exclusive, so a box [x1, x2)
/// covers exactly x2 - x1 pixels: the library's documented rule.
/// </remarks>
internal static class MaskDecoder
{
    public static List<Detection> Decode(NetOutput output, int imageWidth, int imageHeight, float scoreThreshold = 0f)
    {
        var detections = new List<Detection>();
        for (var i = 0; i < output.RowCount; i++)
        {
            var row = output.Row(i);
            var score = row[2];
            if (!(score > scoreThreshold)) continue;
            var classId = (int)row[1];
            double x1 = row[3] * (double)imageWidth, y1 = row[4] * (double)imageHeight, x2 = row[5] * (double)imageWidth, y2 = row[6] * (double)imageHeight;
            var left = Math.Clamp(RoundHalfUp(x1), 0, imageWidth);
            var top = Math.Clamp(RoundHalfUp(y1), 0, imageHeight);
            var right = Math.Clamp(RoundHalfUp(x2), 0, imageWidth);
            var bottom = Math.Clamp(RoundHalfUp(y2), 0, imageHeight);
            var mask = new byte[imageWidth * imageHeight];
            if (right > left && bottom > top)
                Paste(output.MaskChannel(i, classId), output.MaskSize, mask, imageWidth, left, top, right - left, bottom - top);
            detections.Add(new Detection(i, classId, score, new Rect2d(x1, y1, x2 - x1, y2 - y1), mask));
        }
        return detections;
    }

    /// <summary>The documented rule: the nearest integer, halves up, on the double-precision edge.</summary>
    private static int RoundHalfUp(double v) => (int)(v - Math.Floor(v) >= 0.5 ? Math.Floor(v) + 1 : Math.Floor(v));

    private static void Paste(float[] channel, int s, byte[] into, int imageWidth, int left, int top, int width, int height)
    {
        using var small = new Mat(s, s, MatType.CV_32FC1);
        Marshal.Copy(channel, 0, small.Data, channel.Length);
        using var resized = new Mat();
        Cv2.Resize(small, resized, new Size(width, height), 0, 0, InterpolationFlags.Linear);
        var values = new float[width * height];
        Marshal.Copy(resized.Data, values, 0, values.Length);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                into[(top + y) * imageWidth + left + x] = values[y * width + x] > 0.5f ? (byte)1 : (byte)0;
    }
}
