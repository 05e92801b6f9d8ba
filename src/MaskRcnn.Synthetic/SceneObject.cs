using OpenCvSharp;

namespace MaskRcnn.Synthetic;

/// <summary>One object as it was requested from a <see cref="SceneBuilder"/>.</summary>
/// <param name="Shape">The kind of shape.</param>
/// <param name="Band">The gray band (0 = darkest) the object is drawn in; see <see cref="SyntheticPalette.Gray"/>.</param>
/// <param name="ClassId">The class id (0-based, as in <c>detection_out_final</c>) a synthetic model reports for the band.</param>
/// <param name="Box">For rectangles and ellipses, the box the shape fills or is inscribed in (pixels <c>X..X+Width-1</c>,
/// <c>Y..Y+Height-1</c>); for polygons, the bounding box of the vertices.</param>
/// <param name="Points">The polygon vertices in pixel coordinates; null for rectangles and ellipses.</param>
public sealed record SceneObject(SceneShape Shape, int Band, int ClassId, Rect Box, IReadOnlyList<Point>? Points = null);
