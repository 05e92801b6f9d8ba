using OpenCvSharp;

namespace MaskRcnn.Synthetic;

/// <summary>The exact ground truth of one object of a <see cref="Scene"/>: the pixels that show it in the image.</summary>
/// <param name="ClassId">The class id (0-based, as in <c>detection_out_final</c>) a synthetic model reports for the object.</param>
/// <param name="Band">The gray band the object is drawn in.</param>
/// <param name="Shape">The kind of shape.</param>
/// <param name="Box">The tight bounding box of <paramref name="Mask"/> (<c>X..X+Width-1</c> are the first and last columns
/// holding a mask pixel); empty when the object is entirely hidden by later objects.</param>
/// <param name="Mask">Row-major, one byte per image pixel: 1 where the image shows this object, else 0.</param>
/// <param name="Area">The number of mask pixels.</param>
/// <param name="Source">The object as requested.</param>
public sealed record GroundTruthObject(int ClassId, int Band, SceneShape Shape, Rect Box, byte[] Mask, int Area, SceneObject Source);
