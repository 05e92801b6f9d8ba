using OpenCvSharp;

namespace MaskRcnn;

/// <summary>
/// A box in image pixel coordinates (double precision), corners (<see cref="X1"/>, <see cref="Y1"/>) inclusive and
/// (<see cref="X2"/>, <see cref="Y2"/>) exclusive, where pixel (i, j) covers [i, i+1) x [j, j+1).
/// </summary>
/// <param name="X1">Left edge.</param>
/// <param name="Y1">Top edge.</param>
/// <param name="X2">Right edge.</param>
/// <param name="Y2">Bottom edge.</param>
public readonly record struct BoxF(double X1, double Y1, double X2, double Y2)
{
    /// <summary>Width (0 when degenerate).</summary>
    public double Width => Math.Max(0, X2 - X1);

    /// <summary>Height (0 when degenerate).</summary>
    public double Height => Math.Max(0, Y2 - Y1);

    /// <summary>Area.</summary>
    public double Area => Width * Height;

    /// <summary>
    /// The pixels the box covers: each edge rounded to the nearest pixel boundary, an edge exactly halfway going up
    /// (<c>floor(x + 0.5)</c>, the same as rounding halves away from zero for the non-negative coordinates of an image),
    /// so shifting a box by whole pixels shifts its pixels. Rounding is done on the double values: an edge at
    /// 697.49998 is 697, even though the nearest float is 697.5.
    /// </summary>
    public Rect ToRect()
    {
        var left = RoundEdge(X1);
        var top = RoundEdge(Y1);
        var right = RoundEdge(X2);
        var bottom = RoundEdge(Y2);
        return new Rect(left, top, Math.Max(0, right - left), Math.Max(0, bottom - top));
    }

    /// <summary>The nearest integer, halves up, saturated to the int range. <c>edge - floor(edge)</c> is exact, so
    /// unlike <c>floor(edge + 0.5)</c> no rounding can creep in.</summary>
    internal static int RoundEdge(double edge)
    {
        var floor = Math.Floor(edge);
        var rounded = edge - floor >= 0.5 ? floor + 1 : floor;
        return (int)Math.Clamp(rounded, int.MinValue, int.MaxValue);
    }

    /// <summary>Intersection over union with another box.</summary>
    public double IoU(BoxF other)
    {
        var iw = Math.Min(X2, other.X2) - Math.Max(X1, other.X1);
        var ih = Math.Min(Y2, other.Y2) - Math.Max(Y1, other.Y1);
        if (iw <= 0 || ih <= 0) return 0;
        var inter = iw * ih;
        return inter / (Area + other.Area - inter);
    }
}
