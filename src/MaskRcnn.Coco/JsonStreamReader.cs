using System.Text.Json;

namespace MaskRcnn.Coco;

/// <summary>
/// Reads a JSON stream token by token and whole values one at a time, keeping only a window of the stream in memory
/// (the window grows to hold the largest single value read with <see cref="ReadArrayItem"/>).
/// </summary>
internal sealed class JsonStreamReader : IDisposable
{
    private const int InitialBufferSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private byte[] _buffer = new byte[InitialBufferSize];
    private int _start;
    private int _end;
    private bool _final;
    private JsonReaderState _state = new(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });

    public JsonStreamReader(Stream stream, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
    }

    public JsonTokenType TokenType { get; private set; }

    /// <summary>Gets the text of the last property name or string token read by <see cref="Read"/>.</summary>
    public string? StringValue { get; private set; }

    /// <summary>Reads the next token; returns false at the end of the data.</summary>
    public bool Read()
    {
        try
        {
            while (true)
            {
                var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _final, _state);
                if (reader.Read())
                {
                    TokenType = reader.TokenType;
                    StringValue = reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String ? reader.GetString() : null;
                    Advance(ref reader);
                    return true;
                }

                if (_final)
                {
                    return false;
                }

                Fill();
            }
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Invalid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Reads the next item of the array being read: a document holding the whole item, or null at the closing bracket.
    /// </summary>
    public JsonDocument? ReadArrayItem()
    {
        try
        {
            while (true)
            {
                var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _final, _state);
                if (reader.Read())
                {
                    if (reader.TokenType == JsonTokenType.EndArray)
                    {
                        TokenType = JsonTokenType.EndArray;
                        Advance(ref reader);
                        return null;
                    }

                    if (JsonDocument.TryParseValue(ref reader, out var document))
                    {
                        TokenType = reader.TokenType;
                        Advance(ref reader);
                        return document;
                    }
                }

                if (_final)
                {
                    throw new FormatException("Invalid JSON: the data ends inside an array.");
                }

                Fill();
            }
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Invalid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Skips the value that follows the property name just read.</summary>
    public void SkipValue()
    {
        if (!Read())
        {
            throw new FormatException("Invalid JSON: the data ends before a value.");
        }

        if (TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
        {
            int depth = 1;
            while (depth > 0)
            {
                if (!Read())
                {
                    throw new FormatException("Invalid JSON: the data ends inside a value.");
                }

                if (TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
                {
                    depth++;
                }
                else if (TokenType is JsonTokenType.EndArray or JsonTokenType.EndObject)
                {
                    depth--;
                }
            }
        }
    }

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private void Advance(ref Utf8JsonReader reader)
    {
        _start += checked((int)reader.BytesConsumed);
        _state = reader.CurrentState;
    }

    private void Fill()
    {
        int remaining = _end - _start;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, remaining);
            _start = 0;
            _end = remaining;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= Array.MaxLength / 2)
            {
                throw new FormatException("A single JSON value is too large to read.");
            }

            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        while (_end < _buffer.Length)
        {
            int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _final = true;
                break;
            }

            _end += read;
        }
    }
}
