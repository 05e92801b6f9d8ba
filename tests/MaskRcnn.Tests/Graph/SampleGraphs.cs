using System.Text;
using MaskRcnn.Graph;

namespace MaskRcnn.Tests.Graph;

/// <summary>Hand-built graphs that exercise every attribute kind and awkward value.</summary>
internal static class SampleGraphs
{
    /// <summary>Bytes that need escaping in text format: quotes, backslash, control bytes, DEL, invalid UTF-8 and
    /// multi-byte UTF-8.</summary>
    public static byte[] AwkwardBytes { get; } =
    [
        .. "say \"hi\"\\ it's\n\ttab\r"u8, 0, 1, 0x1F, 0x7F, 0x80, 0xFF, .. Encoding.UTF8.GetBytes("ü€😀"),
    ];

    public static GraphDef EveryAttrKind()
    {
        var attrs = new Dictionary<string, AttrValue>(StringComparer.Ordinal)
        {
            ["none"] = new AttrValue(),
            ["s"] = AttrValue.Of("SAME"),
            ["s_empty"] = AttrValue.Of(""),
            ["s_awkward"] = new AttrValue { Kind = AttrKind.S, StringBytes = AwkwardBytes },
            ["i"] = AttrValue.Of(42L),
            ["i_negative"] = AttrValue.Of(-7L),
            ["i_min"] = AttrValue.Of(long.MinValue),
            ["i_max"] = AttrValue.Of(long.MaxValue),
            ["f"] = AttrValue.Of(0.1f),
            ["f_negative_zero"] = AttrValue.Of(-0f),
            ["f_inf"] = AttrValue.Of(float.PositiveInfinity),
            ["f_negative_inf"] = AttrValue.Of(float.NegativeInfinity),
            ["f_nan"] = AttrValue.Of(float.NaN),
            ["f_smallest"] = AttrValue.Of(float.Epsilon),
            ["f_max"] = AttrValue.Of(float.MaxValue),
            ["b_true"] = AttrValue.Of(true),
            ["b_false"] = AttrValue.Of(false),
            ["type"] = AttrValue.Of(TensorDataType.DT_INT64),
            ["type_unnamed"] = AttrValue.Of((TensorDataType)99),
            ["shape"] = AttrValue.Of(new TensorShape(-1, 2, 3)),
            ["shape_scalar"] = AttrValue.Of(new TensorShape()),
            ["shape_unknown_rank"] = AttrValue.Of(new TensorShape { UnknownRank = true }),
            ["tensor_content"] = AttrValue.Of(TensorProto.FromFloats([1f, -2.5f, float.NaN, float.NegativeInfinity, 0f, -0f], 2, 3)),
            ["tensor_float_val"] = AttrValue.Of(TensorProto.FloatList(0.1f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 3e-42f)),
            ["tensor_int_val"] = AttrValue.Of(TensorProto.IntList(int.MinValue, -1, 0, 1, int.MaxValue)),
            ["tensor_int_scalar"] = AttrValue.Of(TensorProto.IntScalar(-3)),
            ["tensor_int64_val"] = AttrValue.Of(new TensorProto
            {
                DataType = TensorDataType.DT_INT64, Shape = new TensorShape(3), Int64Values = [long.MinValue, -1, long.MaxValue],
            }),
            ["tensor_double_val"] = AttrValue.Of(new TensorProto
            {
                DataType = TensorDataType.DT_DOUBLE, Shape = new TensorShape(4), DoubleValues = [0.1, -1e300, double.PositiveInfinity, double.NaN],
            }),
            ["tensor_bool_val"] = AttrValue.Of(new TensorProto
            {
                DataType = TensorDataType.DT_BOOL, Shape = new TensorShape(3), BoolValues = [true, false, true],
            }),
            ["tensor_string_val"] = AttrValue.Of(new TensorProto
            {
                DataType = TensorDataType.DT_STRING, Shape = new TensorShape(2), StringValues = [AwkwardBytes, []],
            }),
            ["list_empty"] = new AttrValue { Kind = AttrKind.List, ListValue = new AttrList() },
            ["list_s"] = new AttrValue { Kind = AttrKind.List, ListValue = new AttrList { Strings = ["a"u8.ToArray(), AwkwardBytes, []] } },
            ["list_i"] = AttrValue.Ints(1, -2, 300, long.MinValue, long.MaxValue),
            ["list_f"] = AttrValue.Floats(0.5f, -0f, float.PositiveInfinity, float.NaN, -1e-30f),
            ["list_b"] = new AttrValue { Kind = AttrKind.List, ListValue = new AttrList { Bools = [true, false, false, true] } },
            ["list_type"] = new AttrValue
            {
                Kind = AttrKind.List, ListValue = new AttrList { Types = [TensorDataType.DT_FLOAT, TensorDataType.DT_INT32, (TensorDataType)77] },
            },
            ["list_shape"] = new AttrValue
            {
                Kind = AttrKind.List,
                ListValue = new AttrList { Shapes = [new TensorShape(1, -1), new TensorShape(), new TensorShape { UnknownRank = true }] },
            },
            ["list_tensor"] = new AttrValue
            {
                Kind = AttrKind.List,
                ListValue = new AttrList { Tensors = [TensorProto.FloatScalar(2f), TensorProto.IntList(4, 5), TensorProto.FromFloats([7f], 1)] },
            },
        };
        return new GraphDef(
        [
            new NodeDef("image_tensor", "Placeholder")
            {
                Attributes = new Dictionary<string, AttrValue>
                {
                    ["dtype"] = AttrValue.Of(TensorDataType.DT_UINT8),
                    ["shape"] = AttrValue.Of(new TensorShape(-1, -1, -1, 3)),
                },
            },
            new NodeDef("scope/\"quoted\" name\nwith ü", "Const")
            {
                Device = "/device:CPU:0",
                Inputs = ["^image_tensor"],
                Attributes = new Dictionary<string, AttrValue>
                {
                    ["dtype"] = AttrValue.Of(TensorDataType.DT_FLOAT),
                    ["value"] = AttrValue.Of(TensorProto.FromFloats([1f, 2f, 3f, 4f], 2, 2)),
                },
            },
            new NodeDef("every_attr", "CustomOp")
            {
                Inputs = ["image_tensor", "image_tensor:1", "^scope/\"quoted\" name\nwith ü"],
                Attributes = attrs,
            },
            new NodeDef("no_attrs", "NoOp"),
        ]) { Producer = 27 };
    }

    /// <summary>A small graph for truncation tests: three nodes and a versions record.</summary>
    public static GraphDef Small() => new(
    [
        new NodeDef("x", "Placeholder")
        {
            Attributes = new Dictionary<string, AttrValue> { ["dtype"] = AttrValue.Of(TensorDataType.DT_FLOAT) },
        },
        new NodeDef("w", "Const")
        {
            Attributes = new Dictionary<string, AttrValue>
            {
                ["dtype"] = AttrValue.Of(TensorDataType.DT_FLOAT),
                ["value"] = AttrValue.Of(TensorProto.FromFloats([0.5f, -1f, 2f], 1, 1, 3, 1)),
            },
        },
        new NodeDef("y", "Conv2D")
        {
            Inputs = ["x", "w"],
            Attributes = new Dictionary<string, AttrValue>
            {
                ["padding"] = AttrValue.Of("SAME"),
                ["strides"] = AttrValue.Ints(1, 1, 1, 1),
                ["scale"] = AttrValue.Of(-0.25f),
            },
        },
    ]) { Producer = 26 };
}
