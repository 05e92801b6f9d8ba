using System.Buffers.Binary;
using System.Text;

namespace MaskRcnn.Graph;

/// <summary>
/// Reads protobuf wire format from a span with every length and count checked against what is left, so truncated or
/// hostile input ends in a <see cref="GraphFormatException"/> rather than an overrun or a huge allocation.
/// </summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _baseOffset;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> data, int baseOffset = 0)
    {
        _data = data;
        _baseOffset = baseOffset;
        _position = 0;
    }

    public readonly bool End => _position >= _data.Length;

    /// <summary>Offset of the next byte from the start of the file, for error messages.</summary>
    public readonly int Offset => _baseOffset + _position;

    public bool TryReadTag(out int field, out int wireType)
    {
        if (End)
        {
            field = 0;
            wireType = 0;
            return false;
        }
        var start = Offset;
        var tag = ReadVarint();
        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        if (field <= 0 || tag >> 3 > int.MaxValue)
            throw Error($"invalid field number {tag >> 3}", start);
        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
                throw Error("truncated varint");
            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw Error("varint longer than 10 bytes");
    }

    public long ReadInt64() => (long)ReadVarint();

    public int ReadInt32() => unchecked((int)ReadVarint());

    public bool ReadBool() => ReadVarint() != 0;

    public float ReadFixed32Float()
    {
        if (_data.Length - _position < 4) throw Error("truncated fixed32");
        var v = BinaryPrimitives.ReadSingleLittleEndian(_data[_position..]);
        _position += 4;
        return v;
    }

    public double ReadFixed64Double()
    {
        if (_data.Length - _position < 8) throw Error("truncated fixed64");
        var v = BinaryPrimitives.ReadDoubleLittleEndian(_data[_position..]);
        _position += 8;
        return v;
    }

    /// <summary>Reads a length-delimited field and returns its bytes and their file offset.</summary>
    public ReadOnlySpan<byte> ReadBytes(out int offset)
    {
        var lengthAt = Offset;
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
            throw Error($"field length {length} runs past the end of its message ({_data.Length - _position} bytes left)", lengthAt);
        offset = Offset;
        var slice = _data.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    public ReadOnlySpan<byte> ReadBytes() => ReadBytes(out _);

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0: ReadVarint(); break;
            case 1:
                if (_data.Length - _position < 8) throw Error("truncated fixed64");
                _position += 8;
                break;
            case 2: ReadBytes(); break;
            case 5:
                if (_data.Length - _position < 4) throw Error("truncated fixed32");
                _position += 4;
                break;
            default: throw Error($"unsupported wire type {wireType}");
        }
    }

    public readonly void Expect(int wireType, int expected, string field)
    {
        if (wireType != expected)
            throw Error($"field '{field}' has wire type {wireType}, expected {expected}");
    }

    public readonly GraphFormatException Error(string what, int? at = null) =>
        new($"Malformed protobuf at byte {at ?? Offset}: {what}.");
}
