namespace MaskRcnn.Coco;

/// <summary>An object-area range of the evaluation, both ends inclusive, with its label.</summary>
/// <param name="Label">The label used by the summary (<c>all</c>, <c>small</c>, <c>medium</c>, <c>large</c>).</param>
/// <param name="Min">Smallest area in the range.</param>
/// <param name="Max">Largest area in the range.</param>
public sealed record CocoAreaRange(string Label, double Min, double Max)
{
    /// <summary>Gets whether an area lies outside the range (pycocotools' <c>area &lt; min or area &gt; max</c>).</summary>
    /// <param name="area">The area.</param>
    /// <returns><see langword="true"/> when outside.</returns>
    public bool Excludes(double area) => area < Min || area > Max;
}
