using System.Globalization;
using System.Text;

namespace MaskRcnn.Graph;

/// <summary>
/// Reads and writes the protobuf text form of a TensorFlow <c>GraphDef</c> (a <c>.pbtxt</c> text graph, as written by
/// OpenCV's <c>tf_text_graph_*.py</c> scripts and read by <c>cv::dnn::readNetFromTensorflow</c>).
/// </summary>
internal static class GraphDefText
{
    /// <summary>Writes a graph in protobuf text format with TensorFlow's layout (two-space indent, sorted attributes).</summary>
    public static string Write(GraphDef graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var sb = new StringBuilder();
        foreach (var node in graph.Nodes)
        {
            sb.Append("node {\n");
            Line(sb, 1, "name", Quote(node.Name));
            Line(sb, 1, "op", Quote(node.Op));
            foreach (var input in node.Inputs) Line(sb, 1, "input", Quote(input));
            if (node.Device.Length > 0) Line(sb, 1, "device", Quote(node.Device));
            foreach (var (key, value) in node.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                Open(sb, 1, "attr");
                Line(sb, 2, "key", Quote(key));
                Open(sb, 2, "value");
                WriteAttrValue(sb, 3, value);
                Close(sb, 2);
                Close(sb, 1);
            }
            sb.Append("}\n");
        }
        if (graph.Producer is { } producer)
        {
            Open(sb, 0, "versions");
            Line(sb, 1, "producer", producer.ToString(CultureInfo.InvariantCulture));
            Close(sb, 0);
        }
        return sb.ToString();
    }

    /// <summary>Reads a text graph.</summary>
    /// <exception cref="GraphFormatException">The text is not a GraphDef in protobuf text format; the message gives the line.</exception>
    public static GraphDef Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var root = new TextFormatParser(text).ParseRoot();
        var nodes = new List<NodeDef>();
        int? producer = null;
        foreach (var field in root.Fields)
        {
            if (field.Name == "node") nodes.Add(ReadNode(field.Message("node")));
            else if (field.Name == "versions")
            {
                foreach (var v in field.Message("versions").Fields)
                    if (v.Name == "producer") producer = (int)v.Integer();
            }
        }
        return new GraphDef(nodes) { Producer = producer };
    }

    /// <summary>Reads a text graph from disk.</summary>
    public static GraphDef ReadFile(string path) => Read(File.ReadAllText(path));

    private static NodeDef ReadNode(TextMessage message)
    {
        string name = string.Empty, op = string.Empty, device = string.Empty;
        var inputs = new List<string>();
        var attrs = new SortedDictionary<string, AttrValue>(StringComparer.Ordinal);
        foreach (var field in message.Fields)
        {
            switch (field.Name)
            {
                case "name": name = field.Text(); break;
                case "op": op = field.Text(); break;
                case "input": inputs.Add(field.Text()); break;
                case "device": device = field.Text(); break;
                case "attr":
                    var entry = field.Message("attr");
                    var key = entry.Fields.FirstOrDefault(f => f.Name == "key")?.Text() ?? string.Empty;
                    var valueField = entry.Fields.FirstOrDefault(f => f.Name == "value");
                    attrs[key] = valueField is null ? new AttrValue() : ReadAttrValue(valueField.Message("value"));
                    break;
                default: break;
            }
        }
        return new NodeDef(name, op) { Inputs = inputs, Device = device, Attributes = attrs };
    }

    private static AttrValue ReadAttrValue(TextMessage message)
    {
        var value = new AttrValue();
        foreach (var f in message.Fields)
        {
            value = f.Name switch
            {
                "s" => new AttrValue { Kind = AttrKind.S, StringBytes = f.Bytes() },
                "i" => new AttrValue { Kind = AttrKind.I, IntValue = f.Integer() },
                "f" => new AttrValue { Kind = AttrKind.F, FloatValue = f.Float() },
                "b" => new AttrValue { Kind = AttrKind.B, BoolValue = f.Bool() },
                "type" => new AttrValue { Kind = AttrKind.Type, TypeValue = f.DataType() },
                "shape" => new AttrValue { Kind = AttrKind.Shape, ShapeValue = ReadShape(f.Message("shape")) },
                "tensor" => new AttrValue { Kind = AttrKind.Tensor, TensorValue = ReadTensor(f.Message("tensor")) },
                "list" => new AttrValue { Kind = AttrKind.List, ListValue = ReadList(f.Message("list")) },
                "placeholder" or "func" => new AttrValue { Kind = AttrKind.Other },
                _ => value,
            };
        }
        return value;
    }

    private static AttrList ReadList(TextMessage message) => new()
    {
        Strings = message.Fields.Where(f => f.Name == "s").Select(f => f.Bytes()).ToList(),
        Ints = message.Fields.Where(f => f.Name == "i").Select(f => f.Integer()).ToList(),
        Floats = message.Fields.Where(f => f.Name == "f").Select(f => f.Float()).ToList(),
        Bools = message.Fields.Where(f => f.Name == "b").Select(f => f.Bool()).ToList(),
        Types = message.Fields.Where(f => f.Name == "type").Select(f => f.DataType()).ToList(),
        Shapes = message.Fields.Where(f => f.Name == "shape").Select(f => ReadShape(f.Message("shape"))).ToList(),
        Tensors = message.Fields.Where(f => f.Name == "tensor").Select(f => ReadTensor(f.Message("tensor"))).ToList(),
    };

    private static TensorShape ReadShape(TextMessage message)
    {
        var dims = new List<long>();
        var unknown = false;
        foreach (var f in message.Fields)
        {
            if (f.Name == "dim")
                dims.Add(f.Message("dim").Fields.FirstOrDefault(d => d.Name == "size")?.Integer() ?? 0);
            else if (f.Name == "unknown_rank")
                unknown = f.Bool();
        }
        return new TensorShape([.. dims]) { UnknownRank = unknown };
    }

    private static TensorProto ReadTensor(TextMessage message)
    {
        var f = message.Fields;
        return new TensorProto
        {
            DataType = f.FirstOrDefault(x => x.Name == "dtype")?.DataType() ?? TensorDataType.DT_INVALID,
            Shape = f.FirstOrDefault(x => x.Name == "tensor_shape") is { } s ? ReadShape(s.Message("tensor_shape")) : new TensorShape(),
            Content = f.FirstOrDefault(x => x.Name == "tensor_content")?.Bytes() ?? default(ReadOnlyMemory<byte>),
            FloatValues = f.Where(x => x.Name == "float_val").Select(x => x.Float()).ToList(),
            DoubleValues = f.Where(x => x.Name == "double_val").Select(x => x.Double()).ToList(),
            IntValues = f.Where(x => x.Name == "int_val").Select(x => (int)x.Integer()).ToList(),
            Int64Values = f.Where(x => x.Name == "int64_val").Select(x => x.Integer()).ToList(),
            BoolValues = f.Where(x => x.Name == "bool_val").Select(x => x.Bool()).ToList(),
            StringValues = f.Where(x => x.Name == "string_val").Select(x => x.Bytes()).ToList(),
        };
    }

    private static void WriteAttrValue(StringBuilder sb, int depth, AttrValue value)
    {
        switch (value.Kind)
        {
            case AttrKind.S: Line(sb, depth, "s", QuoteBytes(value.StringBytes.Span)); break;
            case AttrKind.I: Line(sb, depth, "i", value.IntValue.ToString(CultureInfo.InvariantCulture)); break;
            case AttrKind.F: Line(sb, depth, "f", FormatFloat(value.FloatValue)); break;
            case AttrKind.B: Line(sb, depth, "b", value.BoolValue ? "true" : "false"); break;
            case AttrKind.Type: Line(sb, depth, "type", value.TypeValue.ToString()); break;
            case AttrKind.Shape:
                Open(sb, depth, "shape");
                WriteShape(sb, depth + 1, value.ShapeValue!);
                Close(sb, depth);
                break;
            case AttrKind.Tensor:
                Open(sb, depth, "tensor");
                WriteTensor(sb, depth + 1, value.TensorValue!);
                Close(sb, depth);
                break;
            case AttrKind.List:
                Open(sb, depth, "list");
                var list = value.ListValue!;
                foreach (var s in list.Strings) Line(sb, depth + 1, "s", QuoteBytes(s));
                foreach (var i in list.Ints) Line(sb, depth + 1, "i", i.ToString(CultureInfo.InvariantCulture));
                foreach (var x in list.Floats) Line(sb, depth + 1, "f", FormatFloat(x));
                foreach (var b in list.Bools) Line(sb, depth + 1, "b", b ? "true" : "false");
                foreach (var t in list.Types) Line(sb, depth + 1, "type", t.ToString());
                foreach (var s in list.Shapes)
                {
                    Open(sb, depth + 1, "shape");
                    WriteShape(sb, depth + 2, s);
                    Close(sb, depth + 1);
                }
                foreach (var t in list.Tensors)
                {
                    Open(sb, depth + 1, "tensor");
                    WriteTensor(sb, depth + 2, t);
                    Close(sb, depth + 1);
                }
                Close(sb, depth);
                break;
            default: break;
        }
    }

    private static void WriteShape(StringBuilder sb, int depth, TensorShape shape)
    {
        foreach (var d in shape.Dims)
        {
            Open(sb, depth, "dim");
            Line(sb, depth + 1, "size", d.ToString(CultureInfo.InvariantCulture));
            Close(sb, depth);
        }
        if (shape.UnknownRank) Line(sb, depth, "unknown_rank", "true");
    }

    private static void WriteTensor(StringBuilder sb, int depth, TensorProto t)
    {
        Line(sb, depth, "dtype", t.DataType.ToString());
        Open(sb, depth, "tensor_shape");
        WriteShape(sb, depth + 1, t.Shape);
        Close(sb, depth);
        if (!t.Content.IsEmpty) Line(sb, depth, "tensor_content", QuoteBytes(t.Content.Span));
        foreach (var v in t.FloatValues) Line(sb, depth, "float_val", FormatFloat(v));
        foreach (var v in t.DoubleValues) Line(sb, depth, "double_val", v.ToString("R", CultureInfo.InvariantCulture));
        foreach (var v in t.IntValues) Line(sb, depth, "int_val", v.ToString(CultureInfo.InvariantCulture));
        foreach (var v in t.StringValues) Line(sb, depth, "string_val", QuoteBytes(v));
        foreach (var v in t.Int64Values) Line(sb, depth, "int64_val", v.ToString(CultureInfo.InvariantCulture));
        foreach (var v in t.BoolValues) Line(sb, depth, "bool_val", v ? "true" : "false");
    }

    /// <summary>Shortest text that parses back to the same float; protobuf's spelling for infinities and NaN.</summary>
    internal static string FormatFloat(float value) => value switch
    {
        float.PositiveInfinity => "inf",
        float.NegativeInfinity => "-inf",
        _ when float.IsNaN(value) => "nan",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static void Indent(StringBuilder sb, int depth) => sb.Append(' ', depth * 2);

    private static void Line(StringBuilder sb, int depth, string name, string value)
    {
        Indent(sb, depth);
        sb.Append(name).Append(": ").Append(value).Append('\n');
    }

    private static void Open(StringBuilder sb, int depth, string name)
    {
        Indent(sb, depth);
        sb.Append(name).Append(" {\n");
    }

    private static void Close(StringBuilder sb, int depth)
    {
        Indent(sb, depth);
        sb.Append("}\n");
    }

    private static string Quote(string text) => QuoteBytes(Encoding.UTF8.GetBytes(text));

    // C-style escaping as protobuf's text printer does: printable ASCII as is, the rest as three-digit octal.
    private static string QuoteBytes(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length + 2);
        sb.Append('"');
        foreach (var b in bytes)
        {
            switch (b)
            {
                case (byte)'"': sb.Append("\\\""); break;
                case (byte)'\\': sb.Append("\\\\"); break;
                case (byte)'\n': sb.Append("\\n"); break;
                case (byte)'\r': sb.Append("\\r"); break;
                case (byte)'\t': sb.Append("\\t"); break;
                case (byte)'\'': sb.Append("\\'"); break;
                default:
                    if (b >= 0x20 && b < 0x7F) sb.Append((char)b);
                    else sb.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
                    break;
            }
        }
        sb.Append('"');
        return sb.ToString();
    }
}
