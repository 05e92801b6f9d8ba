using MaskRcnn.Graph;

namespace MaskRcnn.Synthetic;

/// <summary>Collects nodes in execution order and marks which constants are weights (kept in the .pb) and which are
/// structural constants that OpenCV's text-graph script writes into the .pbtxt.</summary>
internal sealed class GraphBuilder
{
    private readonly List<NodeDef> _nodes = [];
    private readonly HashSet<string> _textGraphConsts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public IReadOnlyList<NodeDef> Nodes => _nodes;

    public bool IsTextGraphConst(NodeDef node) => _textGraphConsts.Contains(node.Name);

    public string Add(string name, string op, IReadOnlyList<string> inputs, params (string Key, AttrValue Value)[] attrs)
    {
        if (!_names.Add(name)) throw new InvalidOperationException($"Duplicate node name '{name}'.");
        var dict = new SortedDictionary<string, AttrValue>(StringComparer.Ordinal);
        foreach (var (k, v) in attrs) dict[k] = v;
        _nodes.Add(new NodeDef(name, op) { Inputs = inputs, Attributes = dict });
        return name;
    }

    public string Const(string name, TensorProto value, bool inTextGraph = false)
    {
        Add(name, "Const", [], ("dtype", AttrValue.Of(value.DataType)), ("value", AttrValue.Of(value)));
        if (inTextGraph) _textGraphConsts.Add(name);
        return name;
    }

    private static readonly AttrValue Nhwc = AttrValue.Of("NHWC");
    private static readonly AttrValue Ones4 = AttrValue.Ints(1, 1, 1, 1);

    /// <summary>Conv2D (weights HWIO) + BiasAdd; returns the BiasAdd name.</summary>
    public string Conv(string scope, string input, float[] weightsHwio, int kh, int kw, int cin, int cout, float[] bias,
        int stride = 1, bool locPredTransposed = false)
    {
        var w = Const(scope + "/weights", TensorProto.FromFloats(weightsHwio, kh, kw, cin, cout));
        var b = Const(scope + "/biases", TensorProto.FromFloats(bias, cout));
        var attrs = new List<(string, AttrValue)>
        {
            ("T", AttrValue.Of(TensorDataType.DT_FLOAT)), ("data_format", Nhwc), ("dilations", Ones4),
            ("padding", AttrValue.Of("SAME")), ("strides", AttrValue.Ints(1, stride, stride, 1)),
        };
        if (locPredTransposed) attrs.Add(("loc_pred_transposed", AttrValue.Of(true)));
        var conv = Add(scope + "/Conv2D", "Conv2D", [input, w], [.. attrs]);
        return Add(scope + "/BiasAdd", "BiasAdd", [conv, b], ("T", AttrValue.Of(TensorDataType.DT_FLOAT)), ("data_format", Nhwc));
    }

    public string MatMul(string scope, string input, float[] weights, int cin, int cout, float[] bias, bool locPredTransposed = false)
    {
        var w = Const(scope + "/weights", TensorProto.FromFloats(weights, cin, cout));
        var b = Const(scope + "/biases", TensorProto.FromFloats(bias, cout));
        var attrs = new List<(string, AttrValue)>
        {
            ("T", AttrValue.Of(TensorDataType.DT_FLOAT)), ("transpose_a", AttrValue.Of(false)), ("transpose_b", AttrValue.Of(false)),
        };
        if (locPredTransposed) attrs.Add(("loc_pred_transposed", AttrValue.Of(true)));
        var mm = Add(scope + "/MatMul", "MatMul", [input, w], [.. attrs]);
        return Add(scope + "/BiasAdd", "BiasAdd", [mm, b], ("T", AttrValue.Of(TensorDataType.DT_FLOAT)), ("data_format", Nhwc));
    }

    public string Unary(string name, string op, string input) =>
        Add(name, op, [input], ("T", AttrValue.Of(TensorDataType.DT_FLOAT)));

    public string Pool(string name, string op, string input, int k, int stride, string padding) =>
        Add(name, op, [input], ("T", AttrValue.Of(TensorDataType.DT_FLOAT)), ("data_format", Nhwc),
            ("ksize", AttrValue.Ints(1, k, k, 1)), ("padding", AttrValue.Of(padding)), ("strides", AttrValue.Ints(1, stride, stride, 1)));

    public string Reshape(string name, string input, int[] shape, bool shapeInTextGraph)
    {
        var s = Const(name + "/shape", TensorProto.IntList(shape), shapeInTextGraph);
        return Add(name, "Reshape", [input, s], ("T", AttrValue.Of(TensorDataType.DT_FLOAT)), ("Tshape", AttrValue.Of(TensorDataType.DT_INT32)));
    }

    public string Softmax(string name, string input) =>
        Add(name, "Softmax", [input], ("T", AttrValue.Of(TensorDataType.DT_FLOAT)), ("axis", AttrValue.Of(-1L)));

    public string Flatten(string name, string input) => Add(name, "Flatten", [input]);

    public string Slice(string name, string input, int[] begins, int[] sizes)
    {
        var b = Const(name + "/begins", TensorProto.IntList(begins), inTextGraph: true);
        var s = Const(name + "/sizes", TensorProto.IntList(sizes), inTextGraph: true);
        return Add(name, "Slice", [input, b, s]);
    }

    public GraphDef ToGraph(Func<NodeDef, bool> keep) => new([.. _nodes.Where(keep)]) { Producer = 26 };
}
