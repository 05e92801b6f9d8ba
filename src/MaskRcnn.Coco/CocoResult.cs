namespace MaskRcnn.Coco;

/// <summary>
/// One detection in a COCO results file:
/// <c>{"image_id", "category_id", "bbox": [x, y, w, h], "score", "segmentation": {"size": [h, w], "counts": "..."}}</c>,
/// the format pycocotools' <c>COCO.loadRes</c> reads.
/// </summary>
/// <param name="ImageId">The image (<c>image_id</c>); must be an image of the ground truth.</param>
/// <param name="CategoryId">The predicted category (<c>category_id</c>).</param>
/// <param name="Score">The confidence (<c>score</c>); detections are ranked by it.</param>
/// <param name="Bbox">The box (<c>bbox</c>), or <see langword="null"/> for a mask-only result.</param>
/// <param name="Segmentation">The mask (<c>segmentation</c>), or <see langword="null"/> for a box-only result.</param>
public sealed record CocoResult(long ImageId, long CategoryId, double Score, CocoBox? Bbox, CocoSegmentation? Segmentation = null)
{
    /// <summary>Creates a result from a mask, storing it as a compressed RLE (the form <c>loadRes</c> reads).</summary>
    /// <param name="imageId">The image.</param>
    /// <param name="categoryId">The predicted category.</param>
    /// <param name="score">The confidence.</param>
    /// <param name="mask">The mask, of the image's size.</param>
    /// <param name="bbox">The box to store, or <see langword="null"/> to leave <c>bbox</c> out.</param>
    /// <returns>The result.</returns>
    public static CocoResult FromMask(long imageId, long categoryId, double score, CocoRle mask, CocoBox? bbox = null) =>
        new(imageId, categoryId, score, bbox, CocoSegmentation.FromRle(mask));
}
