using System.Globalization;
using System.Numerics;

namespace MaskRcnn.Coco;

/// <summary>
/// The few numeric conventions of NumPy and Python that pycocotools' results depend on, reproduced bit for bit.
/// </summary>
internal static class PyCompat
{
    private const int PairwiseBlock = 128;
    private const int ReduceChunk = 8192;

    /// <summary>
    /// <c>np.linspace(start, stop, num)</c> with <c>endpoint=True</c>: <c>i * ((stop - start) / (num - 1)) + start</c>
    /// with the last value set to <paramref name="stop"/>.
    /// </summary>
    public static double[] Linspace(double start, double stop, int num)
    {
        var result = new double[num];
        if (num == 1)
        {
            result[0] = start;
            return result;
        }

        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++)
        {
            result[i] = (i * step) + start;
        }

        result[num - 1] = stop;
        return result;
    }

    /// <summary>
    /// <c>np.mean</c> of a float64 array: NumPy's reduction adds blocks of 8192 values, each summed pairwise, and
    /// divides by the count. Returns NaN for no values.
    /// </summary>
    public static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        for (int start = 0; start < values.Length; start += ReduceChunk)
        {
            sum += PairwiseSum(values.Slice(start, Math.Min(ReduceChunk, values.Length - start)));
        }

        return sum / values.Length;
    }

    /// <summary>Python's <c>'{:0.Nf}'.format(value)</c>: round half to even on the exact binary value.</summary>
    public static string FormatFixed(double value, int digits)
    {
        if (!double.IsFinite(value))
        {
            return double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
        }

        bool negative = value < 0 || (value == 0 && double.IsNegative(value));
        double magnitude = Math.Abs(value);

        // magnitude = mantissa * 2^exponent exactly.
        long bits = BitConverter.DoubleToInt64Bits(magnitude);
        int rawExponent = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (rawExponent == 0)
        {
            rawExponent = 1;
        }
        else
        {
            mantissa |= 1L << 52;
        }

        int exponent = rawExponent - 1075;
        BigInteger numerator = new BigInteger(mantissa) * BigInteger.Pow(10, digits);
        BigInteger denominator = BigInteger.One;
        if (exponent >= 0)
        {
            numerator <<= exponent;
        }
        else
        {
            denominator <<= -exponent;
        }

        BigInteger quotient = BigInteger.DivRem(numerator, denominator, out BigInteger remainder);
        int compare = (remainder * 2).CompareTo(denominator);
        if (compare > 0 || (compare == 0 && !quotient.IsEven))
        {
            quotient += 1;
        }

        string text = quotient.ToString(CultureInfo.InvariantCulture).PadLeft(digits + 1, '0');
        string result = digits == 0 ? text : string.Concat(text.AsSpan(0, text.Length - digits), ".", text.AsSpan(text.Length - digits));
        return negative ? "-" + result : result;
    }

    private static double PairwiseSum(ReadOnlySpan<double> a)
    {
        int n = a.Length;
        if (n < 8)
        {
            double res = 0;
            for (int i = 0; i < n; i++)
            {
                res += a[i];
            }

            return res;
        }

        if (n <= PairwiseBlock)
        {
            double r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7];
            int i;
            for (i = 8; i < n - (n % 8); i += 8)
            {
                r0 += a[i + 0];
                r1 += a[i + 1];
                r2 += a[i + 2];
                r3 += a[i + 3];
                r4 += a[i + 4];
                r5 += a[i + 5];
                r6 += a[i + 6];
                r7 += a[i + 7];
            }

            double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++)
            {
                res += a[i];
            }

            return res;
        }

        int n2 = n / 2;
        n2 -= n2 % 8;
        return PairwiseSum(a[..n2]) + PairwiseSum(a[n2..]);
    }
}
