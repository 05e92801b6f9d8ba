namespace MaskRcnn.Coco;

/// <summary>The three forms a COCO <c>segmentation</c> value can take.</summary>
public enum CocoSegmentationKind
{
    /// <summary>A list of polygons, each a flat list <c>[x0, y0, x1, y1, ...]</c>.</summary>
    Polygons,

    /// <summary>A compressed RLE: <c>{"size": [h, w], "counts": "string"}</c>.</summary>
    Rle,

    /// <summary>An uncompressed RLE: <c>{"size": [h, w], "counts": [int, ...]}</c> (used for crowd regions).</summary>
    UncompressedRle,
}
