namespace MaskRcnn.Synthetic;

/// <summary>The gray levels a synthetic model recognises: one band per class, on a background darker than
/// <see cref="BackgroundMax"/>.</summary>
public static class SyntheticPalette
{
    /// <summary>Most gray bands a model can tell apart.</summary>
    public const int MaxBands = 8;

    /// <summary>Brightest background gray that is still background.</summary>
    public const int BackgroundMax = 60;

    private const double Darkest = 115, Brightest = 242;

    /// <summary>The gray level (0..255) objects of band <paramref name="band"/> are drawn in.</summary>
    public static byte Gray(int band, int bandCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(band);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(band, bandCount);
        if (bandCount == 1) return 179;
        return (byte)Math.Round(Darkest + band * (Brightest - Darkest) / (bandCount - 1));
    }

    /// <summary>Gray above which a pixel is part of an object.</summary>
    public static double ObjectThreshold(int bandCount) => (BackgroundMax + Gray(0, bandCount)) / 2.0 + 2;

    /// <summary>The boundary between band <paramref name="band"/> - 1 and <paramref name="band"/> (band &gt;= 1).</summary>
    public static double BandThreshold(int band, int bandCount) => (Gray(band - 1, bandCount) + Gray(band, bandCount)) / 2.0;
}
