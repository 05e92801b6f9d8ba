using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MaskRcnn.Postprocessing;

/// <summary>
/// Resizes an S x S probability map to a box with bilinear interpolation and thresholds it, in managed code and one
/// pass. The sampling matches OpenCV's <c>cv::resize</c> with <c>INTER_LINEAR</c> on float data (pixel centres
/// aligned, source coordinate (d + 0.5) * S / n - 0.5, clamped at the edges), so the result equals the usual
/// "Cv2.Resize then threshold" decode without its native allocations.
/// </summary>
internal static class MaskPaster
{
    /// <summary>Writes <paramref name="width"/> x <paramref name="height"/> bytes (0/1) into <paramref name="destination"/>.</summary>
    public static void Paste(ReadOnlySpan<float> map, int size, int width, int height, float threshold, Span<byte> destination)
    {
        if (width <= 0 || height <= 0) return;
        if (map.Length < size * size) throw new ArgumentException("Mask map is smaller than size x size.", nameof(map));
        if (destination.Length < width * height) throw new ArgumentException("Destination is smaller than the box.", nameof(destination));

        Span<int> x0 = width <= 2048 ? stackalloc int[width] : new int[width];
        Span<float> ax = width <= 2048 ? stackalloc float[width] : new float[width];
        Coefficients(size, width, x0, ax);
        Span<float> rowA = width <= 2048 ? stackalloc float[width] : new float[width];
        Span<float> rowB = width <= 2048 ? stackalloc float[width] : new float[width];
        Span<int> y0 = height <= 2048 ? stackalloc int[height] : new int[height];
        Span<float> ay = height <= 2048 ? stackalloc float[height] : new float[height];
        Coefficients(size, height, y0, ay);

        var cachedA = -1;
        var cachedB = -1;
        for (var y = 0; y < height; y++)
        {
            var sy = y0[y];
            var sy1 = Math.Min(sy + 1, size - 1);
            // Horizontal pass per source row, reused while consecutive output rows share source rows.
            if (cachedA != sy)
            {
                if (cachedB == sy) rowB.CopyTo(rowA);
                else Horizontal(map.Slice(sy * size, size), x0, ax, rowA);
                cachedA = sy;
            }
            if (cachedB != sy1)
            {
                Horizontal(map.Slice(sy1 * size, size), x0, ax, rowB);
                cachedB = sy1;
            }
            var b1 = ay[y];
            Vertical(rowA, rowB, 1f - b1, b1, threshold, destination.Slice(y * width, width));
        }
    }

    /// <summary>Blends two horizontally resized rows and thresholds them into 0/1 bytes. The vector path does the same
    /// float multiplies and adds in the same order as the scalar tail, so the results are identical.</summary>
    private static void Vertical(ReadOnlySpan<float> rowA, ReadOnlySpan<float> rowB, float b0, float b1, float threshold, Span<byte> line)
    {
        var x = 0;
        if (Vector256.IsHardwareAccelerated && line.Length >= 32)
        {
            var w0 = Vector256.Create(b0);
            var w1 = Vector256.Create(b1);
            var t = Vector256.Create(threshold);
            var one = Vector256.Create((byte)1);
            ref var a = ref MemoryMarshal.GetReference(rowA);
            ref var b = ref MemoryMarshal.GetReference(rowB);
            ref var d = ref MemoryMarshal.GetReference(line);
            for (; x <= line.Length - 32; x += 32)
            {
                var m0 = Above(ref a, ref b, x, w0, w1, t);
                var m1 = Above(ref a, ref b, x + 8, w0, w1, t);
                var m2 = Above(ref a, ref b, x + 16, w0, w1, t);
                var m3 = Above(ref a, ref b, x + 24, w0, w1, t);
                // -1/0 lanes narrowed to bytes keep their order; masking with 1 gives 0/1.
                var bytes = Vector256.Narrow(Vector256.Narrow(m0, m1), Vector256.Narrow(m2, m3)).AsByte() & one;
                bytes.StoreUnsafe(ref d, (nuint)x);
            }
        }
        for (; x < line.Length; x++)
            line[x] = rowA[x] * b0 + rowB[x] * b1 > threshold ? (byte)1 : (byte)0;
    }

    private static Vector256<int> Above(ref float a, ref float b, int x, Vector256<float> w0, Vector256<float> w1, Vector256<float> threshold)
    {
        var value = Vector256.LoadUnsafe(ref a, (nuint)x) * w0 + Vector256.LoadUnsafe(ref b, (nuint)x) * w1;
        return Vector256.GreaterThan(value, threshold).AsInt32();
    }

    private static void Horizontal(ReadOnlySpan<float> row, ReadOnlySpan<int> x0, ReadOnlySpan<float> ax, Span<float> output)
    {
        var last = row.Length - 1;
        for (var x = 0; x < output.Length; x++)
        {
            var sx = x0[x];
            var a1 = ax[x];
            output[x] = row[sx] * (1f - a1) + row[Math.Min(sx + 1, last)] * a1;
        }
    }

    /// <summary>Source index and weight of the next source sample for each destination index.</summary>
    internal static void Coefficients(int sourceSize, int destinationSize, Span<int> index, Span<float> weight)
    {
        var scale = (double)sourceSize / destinationSize;
        for (var d = 0; d < destinationSize; d++)
        {
            var f = (float)((d + 0.5) * scale - 0.5);
            var s = (int)MathF.Floor(f);
            f -= s;
            if (s < 0)
            {
                s = 0;
                f = 0;
            }
            if (s >= sourceSize - 1)
            {
                s = sourceSize - 1;
                f = 0;
            }
            index[d] = s;
            weight[d] = f;
        }
    }
}
