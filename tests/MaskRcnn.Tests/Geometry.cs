using OpenCvSharp;

namespace MaskRcnn.Tests;

internal static class Geometry
{
    public static double BoxIoU(Rect a, Rect b)
    {
        var inter = a & b;
        if (inter.Width <= 0 || inter.Height <= 0) return 0;
        double i = inter.Width * inter.Height;
        return i / (a.Width * a.Height + b.Width * b.Height - i);
    }

    public static double MaskIoU(byte[] a, byte[] b)
    {
        Assert.Equal(a.Length, b.Length);
        long inter = 0, union = 0;
        for (var k = 0; k < a.Length; k++)
        {
            var x = a[k] != 0;
            var y = b[k] != 0;
            if (x && y) inter++;
            if (x || y) union++;
        }
        return union == 0 ? 1 : (double)inter / union;
    }
}
