using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace MaskRcnn.Graph;

/// <summary>Writes protobuf wire format: tags, varints, fixed32 and length-delimited fields.</summary>
internal sealed class ProtoWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public int Length => _buffer.WrittenCount;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    public void Varint(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        _buffer.Advance(n);
    }

    public void VarintField(int field, long value)
    {
        Tag(field, 0);
        Varint((ulong)value);
    }

    public void BoolField(int field, bool value) => VarintField(field, value ? 1 : 0);

    public void FloatField(int field, float value)
    {
        Tag(field, 5);
        Fixed32(value);
    }

    public void Fixed32(float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void Fixed64(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void BytesField(int field, ReadOnlySpan<byte> bytes)
    {
        Tag(field, 2);
        Varint((ulong)bytes.Length);
        bytes.CopyTo(_buffer.GetSpan(bytes.Length));
        _buffer.Advance(bytes.Length);
    }

    public void StringField(int field, string value) => BytesField(field, Encoding.UTF8.GetBytes(value));

    /// <summary>Writes a nested message; its length is only known once written, so it goes to a scratch writer first.</summary>
    public void MessageField(int field, Action<ProtoWriter> body)
    {
        var inner = new ProtoWriter();
        body(inner);
        BytesField(field, inner.WrittenSpan);
    }

    public void PackedVarints<T>(int field, IReadOnlyList<T> values, Func<T, ulong> toWire)
    {
        if (values.Count == 0) return;
        var inner = new ProtoWriter();
        foreach (var v in values) inner.Varint(toWire(v));
        BytesField(field, inner.WrittenSpan);
    }

    public void PackedFloats(int field, IReadOnlyList<float> values)
    {
        if (values.Count == 0) return;
        var inner = new ProtoWriter();
        foreach (var v in values) inner.Fixed32(v);
        BytesField(field, inner.WrittenSpan);
    }

    public void PackedDoubles(int field, IReadOnlyList<double> values)
    {
        if (values.Count == 0) return;
        var inner = new ProtoWriter();
        foreach (var v in values) inner.Fixed64(v);
        BytesField(field, inner.WrittenSpan);
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
