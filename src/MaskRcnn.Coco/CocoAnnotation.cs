namespace MaskRcnn.Coco;

/// <summary>A ground-truth object: an entry of a COCO file's <c>annotations</c> list.</summary>
/// <param name="Id">The annotation id (<c>id</c>). COCO's crowd annotations use ids beyond 32 bits.</param>
/// <param name="ImageId">The image it belongs to (<c>image_id</c>).</param>
/// <param name="CategoryId">Its category (<c>category_id</c>).</param>
/// <param name="Segmentation">Its region (<c>segmentation</c>), or <see langword="null"/> when absent.</param>
/// <param name="Area">
/// Its area (<c>area</c>) as stored in the file; the evaluator uses this value for the small/medium/large ranges.
/// </param>
/// <param name="Bbox">Its box (<c>bbox</c>), or <see langword="null"/> when absent.</param>
/// <param name="IsCrowd">Whether it marks a crowd region (<c>iscrowd</c>); crowd regions are ignored when evaluating.</param>
public sealed record CocoAnnotation(
    long Id,
    long ImageId,
    long CategoryId,
    CocoSegmentation? Segmentation,
    double Area,
    CocoBox? Bbox,
    bool IsCrowd = false);
