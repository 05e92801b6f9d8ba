using System.Globalization;
using System.Text;

namespace MaskRcnn.Graph;

/// <summary>One field of a message in protobuf text format: a scalar token or a nested message.</summary>
internal sealed class TextField
{
    public TextField(string name, int line, string? scalar, bool quoted, byte[]? bytes, TextMessage? message)
    {
        Name = name;
        LineNumber = line;
        Scalar = scalar;
        Quoted = quoted;
        RawBytes = bytes;
        Nested = message;
    }

    public string Name { get; }
    public int LineNumber { get; }
    public string? Scalar { get; }
    public bool Quoted { get; }
    public byte[]? RawBytes { get; }
    public TextMessage? Nested { get; }

    private GraphFormatException Error(string expected) =>
        new($"Malformed text graph at line {LineNumber}: field '{Name}' should be {expected} but is {(Nested is null ? $"'{Scalar}'" : "a message")}.");

    public TextMessage Message(string what) => Nested ?? throw Error($"a message ({what} {{ ... }})");

    public byte[] Bytes() => Quoted && RawBytes is not null ? RawBytes : throw Error("a quoted string");

    public string Text() => Encoding.UTF8.GetString(Bytes());

    public long Integer()
    {
        var s = Scalar ?? throw Error("an integer");
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) return v;
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) &&
            long.TryParse(s[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out v)) return v;
        throw Error("an integer");
    }

    public double Double()
    {
        var s = Scalar ?? throw Error("a number");
        // The names first: "inf" ends in 'f' and must not lose it to the float-suffix rule below.
        switch (s.ToUpperInvariant())
        {
            case "INF" or "INFINITY" or "+INF" or "+INFINITY": return double.PositiveInfinity;
            case "-INF" or "-INFINITY": return double.NegativeInfinity;
            case "NAN" or "-NAN" or "+NAN": return double.NaN;
            default: break;
        }
        var t = s.EndsWith('f') || s.EndsWith('F') ? s[..^1] : s;
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw Error("a number");
    }

    public float Float() => (float)Double();

    public bool Bool() => Scalar switch
    {
        "true" or "True" or "t" or "1" => true,
        "false" or "False" or "f" or "0" => false,
        _ => throw Error("true or false"),
    };

    public TensorDataType DataType()
    {
        var s = Scalar ?? throw Error("a data type");
        if (Enum.TryParse<TensorDataType>(s, ignoreCase: false, out var t) && s.StartsWith("DT_", StringComparison.Ordinal)) return t;
        if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return (TensorDataType)n;
        throw Error("a data type such as DT_FLOAT");
    }
}

/// <summary>A message in protobuf text format: its fields in order.</summary>
internal sealed class TextMessage
{
    public List<TextField> Fields { get; } = [];
}

/// <summary>
/// A tokenizer and parser for protobuf text format that needs no schema. Nesting depth is limited so hostile input
/// cannot exhaust the stack.
/// </summary>
internal sealed class TextFormatParser
{
    private const int MaxDepth = 64;
    private readonly string _text;
    private int _pos;
    private int _line = 1;

    public TextFormatParser(string text) => _text = text;

    public TextMessage ParseRoot()
    {
        var root = ParseFields(depth: 0, closing: null);
        SkipSpace();
        if (_pos < _text.Length) throw Error($"unexpected '{_text[_pos]}'");
        return root;
    }

    private TextMessage ParseFields(int depth, char? closing)
    {
        if (depth > MaxDepth) throw Error($"messages nested deeper than {MaxDepth} levels");
        var message = new TextMessage();
        while (true)
        {
            SkipSpace();
            if (_pos >= _text.Length)
            {
                if (closing is not null) throw Error($"missing '{closing}' before the end of the file");
                return message;
            }
            if (closing is not null && _text[_pos] == closing)
            {
                _pos++;
                return message;
            }
            var line = _line;
            var name = ReadIdentifier();
            SkipSpace();
            var colon = Peek() == ':';
            if (colon)
            {
                _pos++;
                SkipSpace();
            }
            if (Peek() is '{' or '<')
            {
                var close = Peek() == '{' ? '}' : '>';
                _pos++;
                message.Fields.Add(new TextField(name, line, null, false, null, ParseFields(depth + 1, close)));
            }
            else if (!colon)
            {
                throw Error($"expected ':' or '{{' after field '{name}'");
            }
            else if (Peek() == '[')
            {
                _pos++;
                while (true)
                {
                    SkipSpace();
                    if (Peek() == ']')
                    {
                        _pos++;
                        break;
                    }
                    if (Peek() is '{' or '<')
                    {
                        var close = Peek() == '{' ? '}' : '>';
                        _pos++;
                        message.Fields.Add(new TextField(name, line, null, false, null, ParseFields(depth + 1, close)));
                    }
                    else
                    {
                        message.Fields.Add(ReadScalar(name, line));
                    }
                    SkipSpace();
                    if (Peek() == ',') _pos++;
                }
            }
            else
            {
                message.Fields.Add(ReadScalar(name, line));
            }
            SkipSpace();
            if (Peek() is ',' or ';') _pos++;
        }
    }

    private TextField ReadScalar(string name, int line)
    {
        if (Peek() is '"' or '\'')
        {
            // Adjacent string literals concatenate, as in C.
            var bytes = new List<byte>();
            while (Peek() is '"' or '\'')
            {
                ReadQuoted(bytes);
                SkipSpace();
            }
            var raw = bytes.ToArray();
            return new TextField(name, line, Encoding.UTF8.GetString(raw), true, raw, null);
        }
        var start = _pos;
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] is '-' or '+' or '.' or '_'))
            _pos++;
        if (_pos == start) throw Error($"expected a value for field '{name}'");
        return new TextField(name, line, _text[start.._pos], false, null, null);
    }

    private void ReadQuoted(List<byte> into)
    {
        var quote = _text[_pos++];
        var utf8 = new byte[4];
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] == '\n') throw Error("unterminated string");
            var c = _text[_pos++];
            if (c == quote) return;
            if (c != '\\')
            {
                if (char.IsHighSurrogate(c) && _pos < _text.Length)
                {
                    var n = Encoding.UTF8.GetBytes(_text.AsSpan(_pos - 1, 2), utf8);
                    into.AddRange(utf8.AsSpan(0, n).ToArray());
                    _pos++;
                }
                else
                {
                    var n = Encoding.UTF8.GetBytes([c], utf8);
                    for (var i = 0; i < n; i++) into.Add(utf8[i]);
                }
                continue;
            }
            if (_pos >= _text.Length) throw Error("unterminated escape");
            var e = _text[_pos++];
            switch (e)
            {
                case 'n': into.Add((byte)'\n'); break;
                case 'r': into.Add((byte)'\r'); break;
                case 't': into.Add((byte)'\t'); break;
                case 'a': into.Add(7); break;
                case 'b': into.Add(8); break;
                case 'f': into.Add(12); break;
                case 'v': into.Add(11); break;
                case '\\' or '\'' or '"' or '?': into.Add((byte)e); break;
                case 'x' or 'X':
                    var hex = 0;
                    var digits = 0;
                    while (digits < 2 && _pos < _text.Length && Uri.IsHexDigit(_text[_pos]))
                    {
                        hex = hex * 16 + Convert.ToInt32(_text[_pos].ToString(), 16);
                        _pos++;
                        digits++;
                    }
                    if (digits == 0) throw Error("\\x escape without hex digits");
                    into.Add((byte)hex);
                    break;
                case >= '0' and <= '7':
                    var octal = e - '0';
                    for (var k = 0; k < 2 && _pos < _text.Length && _text[_pos] is >= '0' and <= '7'; k++)
                        octal = octal * 8 + (_text[_pos++] - '0');
                    into.Add((byte)octal);
                    break;
                default: throw Error($"unknown escape '\\{e}'");
            }
        }
    }

    private string ReadIdentifier()
    {
        var start = _pos;
        if (Peek() == '[')
        {
            // Extension or Any type URL: [name.space/Type]
            var end = _text.IndexOf(']', _pos);
            if (end < 0) throw Error("unterminated '['");
            _pos = end + 1;
            return _text[start.._pos];
        }
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
            _pos++;
        if (_pos == start) throw Error($"expected a field name but found '{_text[_pos]}'");
        return _text[start.._pos];
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private void SkipSpace()
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '\n')
            {
                _line++;
                _pos++;
            }
            else if (char.IsWhiteSpace(c)) _pos++;
            else if (c == '#')
            {
                while (_pos < _text.Length && _text[_pos] != '\n') _pos++;
            }
            else return;
        }
    }

    private GraphFormatException Error(string what) => new($"Malformed text graph at line {_line}: {what}.");
}
