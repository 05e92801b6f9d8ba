using OpenCvSharp;

namespace MaskRcnn.Tests.Synthetic;

/// <summary>Intersection over union of boxes and masks.</summary>
internal static class Overlap
{
    /// <summary>IoU of a detected box and a ground-truth pixel box (pixels X..X+Width-1, i.e. [X, X+Width)).</summary>
    public static double Box(Rect2d a, Rect b)
    {
        var ix = Math.Max(0, Math.Min(a.X + a.Width, b.X + b.Width) - Math.Max(a.X, b.X));
        var iy = Math.Max(0, Math.Min(a.Y + a.Height, b.Y + b.Height) - Math.Max(a.Y, b.Y));
        var inter = ix * iy;
        var union = a.Width * a.Height + (double)b.Width * b.Height - inter;
        return union <= 0 ? 0 : inter / union;
    }

    public static double Mask(byte[] a, byte[] b)
    {
        Assert.Equal(a.Length, b.Length);
        long inter = 0, union = 0;
        for (var i = 0; i < a.Length; i++)
        {
            bool x = a[i] != 0, y = b[i] != 0;
            if (x && y) inter++;
            if (x || y) union++;
        }
        return union == 0 ? 1 : (double)inter / union;
    }
}
