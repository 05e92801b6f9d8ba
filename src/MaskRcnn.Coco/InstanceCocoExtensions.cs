namespace MaskRcnn.Coco;

/// <summary>Converts detected instances to COCO forms.</summary>
public static class InstanceCocoExtensions
{
    /// <summary>
    /// The instance's full-image mask as a COCO RLE, built straight from the box mask (no full-image buffer): runs go
    /// down each column, as pycocotools stores them.
    /// </summary>
    public static CocoRle ToCocoRle(this Instance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var (w, h) = (instance.ImageWidth, instance.ImageHeight);
        var box = instance.Box;
        var mask = instance.BoxMask;
        var counts = new List<int>(2 * box.Width + 2);
        var current = 0;
        long run = 0;
        void Add(int value, long length)
        {
            if (length == 0) return;
            if (value != current)
            {
                counts.Add(checked((int)run));
                current = value;
                run = 0;
            }
            run += length;
        }
        Add(0, (long)box.X * h);
        for (var x = 0; x < box.Width; x++)
        {
            Add(0, box.Y);
            for (var y = 0; y < box.Height; y++) Add(mask[y * box.Width + x] != 0 ? 1 : 0, 1);
            Add(0, h - box.Y - box.Height);
        }
        Add(0, (long)(w - box.X - box.Width) * h);
        counts.Add(checked((int)run));
        return CocoRle.FromCounts(counts.ToArray(), h, w);
    }

    /// <summary>The instance as a COCO result (box <c>[x, y, w, h]</c> from <see cref="Instance.BoxF"/>, mask as RLE).</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="imageId">The COCO image id.</param>
    /// <param name="categoryId">The COCO category id; for the zoo models the class id + 1 (see <see cref="CocoCategoryMap"/>).</param>
    public static CocoResult ToCocoResult(this Instance instance, long imageId, long categoryId)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var b = instance.BoxF;
        return CocoResult.FromMask(imageId, categoryId, instance.Score, instance.ToCocoRle(), new CocoBox(b.X1, b.Y1, b.Width, b.Height));
    }
}
