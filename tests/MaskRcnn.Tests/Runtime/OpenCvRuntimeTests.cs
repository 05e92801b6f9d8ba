using System.Runtime.InteropServices;
using MaskRcnn.Graph;
using MaskRcnn.Runtime;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace MaskRcnn.Tests.Runtime;

public sealed class OpenCvRuntimeTests
{
    [Fact]
    public void Loads_OpenCv_4_13_with_the_dnn_module()
    {
        var info = OpenCvRuntime.EnsureLoaded();

        Assert.Equal(4, info.ParsedVersion.Major);
        Assert.Equal(13, info.ParsedVersion.Minor);
        Assert.True(info.HasDnn, "the dnn module must be compiled into the native runtime");
        Assert.Contains((Backend.OPENCV, Target.CPU), info.AvailableBackendTargets);
        Assert.Equal(info.HasCuda, info.AvailableBackendTargets.Contains((Backend.CUDA, Target.CUDA)));
    }

    [Fact]
    public void An_empty_net_can_be_created_and_disposed()
    {
        OpenCvRuntime.EnsureLoaded();
        var net = new Net();
        Assert.True(net.Empty());
        net.Dispose();
        Assert.True(net.IsDisposed);
    }

    [Fact]
    public void A_tiny_tensorflow_graph_written_here_runs_through_the_native_dnn_path()
    {
        OpenCvRuntime.EnsureLoaded();
        // y = relu(2 * x_channel0 - x_channel2 + 1), one 1x1 convolution on a 3-channel input.
        float[] weightsHwio = [2f, 0f, -1f];
        var graph = new GraphDef(
        [
            new NodeDef("input", "Placeholder")
            {
                Attributes = new Dictionary<string, AttrValue>
                {
                    ["dtype"] = AttrValue.Of(TensorDataType.DT_FLOAT),
                    ["shape"] = AttrValue.Of(new TensorShape(-1, -1, -1, 3)),
                },
            },
            Const("w", TensorProto.FromFloats(weightsHwio, 1, 1, 3, 1)),
            Const("b", TensorProto.FromFloats([1f], 1)),
            new NodeDef("conv", "Conv2D")
            {
                Inputs = ["input", "w"],
                Attributes = new Dictionary<string, AttrValue>
                {
                    ["data_format"] = AttrValue.Of("NHWC"),
                    ["padding"] = AttrValue.Of("VALID"),
                    ["strides"] = AttrValue.Ints(1, 1, 1, 1),
                    ["dilations"] = AttrValue.Ints(1, 1, 1, 1),
                },
            },
            // OpenCV folds the BiasAdd into the convolution layer, which keeps the Conv2D's name; the Relu is the output.
            new NodeDef("bias", "BiasAdd") { Inputs = ["conv", "b"] },
            new NodeDef("output", "Relu") { Inputs = ["bias"] },
        ]);

        using var net = CvDnn.ReadNetFromTensorflow(GraphDefBinary.Write(graph));
        Assert.NotNull(net);
        Assert.False(net.Empty());
        using var blob = new Mat([1, 3, 2, 2], MatType.CV_32F, Scalar.All(0));
        var pixels = new float[] { 1, 2, 3, -4, /* ch1 */ 9, 9, 9, 9, /* ch2 */ 0.5f, 1, 1.5f, 2 };
        Marshal.Copy(pixels, 0, blob.Data, pixels.Length);
        net.SetInput(blob, "input");
        using var output = net.Forward("output");

        Assert.Equal(4, output.Total());
        var values = new float[4];
        Marshal.Copy(output.Data, values, 0, values.Length);
        Assert.Equal([2 * 1 - 0.5f + 1, 2 * 2 - 1 + 1, 2 * 3 - 1.5f + 1, 0f], values);
    }

    private static NodeDef Const(string name, TensorProto value) => new(name, "Const")
    {
        Attributes = new Dictionary<string, AttrValue>
        {
            ["dtype"] = AttrValue.Of(value.DataType),
            ["value"] = AttrValue.Of(value),
        },
    };
}
