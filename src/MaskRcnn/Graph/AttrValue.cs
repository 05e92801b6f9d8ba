namespace MaskRcnn.Graph;

/// <summary>Which member of a TensorFlow <c>AttrValue</c> is set.</summary>
internal enum AttrKind
{
    /// <summary>Nothing set.</summary>
    None,
    /// <summary><c>s</c>: a byte string.</summary>
    S,
    /// <summary><c>i</c>: a 64-bit integer.</summary>
    I,
    /// <summary><c>f</c>: a float.</summary>
    F,
    /// <summary><c>b</c>: a boolean.</summary>
    B,
    /// <summary><c>type</c>: a data type.</summary>
    Type,
    /// <summary><c>shape</c>: a tensor shape.</summary>
    Shape,
    /// <summary><c>tensor</c>: a tensor.</summary>
    Tensor,
    /// <summary><c>list</c>: lists of the above.</summary>
    List,
    /// <summary><c>placeholder</c> or <c>func</c>: kept only as their kind.</summary>
    Other,
}

/// <summary>A TensorFlow <c>AttrValue</c>: one node attribute.</summary>
internal sealed class AttrValue
{
    /// <summary>Which member is set.</summary>
    public AttrKind Kind { get; init; }

    /// <summary><c>s</c> as raw bytes.</summary>
    public ReadOnlyMemory<byte> StringBytes { get; init; }

    /// <summary><c>s</c> decoded as UTF-8.</summary>
    public string StringValue => System.Text.Encoding.UTF8.GetString(StringBytes.Span);

    /// <summary><c>i</c>.</summary>
    public long IntValue { get; init; }

    /// <summary><c>f</c>.</summary>
    public float FloatValue { get; init; }

    /// <summary><c>b</c>.</summary>
    public bool BoolValue { get; init; }

    /// <summary><c>type</c>.</summary>
    public TensorDataType TypeValue { get; init; }

    /// <summary><c>shape</c>.</summary>
    public TensorShape? ShapeValue { get; init; }

    /// <summary><c>tensor</c>.</summary>
    public TensorProto? TensorValue { get; init; }

    /// <summary><c>list</c>.</summary>
    public AttrList? ListValue { get; init; }

    /// <summary>A string attribute.</summary>
    public static AttrValue Of(string value) =>
        new() { Kind = AttrKind.S, StringBytes = System.Text.Encoding.UTF8.GetBytes(value) };

    /// <summary>An integer attribute.</summary>
    public static AttrValue Of(long value) => new() { Kind = AttrKind.I, IntValue = value };

    /// <summary>A float attribute.</summary>
    public static AttrValue Of(float value) => new() { Kind = AttrKind.F, FloatValue = value };

    /// <summary>A boolean attribute.</summary>
    public static AttrValue Of(bool value) => new() { Kind = AttrKind.B, BoolValue = value };

    /// <summary>A data-type attribute.</summary>
    public static AttrValue Of(TensorDataType value) => new() { Kind = AttrKind.Type, TypeValue = value };

    /// <summary>A shape attribute.</summary>
    public static AttrValue Of(TensorShape value) => new() { Kind = AttrKind.Shape, ShapeValue = value };

    /// <summary>A tensor attribute.</summary>
    public static AttrValue Of(TensorProto value) => new() { Kind = AttrKind.Tensor, TensorValue = value };

    /// <summary>A list-of-integers attribute (e.g. <c>strides</c>, <c>ksize</c>).</summary>
    public static AttrValue Ints(params long[] values) =>
        new() { Kind = AttrKind.List, ListValue = new AttrList { Ints = values } };

    /// <summary>A list-of-floats attribute.</summary>
    public static AttrValue Floats(params float[] values) =>
        new() { Kind = AttrKind.List, ListValue = new AttrList { Floats = values } };

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        AttrKind.S => $"s: \"{StringValue}\"",
        AttrKind.I => $"i: {IntValue}",
        AttrKind.F => $"f: {FloatValue}",
        AttrKind.B => $"b: {BoolValue}",
        AttrKind.Type => $"type: {TypeValue}",
        AttrKind.Shape => $"shape: {ShapeValue}",
        AttrKind.Tensor => $"tensor: {TensorValue?.DataType} {TensorValue?.Shape}",
        AttrKind.List => "list",
        _ => Kind.ToString(),
    };
}

/// <summary>A TensorFlow <c>AttrValue.ListValue</c>.</summary>
internal sealed class AttrList
{
    /// <summary><c>s</c> entries.</summary>
    public IReadOnlyList<byte[]> Strings { get; init; } = [];

    /// <summary><c>i</c> entries.</summary>
    public IReadOnlyList<long> Ints { get; init; } = [];

    /// <summary><c>f</c> entries.</summary>
    public IReadOnlyList<float> Floats { get; init; } = [];

    /// <summary><c>b</c> entries.</summary>
    public IReadOnlyList<bool> Bools { get; init; } = [];

    /// <summary><c>type</c> entries.</summary>
    public IReadOnlyList<TensorDataType> Types { get; init; } = [];

    /// <summary><c>shape</c> entries.</summary>
    public IReadOnlyList<TensorShape> Shapes { get; init; } = [];

    /// <summary><c>tensor</c> entries.</summary>
    public IReadOnlyList<TensorProto> Tensors { get; init; } = [];
}
