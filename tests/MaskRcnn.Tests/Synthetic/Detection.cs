using OpenCvSharp;

namespace MaskRcnn.Tests.Synthetic;

/// <summary>One decoded detection: the row's values in image pixels and its full-image mask.</summary>
/// <param name="Row">Row index in <c>detection_out_final</c> (and in <c>detection_masks</c>).</param>
/// <param name="ClassId">0-based class id.</param>
/// <param name="Score">Confidence.</param>
/// <param name="Box">The box in image pixels, unrounded (x1, y1, x2 - x1, y2 - y1).</param>
/// <param name="Mask">Row-major full-image mask, 0 or 1.</param>
internal sealed record Detection(int Row, int ClassId, float Score, Rect2d Box, byte[] Mask);
