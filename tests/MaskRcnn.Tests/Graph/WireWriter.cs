using System.Buffers.Binary;
using System.Text;

namespace MaskRcnn.Tests.Graph;

/// <summary>
/// A deliberately independent protobuf wire-format writer for tests: every tag, varint and length is spelled out here,
/// so the codec under test is checked against bytes it did not produce itself.
/// </summary>
internal sealed class WireWriter
{
    private readonly List<byte> _bytes = [];

    public byte[] ToArray() => [.. _bytes];

    public WireWriter Varint(ulong value)
    {
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            _bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return this;
    }

    public WireWriter Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    /// <summary>Wire type 0. Negative values take ten bytes, as protobuf encodes int32/int64.</summary>
    public WireWriter VarintField(int field, long value) => Tag(field, 0).Varint(unchecked((ulong)value));

    /// <summary>Wire type 5.</summary>
    public WireWriter Fixed32Field(int field, float value) => Tag(field, 5).Fixed32(value);

    public WireWriter Fixed32(float value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, value);
        _bytes.AddRange(b.ToArray());
        return this;
    }

    /// <summary>Wire type 1.</summary>
    public WireWriter Fixed64Field(int field, ulong value)
    {
        Tag(field, 1);
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        _bytes.AddRange(b.ToArray());
        return this;
    }

    /// <summary>Wire type 2 with raw bytes.</summary>
    public WireWriter BytesField(int field, byte[] value)
    {
        Tag(field, 2).Varint((ulong)value.Length);
        _bytes.AddRange(value);
        return this;
    }

    public WireWriter StringField(int field, string value) => BytesField(field, Encoding.UTF8.GetBytes(value));

    /// <summary>Wire type 2 holding a nested message.</summary>
    public WireWriter Message(int field, Action<WireWriter> body)
    {
        var inner = new WireWriter();
        body(inner);
        return BytesField(field, inner.ToArray());
    }

    /// <summary>A packed repeated varint field: one length-delimited run.</summary>
    public WireWriter PackedVarints(int field, params long[] values)
    {
        var inner = new WireWriter();
        foreach (var v in values) inner.Varint(unchecked((ulong)v));
        return BytesField(field, inner.ToArray());
    }

    /// <summary>A packed repeated fixed32 float field.</summary>
    public WireWriter PackedFloats(int field, params float[] values)
    {
        var inner = new WireWriter();
        foreach (var v in values) inner.Fixed32(v);
        return BytesField(field, inner.ToArray());
    }
}
