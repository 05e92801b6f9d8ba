using System.Runtime.InteropServices;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace MaskRcnn.Tests.Synthetic;

/// <summary>The two output blobs of a Mask R-CNN forward pass, copied into managed arrays.</summary>
internal sealed class NetOutput
{
    private NetOutput(float[] detections, int[] detectionShape, float[] masks, int[] maskShape)
    {
        Detections = detections;
        DetectionShape = detectionShape;
        Masks = masks;
        MaskShape = maskShape;
    }

    /// <summary><c>detection_out_final</c>, [1, 1, N, 7] row-major.</summary>
    public float[] Detections { get; }

    public int[] DetectionShape { get; }

    /// <summary><c>detection_masks</c>, [N, classes, S, S] row-major.</summary>
    public float[] Masks { get; }

    public int[] MaskShape { get; }

    public int RowCount => DetectionShape[2];

    public int NumClasses => MaskShape[1];

    public int MaskSize => MaskShape[2];

    public ReadOnlySpan<float> Row(int i) => Detections.AsSpan(i * 7, 7);

    /// <summary>The S x S probabilities of row <paramref name="row"/>, channel <paramref name="classId"/>.</summary>
    public float[] MaskChannel(int row, int classId)
    {
        var s = MaskSize;
        return Masks.AsSpan((row * NumClasses + classId) * s * s, s * s).ToArray();
    }

    /// <summary>Feeds <paramref name="image"/> resized to <paramref name="inputSize"/> (no crop, RGB order, 0..255) and
    /// asks for both outputs by name in one forward pass.</summary>
    public static NetOutput Run(Net net, Mat image, Size inputSize)
    {
        using var blob = CvDnn.BlobFromImage(image, 1.0, inputSize, new Scalar(), swapRB: true, crop: false);
        net.SetInput(blob, "image_tensor");
        var outs = new[] { new Mat(), new Mat() };
        try
        {
            net.Forward(outs, ["detection_out_final", "detection_masks"]);
            return new NetOutput(Copy(outs[0]), Shape(outs[0]), Copy(outs[1]), Shape(outs[1]));
        }
        finally
        {
            foreach (var m in outs) m.Dispose();
        }
    }

    private static int[] Shape(Mat m) => Enumerable.Range(0, m.Dims).Select(m.Size).ToArray();

    private static float[] Copy(Mat m)
    {
        Assert.Equal(MatType.CV_32FC1, m.Type());
        Assert.True(m.IsContinuous());
        var data = new float[m.Total()];
        Marshal.Copy(m.Data, data, 0, data.Length);
        return data;
    }
}
