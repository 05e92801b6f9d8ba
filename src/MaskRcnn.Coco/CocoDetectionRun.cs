namespace MaskRcnn.Coco;

/// <summary>What one run of a detector over a COCO dataset produced.</summary>
/// <param name="ImagesProcessed">Images detected in.</param>
/// <param name="Failures">Images that could not be processed, with the reason.</param>
/// <param name="ResultCount">Detections written.</param>
/// <param name="Bbox">Box evaluation.</param>
/// <param name="Segm">Mask evaluation.</param>
public sealed record CocoDetectionRun(int ImagesProcessed, IReadOnlyList<(string Image, string Error)> Failures, long ResultCount,
    CocoEvaluationResult Bbox, CocoEvaluationResult Segm);
