using MaskRcnn.Graph;

namespace MaskRcnn.Synthetic;

/// <summary>
/// A convolution tower with about the arithmetic of mask_rcnn_inception_v2's feature extractor (some 54 GFLOPs at
/// 800x800), added to the proposal grid through a zero-weight projection: the model's answers do not change, but
/// <c>Forward</c> costs what a real model's would, so the work around it can be measured against a realistic time.
/// </summary>
/// <remarks>
/// Seven 3x3 convolutions with Relu, four of them stride 2 (input / 16 at the end, the proposal grid's resolution).
/// Weights are seeded He-scaled noise so activations stay finite; OpenCV cannot skip the work, because nothing in the
/// graph tells it that the projection is zero until it has computed the tower.
/// </remarks>
public static class CostTower
{
    // (output channels, stride) of each 3x3 convolution; the input has 3 channels.
    private static readonly (int Channels, int Stride)[] Layers =
        [(64, 2), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1)];

    /// <summary>Floating-point operations of the tower (2 per multiply-add) for a network input of this size.</summary>
    public static double Flops(int inputWidth, int inputHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputHeight);
        double flops = 0;
        long w = inputWidth, h = inputHeight, cin = 3;
        foreach (var (cout, stride) in Layers)
        {
            // TF "SAME" padding: output side = ceil(input / stride).
            w = (w + stride - 1) / stride;
            h = (h + stride - 1) / stride;
            flops += 2.0 * w * h * cin * cout * 9;
            cin = cout;
        }
        return flops;
    }

    /// <summary>Appends the tower on <paramref name="input"/> and returns a node of <paramref name="channels"/> zeros
    /// at input / 16.</summary>
    internal static string Append(GraphBuilder g, string input, int channels)
    {
        var random = new Random(16);
        var x = input;
        var cin = 3;
        for (var i = 0; i < Layers.Length; i++)
        {
            var (cout, stride) = Layers[i];
            var scope = $"CostTower/Conv2d_{i}_3x3";
            var weights = new float[9 * cin * cout];
            var scale = Math.Sqrt(2.0 / (9 * cin));
            for (var k = 0; k < weights.Length; k++) weights[k] = (float)((random.NextDouble() * 2 - 1) * scale * Math.Sqrt(3));
            x = g.Unary(scope + "/Relu", "Relu", g.Conv(scope, x, weights, 3, 3, cin, cout, new float[cout], stride));
            cin = cout;
        }
        return g.Conv("CostTower/Projection", x, new float[cin * channels], 1, 1, cin, channels, new float[channels]);
    }
}
