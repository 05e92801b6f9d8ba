using MaskRcnn.Graph;
using MaskRcnn.Synthetic;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace MaskRcnn.Tests.Synthetic;

/// <summary>The cost-realistic variant computes the same answers as the plain model, only at a realistic cost.</summary>
public sealed class CostTowerTests
{
    [Fact]
    public void Flops_follow_the_layer_plan_and_are_of_the_real_models_order_at_800x800()
    {
        // 2 * out_w * out_h * cin * cout * 9 summed over the seven layers (sides 400, 200, 200, 100, 100, 50, 50).
        double expected = 2.0 * 9 * (400.0 * 400 * 3 * 64 + 200 * 200 * 64 * 128 + 200 * 200 * 128 * 128
            + 100 * 100 * 128 * 256 + 100 * 100 * 256 * 256 + 50 * 50 * 256 * 512 + 50 * 50 * 512 * 512);
        Assert.Equal(expected, CostTower.Flops(800, 800));
        Assert.InRange(CostTower.Flops(800, 800) / 1e9, 45, 65);
        // SAME padding rounds up: 1365 -> 683 -> 342 -> 171 -> 86, the proposal grid's ceil(1365 / 16).
        Assert.True(CostTower.Flops(1365, 800) > CostTower.Flops(1360, 800));
        Assert.Throws<ArgumentOutOfRangeException>(() => CostTower.Flops(0, 800));
    }

    [Fact]
    public void The_cost_tower_leaves_detections_and_masks_bitwise_unchanged()
    {
        var plain = SyntheticModelBuilder.Build(new SyntheticModelOptions());
        var costly = SyntheticModelBuilder.Build(new SyntheticModelOptions { RealisticForwardCost = true });
        Assert.True(costly.WeightsBytes().Length > 15_000_000, $"weights are {costly.WeightsBytes().Length} bytes");
        Assert.Contains(GraphDefText.Read(costly.TextGraphText()).Nodes, n => n.Op == "Add" && n.Name == "Grid/AddCostTower");

        var scene = SceneGenerator.Random(new Size(400, 400), objectCount: 4, seed: 7, plain.Options);
        using var image = scene.ToMat();
        using var plainNet = CvDnn.ReadNetFromTensorflow(plain.WeightsBytes(), System.Text.Encoding.UTF8.GetBytes(plain.TextGraphText()))!;
        using var costlyNet = CvDnn.ReadNetFromTensorflow(costly.WeightsBytes(), System.Text.Encoding.UTF8.GetBytes(costly.TextGraphText()))!;
        var a = NetOutput.Run(plainNet, image, new Size(400, 400));
        var b = NetOutput.Run(costlyNet, image, new Size(400, 400));

        Assert.Equal(scene.Objects.Count, MaskDecoder.Decode(a, scene.Width, scene.Height).Count);
        Assert.Equal(a.Detections, b.Detections);
        Assert.Equal(a.Masks, b.Masks);
    }
}
