using System.Globalization;

namespace MaskRcnn.Coco;

/// <summary>
/// An axis-aligned box in COCO's <c>[x, y, width, height]</c> convention: <see cref="X"/> and <see cref="Y"/> are the
/// left and top edges in pixels, so a box covering exactly pixel column 3 has <c>X = 3</c> and <c>Width = 1</c>.
/// </summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
public readonly record struct CocoBox(double X, double Y, double Width, double Height)
{
    /// <summary>Gets <c>Width * Height</c>, the value pycocotools uses as a box result's area.</summary>
    public double Area => Width * Height;

    /// <summary>Gets the right edge, <c>X + Width</c>.</summary>
    public double Right => X + Width;

    /// <summary>Gets the bottom edge, <c>Y + Height</c>.</summary>
    public double Bottom => Y + Height;

    /// <summary>Creates a box from its corners <c>(x1, y1)</c> (top left) and <c>(x2, y2)</c> (bottom right).</summary>
    /// <param name="x1">Left edge.</param>
    /// <param name="y1">Top edge.</param>
    /// <param name="x2">Right edge.</param>
    /// <param name="y2">Bottom edge.</param>
    /// <returns>The box <c>[x1, y1, x2 - x1, y2 - y1]</c>.</returns>
    public static CocoBox FromCorners(double x1, double y1, double x2, double y2) => new(x1, y1, x2 - x1, y2 - y1);

    /// <summary>Formats the box as <c>[x, y, w, h]</c> with invariant culture.</summary>
    /// <returns>The text form.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{X}, {Y}, {Width}, {Height}]");
}
