using System.Collections.ObjectModel;
using System.Globalization;

namespace MaskRcnn.Coco;

/// <summary>
/// A COCO <c>segmentation</c> value: polygons, a compressed RLE or an uncompressed RLE. Immutable.
/// </summary>
public sealed class CocoSegmentation
{
    private static readonly ReadOnlyCollection<IReadOnlyList<double>> NoPolygons = new([]);

    private CocoSegmentation(CocoSegmentationKind kind, ReadOnlyCollection<IReadOnlyList<double>> polygons, CocoRle? rle)
    {
        Kind = kind;
        Polygons = polygons;
        Rle = rle;
    }

    /// <summary>Gets which form the segmentation has.</summary>
    public CocoSegmentationKind Kind { get; }

    /// <summary>
    /// Gets the polygons (each <c>[x0, y0, x1, y1, ...]</c>) when <see cref="Kind"/> is
    /// <see cref="CocoSegmentationKind.Polygons"/>; otherwise an empty list.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<double>> Polygons { get; }

    /// <summary>
    /// Gets the mask when <see cref="Kind"/> is <see cref="CocoSegmentationKind.Rle"/> or
    /// <see cref="CocoSegmentationKind.UncompressedRle"/> (its size is the RLE's own <c>size</c>); otherwise
    /// <see langword="null"/>.
    /// </summary>
    public CocoRle? Rle { get; }

    /// <summary>Creates a polygon segmentation. The coordinates are copied.</summary>
    /// <param name="polygons">The polygons, each a flat list <c>[x0, y0, x1, y1, ...]</c>.</param>
    /// <returns>The segmentation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="polygons"/> or one of its items is null.</exception>
    public static CocoSegmentation FromPolygons(IEnumerable<IEnumerable<double>> polygons)
    {
        ArgumentNullException.ThrowIfNull(polygons);
        var list = new List<IReadOnlyList<double>>();
        foreach (var polygon in polygons)
        {
            ArgumentNullException.ThrowIfNull(polygon, nameof(polygons));
            list.Add(Array.AsReadOnly(polygon.ToArray()));
        }

        return new CocoSegmentation(CocoSegmentationKind.Polygons, list.AsReadOnly(), null);
    }

    /// <summary>Creates an RLE segmentation.</summary>
    /// <param name="rle">The mask.</param>
    /// <param name="compressed">
    /// <see langword="true"/> (the default) to write it with a compressed <c>counts</c> string, <see langword="false"/>
    /// to write the run lengths as an integer list.
    /// </param>
    /// <returns>The segmentation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rle"/> is null.</exception>
    public static CocoSegmentation FromRle(CocoRle rle, bool compressed = true)
    {
        ArgumentNullException.ThrowIfNull(rle);
        return new CocoSegmentation(compressed ? CocoSegmentationKind.Rle : CocoSegmentationKind.UncompressedRle, NoPolygons, rle);
    }

    /// <summary>
    /// Converts the segmentation to a mask as pycocotools' <c>COCO.annToRLE</c> does: polygons are rasterised at the
    /// image size and merged into one mask; an RLE is returned as it is, with its own size.
    /// </summary>
    /// <remarks>
    /// As in pycocotools' <c>frPyObjects</c>, a polygon list whose first entry has exactly four numbers is read as a
    /// list of <c>[x, y, w, h]</c> boxes. An empty polygon list gives an all-zero mask (pycocotools fails on it).
    /// </remarks>
    /// <param name="imageHeight">The image height, used for polygons.</param>
    /// <param name="imageWidth">The image width, used for polygons.</param>
    /// <returns>The mask.</returns>
    /// <exception cref="FormatException">A polygon is malformed (fewer than four numbers in the first one, an empty polygon, or mixed boxes).</exception>
    /// <exception cref="ArgumentException">A coordinate is invalid or the size is negative.</exception>
    public CocoRle ToRle(int imageHeight, int imageWidth)
    {
        if (Rle is not null)
        {
            return Rle;
        }

        if (Polygons.Count == 0)
        {
            return CocoRle.Empty(imageHeight, imageWidth);
        }

        int first = Polygons[0].Count;
        if (first == 4)
        {
            var boxes = new List<CocoRle>(Polygons.Count);
            for (int i = 0; i < Polygons.Count; i++)
            {
                var p = Polygons[i];
                if (p.Count != 4)
                {
                    throw new FormatException(
                        string.Create(CultureInfo.InvariantCulture, $"The first polygon has four numbers, so every entry is read as a box [x, y, w, h], but entry {i} has {p.Count}."));
                }

                boxes.Add(CocoRle.FromBox(new CocoBox(p[0], p[1], p[2], p[3]), imageHeight, imageWidth));
            }

            return CocoRle.Merge(boxes);
        }

        if (first < 4)
        {
            throw new FormatException(
                string.Create(CultureInfo.InvariantCulture, $"The first polygon has {first} numbers; a polygon needs at least three vertices (six numbers)."));
        }

        CocoRle? result = null;
        double[] buffer = [];
        for (int i = 0; i < Polygons.Count; i++)
        {
            var p = Polygons[i];
            if (p.Count < 2)
            {
                throw new FormatException(
                    string.Create(CultureInfo.InvariantCulture, $"Polygon {i} has {p.Count} numbers; it needs at least one vertex."));
            }

            if (buffer.Length != p.Count)
            {
                buffer = new double[p.Count];
            }

            for (int j = 0; j < p.Count; j++)
            {
                buffer[j] = p[j];
            }

            var rle = CocoRle.FromPolygon(buffer, imageHeight, imageWidth);
            result = result is null ? rle : CocoRle.Merge([result, rle]);
        }

        return result!;
    }

    /// <summary>Describes the segmentation.</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => Kind == CocoSegmentationKind.Polygons
        ? string.Create(CultureInfo.InvariantCulture, $"Polygons ({Polygons.Count})")
        : string.Create(CultureInfo.InvariantCulture, $"{Kind} {Rle!.Height}x{Rle.Width}");
}
