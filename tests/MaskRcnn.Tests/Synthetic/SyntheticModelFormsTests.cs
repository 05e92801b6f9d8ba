using System.Text;
using MaskRcnn.Synthetic;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace MaskRcnn.Tests.Synthetic;

/// <summary>The three forms a synthetic model comes in load with OpenCV and compute the same thing.</summary>
public sealed class SyntheticModelFormsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "maskrcnn-forms-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(90)]
    public void Frozen_file_split_files_and_byte_arrays_give_identical_outputs(int numClasses)
    {
        var options = new SyntheticModelOptions { NumClasses = numClasses };
        var model = SyntheticModelBuilder.Build(options);
        var files = model.WriteTo(_directory);
        var scene = SceneGenerator.Random(new Size(640, 480), objectCount: 5, seed: numClasses, options);
        using var image = scene.ToMat();

        using var frozenFile = CvDnn.ReadNetFromTensorflow(files.FrozenGraph)!;
        using var splitFiles = CvDnn.ReadNetFromTensorflow(files.Weights, files.TextGraph)!;
        using var splitBytes = CvDnn.ReadNetFromTensorflow(model.WeightsBytes(), Encoding.UTF8.GetBytes(model.TextGraphText()))!;
        using var frozenBytes = CvDnn.ReadNetFromTensorflow(model.FrozenGraphBytes())!;
        var nets = new[] { frozenFile, splitFiles, splitBytes, frozenBytes };
        foreach (var net in nets)
        {
            Assert.False(net.Empty());
            Assert.Contains("detection_out_final", net.GetLayerNames());
            Assert.Contains("detection_masks", net.GetLayerNames());
        }

        var outputs = nets.Select(n => NetOutput.Run(n, image, new Size(800, 800))).ToArray();

        var reference = outputs[0];
        Assert.Equal([1, 1, 100, 7], reference.DetectionShape);
        Assert.Equal([100, numClasses, options.MaskSize, options.MaskSize], reference.MaskShape);
        Assert.Equal(scene.Objects.Count, MaskDecoder.Decode(reference, scene.Width, scene.Height).Count);
        for (var k = 1; k < outputs.Length; k++)
        {
            Assert.Equal(reference.DetectionShape, outputs[k].DetectionShape);
            Assert.Equal(reference.MaskShape, outputs[k].MaskShape);
            AssertBitwiseEqual(reference.Detections, outputs[k].Detections, $"form {k} detection_out_final");
            AssertBitwiseEqual(reference.Masks, outputs[k].Masks, $"form {k} detection_masks");
        }
    }

    [Fact]
    public void The_weights_file_alone_loads_as_an_empty_net()
    {
        var files = SyntheticModelBuilder.Build().WriteTo(_directory);
        using var net = CvDnn.ReadNetFromTensorflow(files.Weights)!;
        Assert.True(net.Empty());
    }

    private static void AssertBitwiseEqual(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}[{i}]: {actual[i]:R}, expected {expected[i]:R}");
        }
    }
}
