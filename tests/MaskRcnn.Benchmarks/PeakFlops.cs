using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MaskRcnn.Benchmarks;

/// <summary>
/// This machine's float32 peak as a program can reach it: every core runs independent fused multiply-adds at the
/// widest vector width the CPU offers, with enough accumulators to hide FMA latency. The figure a convolution can at
/// best approach.
/// </summary>
public static class PeakFlops
{
    /// <summary>Vector width used, in float lanes (16 with AVX-512, 8 with AVX2+FMA, 0 when neither is there).</summary>
    public static int Lanes => Avx512F.IsSupported ? 16 : Fma.IsSupported ? 8 : 0;

    /// <summary>Measures the peak over all cores for about <paramref name="seconds"/>; GFLOP/s (2 per FMA lane).</summary>
    public static double MeasureGflops(double seconds = 1.0)
    {
        if (Lanes == 0) return double.NaN;
        var threads = Environment.ProcessorCount;
        var flops = new double[threads];
        var clock = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            long rounds = 0;
            var sink = 0f;
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                sink += Avx512F.IsSupported ? Run512(100_000) : Run256(100_000);
                rounds += 100_000;
            }
            // 12 accumulators x lanes x 2 flops per round; sink keeps the loop from being removed.
            flops[t] = rounds * 12.0 * Lanes * 2 + (sink == float.MaxValue ? 1 : 0);
        });
        return flops.Sum() / clock.Elapsed.TotalSeconds / 1e9;
    }

    private static float Run512(int rounds)
    {
        var a = Vector512.Create(0.999999f);
        var b = Vector512.Create(1e-7f);
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default,
            c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (var i = 0; i < rounds; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, a, b); c1 = Avx512F.FusedMultiplyAdd(c1, a, b);
            c2 = Avx512F.FusedMultiplyAdd(c2, a, b); c3 = Avx512F.FusedMultiplyAdd(c3, a, b);
            c4 = Avx512F.FusedMultiplyAdd(c4, a, b); c5 = Avx512F.FusedMultiplyAdd(c5, a, b);
            c6 = Avx512F.FusedMultiplyAdd(c6, a, b); c7 = Avx512F.FusedMultiplyAdd(c7, a, b);
            c8 = Avx512F.FusedMultiplyAdd(c8, a, b); c9 = Avx512F.FusedMultiplyAdd(c9, a, b);
            c10 = Avx512F.FusedMultiplyAdd(c10, a, b); c11 = Avx512F.FusedMultiplyAdd(c11, a, b);
        }
        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    private static float Run256(int rounds)
    {
        var a = Vector256.Create(0.999999f);
        var b = Vector256.Create(1e-7f);
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default,
            c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (var i = 0; i < rounds; i++)
        {
            c0 = Fma.MultiplyAdd(c0, a, b); c1 = Fma.MultiplyAdd(c1, a, b);
            c2 = Fma.MultiplyAdd(c2, a, b); c3 = Fma.MultiplyAdd(c3, a, b);
            c4 = Fma.MultiplyAdd(c4, a, b); c5 = Fma.MultiplyAdd(c5, a, b);
            c6 = Fma.MultiplyAdd(c6, a, b); c7 = Fma.MultiplyAdd(c7, a, b);
            c8 = Fma.MultiplyAdd(c8, a, b); c9 = Fma.MultiplyAdd(c9, a, b);
            c10 = Fma.MultiplyAdd(c10, a, b); c11 = Fma.MultiplyAdd(c11, a, b);
        }
        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}
