using MaskRcnn.Graph;

namespace MaskRcnn.Tests.Graph;

/// <summary>Deep, field-by-field equality of graphs, naming the first difference.</summary>
internal static class GraphAssert
{
    public static void Equal(GraphDef expected, GraphDef actual)
    {
        Assert.Equal(expected.Producer, actual.Producer);
        Assert.Equal(expected.Nodes.Count, actual.Nodes.Count);
        for (var i = 0; i < expected.Nodes.Count; i++) NodeEqual(expected.Nodes[i], actual.Nodes[i]);
    }

    public static void NodeEqual(NodeDef e, NodeDef a)
    {
        Assert.Equal(e.Name, a.Name);
        Assert.Equal(e.Op, a.Op);
        Assert.Equal(e.Device, a.Device);
        Assert.Equal(e.Inputs, a.Inputs);
        Assert.Equal(e.Attributes.Keys.Order(StringComparer.Ordinal), a.Attributes.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in e.Attributes) AttrEqual($"{e.Name}.{key}", value, a.Attributes[key]);
    }

    public static void AttrEqual(string where, AttrValue e, AttrValue a)
    {
        Assert.True(e.Kind == a.Kind, $"{where}: kind {a.Kind}, expected {e.Kind}");
        switch (e.Kind)
        {
            case AttrKind.S: Assert.Equal(e.StringBytes.ToArray(), a.StringBytes.ToArray()); break;
            case AttrKind.I: Assert.Equal(e.IntValue, a.IntValue); break;
            case AttrKind.F: FloatEqual(where, e.FloatValue, a.FloatValue); break;
            case AttrKind.B: Assert.Equal(e.BoolValue, a.BoolValue); break;
            case AttrKind.Type: Assert.Equal(e.TypeValue, a.TypeValue); break;
            case AttrKind.Shape: Assert.Equal(e.ShapeValue, a.ShapeValue); break;
            case AttrKind.Tensor: TensorEqual(where, e.TensorValue!, a.TensorValue!); break;
            case AttrKind.List:
                var el = e.ListValue!;
                var al = a.ListValue!;
                Assert.Equal(el.Strings.Count, al.Strings.Count);
                for (var i = 0; i < el.Strings.Count; i++) Assert.Equal(el.Strings[i], al.Strings[i]);
                Assert.Equal(el.Ints, al.Ints);
                Assert.Equal(el.Floats.Count, al.Floats.Count);
                for (var i = 0; i < el.Floats.Count; i++) FloatEqual($"{where}.list.f[{i}]", el.Floats[i], al.Floats[i]);
                Assert.Equal(el.Bools, al.Bools);
                Assert.Equal(el.Types, al.Types);
                Assert.Equal(el.Shapes, al.Shapes);
                Assert.Equal(el.Tensors.Count, al.Tensors.Count);
                for (var i = 0; i < el.Tensors.Count; i++) TensorEqual($"{where}.list.tensor[{i}]", el.Tensors[i], al.Tensors[i]);
                break;
            default: break;
        }
    }

    public static void TensorEqual(string where, TensorProto e, TensorProto a)
    {
        Assert.True(e.DataType == a.DataType, $"{where}: dtype {a.DataType}, expected {e.DataType}");
        Assert.Equal(e.Shape, a.Shape);
        Assert.Equal(e.Content.ToArray(), a.Content.ToArray());
        Assert.Equal(e.FloatValues.Count, a.FloatValues.Count);
        for (var i = 0; i < e.FloatValues.Count; i++) FloatEqual($"{where}.float_val[{i}]", e.FloatValues[i], a.FloatValues[i]);
        Assert.Equal(e.DoubleValues.Count, a.DoubleValues.Count);
        for (var i = 0; i < e.DoubleValues.Count; i++)
            Assert.True(BitConverter.DoubleToInt64Bits(e.DoubleValues[i]) == BitConverter.DoubleToInt64Bits(a.DoubleValues[i]) ||
                        (double.IsNaN(e.DoubleValues[i]) && double.IsNaN(a.DoubleValues[i])), $"{where}.double_val[{i}]");
        Assert.Equal(e.IntValues, a.IntValues);
        Assert.Equal(e.Int64Values, a.Int64Values);
        Assert.Equal(e.BoolValues, a.BoolValues);
        Assert.Equal(e.StringValues.Count, a.StringValues.Count);
        for (var i = 0; i < e.StringValues.Count; i++) Assert.Equal(e.StringValues[i], a.StringValues[i]);
    }

    /// <summary>Bit-exact, except that any NaN equals any NaN (text format keeps NaN but not its payload).</summary>
    public static void FloatEqual(string where, float e, float a) =>
        Assert.True(BitConverter.SingleToInt32Bits(e) == BitConverter.SingleToInt32Bits(a) || (float.IsNaN(e) && float.IsNaN(a)),
            $"{where}: {a:R}, expected {e:R}");
}
