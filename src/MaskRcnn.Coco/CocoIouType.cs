namespace MaskRcnn.Coco;

/// <summary>What the evaluator compares detections and ground truth by (pycocotools' <c>iouType</c>).</summary>
public enum CocoIouType
{
    /// <summary>Box IoU (<c>'bbox'</c>).</summary>
    Bbox,

    /// <summary>Mask IoU on run-length encodings (<c>'segm'</c>).</summary>
    Segm,
}
