using MaskRcnn.Graph;
using MaskRcnn.Synthetic;

namespace MaskRcnn.Tests.Graph;

public sealed class GraphDefBinaryTests
{
    // Field numbers from tensorflow/core/framework/*.proto, written out again here on purpose.
    private const int GraphNode = 1, GraphLibrary = 2, GraphVersions = 4;
    private const int NodeName = 1, NodeOp = 2, NodeInput = 3, NodeDevice = 4, NodeAttr = 5;
    private const int AttrList = 1, AttrS = 2, AttrI = 3, AttrF = 4, AttrB = 5, AttrType = 6, AttrShape = 7, AttrTensor = 8, AttrFunc = 10;
    private const int TensorDtype = 1, TensorShapeField = 2, TensorContent = 4, TensorFloat = 5, TensorInt = 7;
    private const int ShapeDim = 2, DimSize = 1;

    public static TheoryData<int> ClassCounts => [3, 90];

    [Theory]
    [MemberData(nameof(ClassCounts))]
    public void Synthetic_model_graphs_read_back_equal_and_reencode_to_the_same_bytes(int numClasses)
    {
        var model = SyntheticModelBuilder.Build(new SyntheticModelOptions { NumClasses = numClasses });
        foreach (var graph in new[] { GraphDefBinary.Read(model.FrozenGraphBytes()), GraphDefBinary.Read(model.WeightsBytes()), GraphDefText.Read(model.TextGraphText()) })
        {
            var bytes = GraphDefBinary.Write(graph);
            var read = GraphDefBinary.Read(bytes);
            GraphAssert.Equal(graph, read);
            Assert.Equal(bytes, GraphDefBinary.Write(read));
        }
        Assert.Equal(GraphDefBinary.Read(model.FrozenGraphBytes()).Nodes.Count, GraphDefBinary.Read(model.WeightsBytes()).Nodes.Count + GraphDefText.Read(model.TextGraphText()).Nodes.Count);
    }

    [Fact]
    public void Every_attribute_kind_and_awkward_value_survives_a_round_trip()
    {
        var graph = SampleGraphs.EveryAttrKind();
        var bytes = GraphDefBinary.Write(graph);
        var read = GraphDefBinary.Read(bytes);

        GraphAssert.Equal(graph, read);
        Assert.Equal(bytes, GraphDefBinary.Write(read));
        var attrs = read.Find("every_attr")!.Attributes;
        Assert.Equal(long.MinValue, attrs["i_min"].IntValue);
        Assert.True(float.IsNaN(attrs["f_nan"].FloatValue));
        Assert.Equal(float.NegativeInfinity, attrs["f_negative_inf"].FloatValue);
        Assert.Equal(SampleGraphs.AwkwardBytes, attrs["s_awkward"].StringBytes.ToArray());
        Assert.Equal([int.MinValue, -1, 0, 1, int.MaxValue], attrs["tensor_int_val"].TensorValue!.ToInt32Array());
        Assert.True(attrs["shape_unknown_rank"].ShapeValue!.UnknownRank);
        Assert.Equal(AttrKind.None, attrs["none"].Kind);
        Assert.Equal("scope/\"quoted\" name\nwith ü", read.Nodes[1].Name);
        Assert.Equal("/device:CPU:0", read.Nodes[1].Device);
    }

    [Fact]
    public void A_graph_written_field_by_field_as_wire_bytes_parses_to_the_expected_nodes()
    {
        var w = new WireWriter();
        // An unknown top-level field before the first node (GraphDef.library, a message we do not keep).
        w.Message(GraphLibrary, lib => lib.StringField(1, "ignored function library"));
        w.Message(GraphNode, node =>
        {
            node.StringField(NodeName, "conv");
            // Unknown NodeDef fields of every wire type, to be skipped.
            node.VarintField(90, 123456789);
            node.Fixed64Field(91, 0xDEADBEEFCAFEBABE);
            node.Fixed32Field(92, 1.5f);
            node.Message(93, m => m.StringField(1, "experimental debug info"));
            node.StringField(NodeOp, "Conv2D");
            node.StringField(NodeInput, "image_tensor");
            node.StringField(NodeInput, "weights:0");
            node.StringField(NodeInput, "^init");
            node.StringField(NodeDevice, "/cpu:0");
            node.Message(NodeAttr, e => e.StringField(1, "padding").Message(2, v => v.StringField(AttrS, "VALID")));
            // strides as a packed list, dilations as an unpacked list: both are valid protobuf.
            node.Message(NodeAttr, e => e.StringField(1, "strides").Message(2, v => v.Message(AttrList, l => l.PackedVarints(AttrI, 1, 2, 2, 1))));
            node.Message(NodeAttr, e => e.StringField(1, "dilations").Message(2, v => v.Message(AttrList, l =>
                l.VarintField(AttrI, 1).VarintField(AttrI, -3).VarintField(AttrI, 300).VarintField(AttrI, 1))));
            node.Message(NodeAttr, e => e.StringField(1, "alpha").Message(2, v => v.Fixed32Field(AttrF, -0.75f)));
            node.Message(NodeAttr, e => e.StringField(1, "count").Message(2, v => v.VarintField(AttrI, -42)));
            node.Message(NodeAttr, e => e.StringField(1, "flag").Message(2, v => v.VarintField(AttrB, 1)));
            node.Message(NodeAttr, e => e.StringField(1, "T").Message(2, v => v.VarintField(AttrType, 1)));
            node.Message(NodeAttr, e => e.StringField(1, "shape").Message(2, v => v.Message(AttrShape, s =>
                s.Message(ShapeDim, d => d.VarintField(DimSize, -1)).Message(ShapeDim, d => d.VarintField(DimSize, 3)))));
            // The map entry's value first and key second: field order inside a message is free.
            node.Message(NodeAttr, e => e.Message(2, v => v.Message(AttrList, l => l.PackedFloats(AttrF, 0.1f, 0.2f).Fixed32Field(AttrF, 0.3f)))
                .StringField(1, "variance"));
            node.Message(NodeAttr, e => e.StringField(1, "f").Message(2, v => v.Message(AttrFunc, f => f.StringField(1, "some_function"))));
        });
        w.Message(GraphNode, node =>
        {
            node.StringField(NodeName, "weights");
            node.StringField(NodeOp, "Const");
            node.Message(NodeAttr, e => e.StringField(1, "value").Message(2, v => v.Message(AttrTensor, t =>
            {
                t.VarintField(TensorDtype, 1);
                t.Message(TensorShapeField, s => s.Message(ShapeDim, d => d.VarintField(DimSize, 2)).Message(ShapeDim, d => d.VarintField(DimSize, 2)));
                t.BytesField(TensorContent, [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0, 0, 0, 0xC0, 0x7F, 0, 0, 0x80, 0xFF]);
            })));
        });
        w.Message(GraphNode, node =>
        {
            node.StringField(NodeName, "axis");
            node.StringField(NodeOp, "Const");
            node.Message(NodeAttr, e => e.StringField(1, "value").Message(2, v => v.Message(AttrTensor, t =>
            {
                t.VarintField(TensorDtype, 3);
                // int_val once unpacked (a negative int32 takes ten bytes) and once packed.
                t.VarintField(TensorInt, -1);
                t.PackedVarints(TensorInt, 7, 8);
                // float_val unpacked then packed.
                t.Fixed32Field(TensorFloat, 2.5f);
                t.PackedFloats(TensorFloat, float.PositiveInfinity, float.NaN);
            })));
        });
        w.Message(GraphVersions, v => v.VarintField(1, 27).VarintField(2, 12));

        var graph = GraphDefBinary.Read(w.ToArray());

        Assert.Equal(27, graph.Producer);
        Assert.Equal(["conv", "weights", "axis"], graph.Nodes.Select(n => n.Name));
        var conv = graph.Nodes[0];
        Assert.Equal("Conv2D", conv.Op);
        Assert.Equal(["image_tensor", "weights:0", "^init"], conv.Inputs);
        Assert.Equal("/cpu:0", conv.Device);
        Assert.Equal("VALID", conv.Attr("padding")!.StringValue);
        Assert.Equal([1L, 2, 2, 1], conv.Attr("strides")!.ListValue!.Ints);
        Assert.Equal([1L, -3, 300, 1], conv.Attr("dilations")!.ListValue!.Ints);
        Assert.Equal(-0.75f, conv.Attr("alpha")!.FloatValue);
        Assert.Equal(-42L, conv.Attr("count")!.IntValue);
        Assert.True(conv.Attr("flag")!.BoolValue);
        Assert.Equal(TensorDataType.DT_FLOAT, conv.Attr("T")!.TypeValue);
        Assert.Equal(new TensorShape(-1, 3), conv.Attr("shape")!.ShapeValue);
        Assert.Equal([0.1f, 0.2f, 0.3f], conv.Attr("variance")!.ListValue!.Floats);
        Assert.Equal(AttrKind.Other, conv.Attr("f")!.Kind);
        Assert.Equal(10, conv.Attributes.Count);

        var weights = graph.Nodes[1].ConstValue!;
        Assert.Equal(new TensorShape(2, 2), weights.Shape);
        var values = weights.ToFloatArray();
        Assert.Equal(1f, values[0]);
        Assert.Equal(-2f, values[1]);
        Assert.True(float.IsNaN(values[2]));
        Assert.Equal(float.NegativeInfinity, values[3]);

        var axis = graph.Nodes[2].ConstValue!;
        Assert.Equal(TensorDataType.DT_INT32, axis.DataType);
        Assert.Equal([-1, 7, 8], axis.IntValues);
        Assert.Equal(3, axis.FloatValues.Count);
        Assert.Equal(2.5f, axis.FloatValues[0]);
        Assert.Equal(float.PositiveInfinity, axis.FloatValues[1]);
        Assert.True(float.IsNaN(axis.FloatValues[2]));
    }

    [Fact]
    public void Truncation_at_every_offset_throws_GraphFormatException_except_between_nodes()
    {
        var graph = SampleGraphs.Small();
        var bytes = GraphDefBinary.Write(graph);
        // Cutting exactly after the k-th node (before the versions record) leaves a valid, shorter graph.
        var boundaries = new Dictionary<int, int>();
        for (var k = 0; k <= graph.Nodes.Count; k++)
            boundaries[GraphDefBinary.Write(new GraphDef(graph.Nodes.Take(k).ToArray())).Length] = k;
        Assert.True(bytes.Length > 100, $"the sample graph is {bytes.Length} bytes");

        var thrown = 0;
        for (var n = 0; n < bytes.Length; n++)
        {
            var prefix = bytes.AsSpan(0, n).ToArray();
            if (boundaries.TryGetValue(n, out var k))
            {
                var read = GraphDefBinary.Read(prefix);
                Assert.Equal(graph.Nodes.Take(k).Select(x => x.Name), read.Nodes.Select(x => x.Name));
                Assert.Null(read.Producer);
                continue;
            }
            var ex = Record.Exception(() => GraphDefBinary.Read(prefix));
            var format = Assert.IsType<GraphFormatException>(ex, exactMatch: true);
            Assert.Contains("Malformed protobuf at byte", format.Message, StringComparison.Ordinal);
            thrown++;
        }
        Assert.Equal(bytes.Length - graph.Nodes.Count - 1, thrown);
    }

    [Fact]
    public void Corrupted_bytes_parse_or_throw_GraphFormatException_and_nothing_else()
    {
        var bytes = GraphDefBinary.Write(SampleGraphs.EveryAttrKind());
        var rng = new Random(20240611);
        for (var trial = 0; trial < 3000; trial++)
        {
            var copy = (byte[])bytes.Clone();
            var flips = 1 + rng.Next(3);
            for (var f = 0; f < flips; f++) copy[rng.Next(copy.Length)] = (byte)rng.Next(256);
            var ex = Record.Exception(() => GraphDefBinary.Read(copy));
            Assert.True(ex is null or GraphFormatException, $"trial {trial}: {ex?.GetType().Name}: {ex?.Message}");
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x0A }, "truncated varint")]
    [InlineData(new byte[] { 0x0A, 0x05, 0x0A }, "runs past the end")]
    [InlineData(new byte[] { 0x08, 0x01 }, "wire type 0, expected 2")]
    [InlineData(new byte[] { 0x00 }, "invalid field number 0")]
    [InlineData(new byte[] { 0x0B }, "wire type 3, expected 2")]
    [InlineData(new byte[] { 0x2B }, "unsupported wire type 3")]
    [InlineData(new byte[] { 0x0A, 0x02, 0x0A, 0x80 }, "truncated varint")]
    public void Malformed_bytes_are_reported_with_the_problem(byte[] data, string expected)
    {
        var ex = Assert.Throws<GraphFormatException>(() => GraphDefBinary.Read(data));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
