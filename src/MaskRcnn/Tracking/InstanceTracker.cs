namespace MaskRcnn.Tracking;

/// <summary>
/// Gives the instances of consecutive video frames ids that stay the same for the same object, so that an overlay can
/// draw each object in one colour (pass the ids to <see cref="Rendering.OverlayRenderer"/> as colour indices).
/// </summary>
/// <remarks>
/// <para>Each frame is matched against the previous one only. Candidate pairs are an instance of the previous frame and
/// one of the new frame with the same class id whose masks overlap with an IoU of at least <see cref="MinIoU"/>; pairs
/// are taken greedily, highest IoU first (ties: earlier previous instance, then earlier new instance), each instance
/// at most once. A matched instance keeps the id of its partner; every other instance gets a new id, in the order of
/// the frame's instances (highest score first). Ids count up from 0 and are never reused, so the result depends only
/// on the frames, in order.</para>
/// <para>An object missing from one frame is a new object when it comes back. Not thread-safe: feed frames in order
/// from one thread.</para>
/// </remarks>
public sealed class InstanceTracker
{
    /// <summary>The default <see cref="MinIoU"/>: 0.3.</summary>
    public const double DefaultMinIoU = 0.3;

    private IReadOnlyList<Instance> _previous = [];
    private int[] _previousIds = [];

    /// <summary>Creates a tracker.</summary>
    /// <param name="minIoU">The least mask IoU, above 0 and at most 1, for an instance to continue an object of the
    /// previous frame.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minIoU"/> is not in (0, 1].</exception>
    public InstanceTracker(double minIoU = DefaultMinIoU)
    {
        if (!(minIoU is > 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(minIoU), minIoU, "The least mask IoU must be above 0 and at most 1.");
        MinIoU = minIoU;
    }

    /// <summary>The least mask IoU for an instance to continue an object of the previous frame.</summary>
    public double MinIoU { get; }

    /// <summary>How many frames were passed to <see cref="Update"/> since the tracker was made or reset.</summary>
    public int FrameCount { get; private set; }

    /// <summary>How many ids were handed out: the id the next new object gets.</summary>
    public int IdCount { get; private set; }

    /// <summary>Matches the instances of the next frame to those of the previous frame.</summary>
    /// <param name="result">The detections of the next frame.</param>
    /// <returns>The id of each instance, in the order of <see cref="DetectionResult.Instances"/>.</returns>
    public IReadOnlyList<int> Update(DetectionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var current = result.Instances;
        var ids = new int[current.Count];
        Array.Fill(ids, -1);

        var pairs = new List<(double IoU, int Previous, int Current)>();
        for (var p = 0; p < _previous.Count; p++)
        {
            for (var c = 0; c < current.Count; c++)
            {
                if (_previous[p].ClassId != current[c].ClassId) continue;
                var iou = MaskIoU(_previous[p], current[c]);
                if (iou >= MinIoU) pairs.Add((iou, p, c));
            }
        }
        pairs.Sort((a, b) => b.IoU != a.IoU ? b.IoU.CompareTo(a.IoU) : a.Previous != b.Previous ? a.Previous.CompareTo(b.Previous) : a.Current.CompareTo(b.Current));
        var previousTaken = new bool[_previous.Count];
        foreach (var (_, p, c) in pairs)
        {
            if (previousTaken[p] || ids[c] >= 0) continue;
            previousTaken[p] = true;
            ids[c] = _previousIds[p];
        }
        for (var c = 0; c < ids.Length; c++)
            if (ids[c] < 0) ids[c] = IdCount++;

        _previous = current;
        _previousIds = ids;
        FrameCount++;
        return ids;
    }

    /// <summary>Forgets the previous frame and starts the ids again from 0 (e.g. for the next video).</summary>
    public void Reset()
    {
        _previous = [];
        _previousIds = [];
        FrameCount = 0;
        IdCount = 0;
    }

    /// <summary>The intersection over union of two instances' masks (in image pixels); 0 when both are empty.</summary>
    public static double MaskIoU(Instance a, Instance b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var union = (long)a.Area + b.Area;
        if (union == 0) return 0;
        int x0 = Math.Max(a.Box.X, b.Box.X), x1 = Math.Min(a.Box.X + a.Box.Width, b.Box.X + b.Box.Width);
        int y0 = Math.Max(a.Box.Y, b.Box.Y), y1 = Math.Min(a.Box.Y + a.Box.Height, b.Box.Y + b.Box.Height);
        long intersection = 0;
        if (x1 > x0 && y1 > y0)
        {
            var maskA = a.BoxMask;
            var maskB = b.BoxMask;
            for (var y = y0; y < y1; y++)
            {
                var rowA = maskA.Slice((y - a.Box.Y) * a.Box.Width + (x0 - a.Box.X), x1 - x0);
                var rowB = maskB.Slice((y - b.Box.Y) * b.Box.Width + (x0 - b.Box.X), x1 - x0);
                for (var x = 0; x < rowA.Length; x++)
                    if (rowA[x] != 0 && rowB[x] != 0) intersection++;
            }
        }
        return (double)intersection / (union - intersection);
    }
}
