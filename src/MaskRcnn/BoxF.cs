using OpenCvSharp;

namespace MaskRcnn;

/// <summary>
/// A box in image pixel coordinates, corners (<see cref="X1"/>, <see cref="Y1"/>) inclusive and
/// (<see cref="X2"/>, <see cref="Y2"/>) exclusive, where pixel (i, j) covers [i, i+1) x [j, j+1).
/// </summary>
/// <param name="X1">Left edge.</param>
/// <param name="Y1">Top edge.</param>
/// <param name="X2">Right edge.</param>
/// <param name="Y2">Bottom edge.</param>
public readonly record struct BoxF(float X1, float Y1, float X2, float Y2)
{
    /// <summary>Width (0 when degenerate).</summary>
    public float Width => Math.Max(0, X2 - X1);

    /// <summary>Height (0 when degenerate).</summary>
    public float Height => Math.Max(0, Y2 - Y1);

    /// <summary>Area.</summary>
    public float Area => Width * Height;

    /// <summary>The pixels the box covers: each edge rounded to the nearest pixel boundary.</summary>
    public Rect ToRect()
    {
        var left = (int)MathF.Round(X1, MidpointRounding.AwayFromZero);
        var top = (int)MathF.Round(Y1, MidpointRounding.AwayFromZero);
        var right = (int)MathF.Round(X2, MidpointRounding.AwayFromZero);
        var bottom = (int)MathF.Round(Y2, MidpointRounding.AwayFromZero);
        return new Rect(left, top, Math.Max(0, right - left), Math.Max(0, bottom - top));
    }

    /// <summary>Intersection over union with another box.</summary>
    public float IoU(BoxF other)
    {
        var iw = Math.Min(X2, other.X2) - Math.Max(X1, other.X1);
        var ih = Math.Min(Y2, other.Y2) - Math.Max(Y1, other.Y1);
        if (iw <= 0 || ih <= 0) return 0;
        var inter = iw * ih;
        return inter / (Area + other.Area - inter);
    }
}
