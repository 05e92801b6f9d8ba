using System.Buffers.Binary;

namespace MaskRcnn.Graph;

/// <summary>
/// A TensorFlow <c>TensorProto</c>: a constant tensor, either as raw little-endian bytes (<see cref="Content"/>, how
/// TensorFlow stores weights) or as typed value lists (<c>float_val</c>, <c>int_val</c>, ...).
/// </summary>
internal sealed class TensorProto
{
    /// <summary>The element type.</summary>
    public TensorDataType DataType { get; init; }

    /// <summary>The shape; empty for a scalar.</summary>
    public TensorShape Shape { get; init; } = new();

    /// <summary>Raw little-endian element bytes (<c>tensor_content</c>); empty when values are in the lists.</summary>
    public ReadOnlyMemory<byte> Content { get; init; }

    /// <summary><c>float_val</c>.</summary>
    public IReadOnlyList<float> FloatValues { get; init; } = [];

    /// <summary><c>double_val</c>.</summary>
    public IReadOnlyList<double> DoubleValues { get; init; } = [];

    /// <summary><c>int_val</c> (also used for int8/int16/uint8).</summary>
    public IReadOnlyList<int> IntValues { get; init; } = [];

    /// <summary><c>int64_val</c>.</summary>
    public IReadOnlyList<long> Int64Values { get; init; } = [];

    /// <summary><c>bool_val</c>.</summary>
    public IReadOnlyList<bool> BoolValues { get; init; } = [];

    /// <summary><c>string_val</c>.</summary>
    public IReadOnlyList<byte[]> StringValues { get; init; } = [];

    /// <summary>A float tensor of the given shape stored as raw bytes, as TensorFlow stores weights.</summary>
    public static TensorProto FromFloats(ReadOnlySpan<float> values, params long[] dims)
    {
        var shape = new TensorShape(dims);
        if (shape.ElementCount != values.Length)
            throw new ArgumentException($"Shape {shape} holds {shape.ElementCount} elements but {values.Length} values were given.", nameof(values));
        var bytes = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return new TensorProto { DataType = TensorDataType.DT_FLOAT, Shape = shape, Content = bytes };
    }

    /// <summary>A 1-D float tensor written as <c>float_val</c> entries (how small constants appear in text graphs).</summary>
    public static TensorProto FloatList(params float[] values) =>
        new() { DataType = TensorDataType.DT_FLOAT, Shape = new TensorShape(values.Length), FloatValues = values };

    /// <summary>A 1-D int32 tensor written as <c>int_val</c> entries.</summary>
    public static TensorProto IntList(params int[] values) =>
        new() { DataType = TensorDataType.DT_INT32, Shape = new TensorShape(values.Length), IntValues = values };

    /// <summary>A scalar int32 tensor written as one <c>int_val</c> (how OpenCV reads a ConcatV2 axis).</summary>
    public static TensorProto IntScalar(int value) =>
        new() { DataType = TensorDataType.DT_INT32, Shape = new TensorShape(), IntValues = [value] };

    /// <summary>A scalar float tensor written as one <c>float_val</c>.</summary>
    public static TensorProto FloatScalar(float value) =>
        new() { DataType = TensorDataType.DT_FLOAT, Shape = new TensorShape(), FloatValues = [value] };

    /// <summary>The number of elements the shape declares (1 for a scalar), or -1 when unknown.</summary>
    public long ElementCount => Shape.ElementCount;

    /// <summary>The values as floats, from <see cref="Content"/> or the value lists (a single listed value fills the shape).</summary>
    public float[] ToFloatArray() => Values(TensorDataType.DT_FLOAT, FloatValues, BinaryPrimitives.ReadSingleLittleEndian);

    /// <summary>The values as int32, from <see cref="Content"/> or <c>int_val</c>.</summary>
    public int[] ToInt32Array() => Values(TensorDataType.DT_INT32, IntValues, BinaryPrimitives.ReadInt32LittleEndian);

    private delegate T ElementReader<T>(ReadOnlySpan<byte> bytes);

    private T[] Values<T>(TensorDataType expected, IReadOnlyList<T> listed, ElementReader<T> read)
    {
        if (DataType != expected)
            throw new InvalidOperationException($"Tensor is {DataType}, not {expected}.");
        if (Content.IsEmpty) return Expand(listed);
        var span = Content.Span;
        if (span.Length % 4 != 0)
            throw new InvalidOperationException($"tensor_content has {span.Length} bytes, not a multiple of 4.");
        var result = new T[span.Length / 4];
        for (var i = 0; i < result.Length; i++)
            result[i] = read(span[(i * 4)..]);
        return result;
    }

    private T[] Expand<T>(IReadOnlyList<T> values)
    {
        var count = ElementCount;
        if (values.Count == 1 && count > 1 && count <= int.MaxValue)
            return Enumerable.Repeat(values[0], (int)count).ToArray();
        return [.. values];
    }
}
