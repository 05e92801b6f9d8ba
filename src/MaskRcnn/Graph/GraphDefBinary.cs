namespace MaskRcnn.Graph;

/// <summary>
/// Reads and writes the binary protobuf form of a TensorFlow <c>GraphDef</c> (a <c>.pb</c> file). Only the fields that
/// describe nodes, attributes and constant tensors are kept; other fields are skipped when reading.
/// </summary>
internal static class GraphDefBinary
{
    // Field numbers from tensorflow/core/framework/{graph,node_def,attr_value,tensor,tensor_shape,versions}.proto.
    private const int GraphNode = 1, GraphVersions = 4;
    private const int NodeName = 1, NodeOp = 2, NodeInput = 3, NodeDevice = 4, NodeAttr = 5;
    private const int MapKey = 1, MapValue = 2;
    private const int AttrList = 1, AttrS = 2, AttrI = 3, AttrF = 4, AttrB = 5, AttrType = 6, AttrShape = 7, AttrTensor = 8, AttrPlaceholder = 9, AttrFunc = 10;
    private const int TensorDtype = 1, TensorShapeField = 2, TensorContent = 4, TensorFloat = 5, TensorDouble = 6, TensorInt = 7, TensorString = 8, TensorInt64 = 10, TensorBool = 11;
    private const int ShapeDim = 2, ShapeUnknownRank = 3, DimSize = 1;
    private const int VersionsProducer = 1;

    /// <summary>Reads a <c>.pb</c> file.</summary>
    /// <exception cref="GraphFormatException">The bytes are not a GraphDef; the message gives the byte offset.</exception>
    public static GraphDef Read(ReadOnlySpan<byte> data)
    {
        var nodes = new List<NodeDef>();
        int? producer = null;
        var reader = new ProtoReader(data);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case GraphNode:
                    reader.Expect(wire, 2, "node");
                    var bytes = reader.ReadBytes(out var at);
                    nodes.Add(ReadNode(bytes, at));
                    break;
                case GraphVersions:
                    reader.Expect(wire, 2, "versions");
                    producer = ReadProducer(reader.ReadBytes(out var vat), vat);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        return new GraphDef(nodes) { Producer = producer };
    }

    /// <summary>Reads a <c>.pb</c> file from disk.</summary>
    public static GraphDef ReadFile(string path) => Read(File.ReadAllBytes(path));

    /// <summary>Writes a graph as a <c>.pb</c> byte array.</summary>
    public static byte[] Write(GraphDef graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var w = new ProtoWriter();
        foreach (var node in graph.Nodes)
            w.MessageField(GraphNode, inner => WriteNode(inner, node));
        if (graph.Producer is { } p)
            w.MessageField(GraphVersions, inner => inner.VarintField(VersionsProducer, p));
        return w.ToArray();
    }

    private static int? ReadProducer(ReadOnlySpan<byte> data, int offset)
    {
        var reader = new ProtoReader(data, offset);
        int? producer = null;
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == VersionsProducer && wire == 0) producer = reader.ReadInt32();
            else reader.Skip(wire);
        }
        return producer;
    }

    private static NodeDef ReadNode(ReadOnlySpan<byte> data, int offset)
    {
        var reader = new ProtoReader(data, offset);
        string name = string.Empty, op = string.Empty, device = string.Empty;
        var inputs = new List<string>();
        var attrs = new SortedDictionary<string, AttrValue>(StringComparer.Ordinal);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case NodeName: reader.Expect(wire, 2, "NodeDef.name"); name = reader.ReadString(); break;
                case NodeOp: reader.Expect(wire, 2, "NodeDef.op"); op = reader.ReadString(); break;
                case NodeInput: reader.Expect(wire, 2, "NodeDef.input"); inputs.Add(reader.ReadString()); break;
                case NodeDevice: reader.Expect(wire, 2, "NodeDef.device"); device = reader.ReadString(); break;
                case NodeAttr:
                    reader.Expect(wire, 2, "NodeDef.attr");
                    var entry = reader.ReadBytes(out var at);
                    var (key, value) = ReadAttrEntry(entry, at);
                    attrs[key] = value;
                    break;
                default: reader.Skip(wire); break;
            }
        }
        return new NodeDef(name, op) { Inputs = inputs, Device = device, Attributes = attrs };
    }

    private static (string Key, AttrValue Value) ReadAttrEntry(ReadOnlySpan<byte> data, int offset)
    {
        var reader = new ProtoReader(data, offset);
        var key = string.Empty;
        var value = new AttrValue();
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == MapKey && wire == 2) key = reader.ReadString();
            else if (field == MapValue && wire == 2) value = ReadAttrValue(reader.ReadBytes(out var at), at);
            else reader.Skip(wire);
        }
        return (key, value);
    }

    private static AttrValue ReadAttrValue(ReadOnlySpan<byte> data, int offset)
    {
        var reader = new ProtoReader(data, offset);
        var value = new AttrValue();
        while (reader.TryReadTag(out var field, out var wire))
        {
            value = field switch
            {
                AttrS when wire == 2 => new AttrValue { Kind = AttrKind.S, StringBytes = reader.ReadBytes().ToArray() },
                AttrI when wire == 0 => new AttrValue { Kind = AttrKind.I, IntValue = reader.ReadInt64() },
                AttrF when wire == 5 => new AttrValue { Kind = AttrKind.F, FloatValue = reader.ReadFixed32Float() },
                AttrB when wire == 0 => new AttrValue { Kind = AttrKind.B, BoolValue = reader.ReadBool() },
                AttrType when wire == 0 => new AttrValue { Kind = AttrKind.Type, TypeValue = (TensorDataType)reader.ReadInt32() },
                AttrShape when wire == 2 => new AttrValue { Kind = AttrKind.Shape, ShapeValue = ReadShape(reader.ReadBytes(out var a1), a1) },
                AttrTensor when wire == 2 => new AttrValue { Kind = AttrKind.Tensor, TensorValue = ReadTensor(reader.ReadBytes(out var a2), a2) },
                AttrList when wire == 2 => new AttrValue { Kind = AttrKind.List, ListValue = ReadList(reader.ReadBytes(out var a3), a3) },
                AttrPlaceholder or AttrFunc => SkipAsOther(ref reader, wire),
                _ => SkipAndKeep(ref reader, wire, value),
            };
        }
        return value;
    }

    private static AttrValue SkipAsOther(ref ProtoReader reader, int wire)
    {
        reader.Skip(wire);
        return new AttrValue { Kind = AttrKind.Other };
    }

    private static AttrValue SkipAndKeep(ref ProtoReader reader, int wire, AttrValue current)
    {
        reader.Skip(wire);
        return current;
    }

    private static AttrList ReadList(ReadOnlySpan<byte> data, int offset)
    {
        var reader = new ProtoReader(data, offset);
        var strings = new List<byte[]>();
        var ints = new List<long>();
        var floats = new List<float>();
        var bools = new List<bool>();
        var types = new List<TensorDataType>();
        var shapes = new List<TensorShape>();
        var tensors = new List<TensorProto>();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case AttrS: reader.Expect(wire, 2, "list.s"); strings.Add(reader.ReadBytes().ToArray()); break;
                case AttrI: ReadVarints(ref reader, wire, ints, v => (long)v); break;
                case AttrF: ReadFloats(ref reader, wire, floats); break;
                case AttrB: ReadVarints(ref reader, wire, bools, v => v != 0); break;
                case AttrType: ReadVarints(ref reader, wire, types, v => (TensorDataType)(int)v); break;
                case AttrShape: reader.Expect(wire, 2, "list.shape"); shapes.Add(ReadShape(reader.ReadBytes(out var a1), a1)); break;
                case AttrTensor: reader.Expect(wire, 2, "list.tensor"); tensors.Add(ReadTensor(reader.ReadBytes(out var a2), a2)); break;
                default: reader.Skip(wire); break;
            }
        }
        return new AttrList { Strings = strings, Ints = ints, Floats = floats, Bools = bools, Types = types, Shapes = shapes, Tensors = tensors };
    }

    private static TensorShape ReadShape(ReadOnlySpan<byte> data, int offset)
    {
        var reader = new ProtoReader(data, offset);
        var dims = new List<long>();
        var unknownRank = false;
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == ShapeDim && wire == 2)
            {
                var dimReader = new ProtoReader(reader.ReadBytes(out var at), at);
                long size = 0;
                while (dimReader.TryReadTag(out var f, out var w))
                {
                    if (f == DimSize && w == 0) size = dimReader.ReadInt64();
                    else dimReader.Skip(w);
                }
                dims.Add(size);
            }
            else if (field == ShapeUnknownRank && wire == 0) unknownRank = reader.ReadBool();
            else reader.Skip(wire);
        }
        return new TensorShape([.. dims]) { UnknownRank = unknownRank };
    }

    private static TensorProto ReadTensor(ReadOnlySpan<byte> data, int offset)
    {
        var reader = new ProtoReader(data, offset);
        var dtype = TensorDataType.DT_INVALID;
        var shape = new TensorShape();
        ReadOnlyMemory<byte> content = default;
        var floats = new List<float>();
        var doubles = new List<double>();
        var ints = new List<int>();
        var int64s = new List<long>();
        var bools = new List<bool>();
        var strings = new List<byte[]>();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case TensorDtype: reader.Expect(wire, 0, "TensorProto.dtype"); dtype = (TensorDataType)reader.ReadInt32(); break;
                case TensorShapeField: reader.Expect(wire, 2, "TensorProto.tensor_shape"); shape = ReadShape(reader.ReadBytes(out var at), at); break;
                case TensorContent: reader.Expect(wire, 2, "TensorProto.tensor_content"); content = reader.ReadBytes().ToArray(); break;
                case TensorFloat: ReadFloats(ref reader, wire, floats); break;
                case TensorDouble: ReadDoubles(ref reader, wire, doubles); break;
                case TensorInt: ReadVarints(ref reader, wire, ints, v => unchecked((int)v)); break;
                case TensorInt64: ReadVarints(ref reader, wire, int64s, v => (long)v); break;
                case TensorBool: ReadVarints(ref reader, wire, bools, v => v != 0); break;
                case TensorString: reader.Expect(wire, 2, "TensorProto.string_val"); strings.Add(reader.ReadBytes().ToArray()); break;
                default: reader.Skip(wire); break;
            }
        }
        return new TensorProto
        {
            DataType = dtype, Shape = shape, Content = content, FloatValues = floats, DoubleValues = doubles,
            IntValues = ints, Int64Values = int64s, BoolValues = bools, StringValues = strings,
        };
    }

    // Repeated scalars may be packed (one length-delimited run) or written one by one; both are valid protobuf.
    private static void ReadVarints<T>(ref ProtoReader reader, int wire, List<T> into, Func<ulong, T> convert)
    {
        if (wire == 0)
        {
            into.Add(convert(reader.ReadVarint()));
            return;
        }
        reader.Expect(wire, 2, "packed varints");
        var packed = new ProtoReader(reader.ReadBytes(out var at), at);
        while (!packed.End) into.Add(convert(packed.ReadVarint()));
    }

    private static void ReadFloats(ref ProtoReader reader, int wire, List<float> into)
    {
        if (wire == 5)
        {
            into.Add(reader.ReadFixed32Float());
            return;
        }
        reader.Expect(wire, 2, "packed floats");
        var packed = new ProtoReader(reader.ReadBytes(out var at), at);
        while (!packed.End) into.Add(packed.ReadFixed32Float());
    }

    private static void ReadDoubles(ref ProtoReader reader, int wire, List<double> into)
    {
        if (wire == 1)
        {
            into.Add(reader.ReadFixed64Double());
            return;
        }
        reader.Expect(wire, 2, "packed doubles");
        var packed = new ProtoReader(reader.ReadBytes(out var at), at);
        while (!packed.End) into.Add(packed.ReadFixed64Double());
    }

    private static void WriteNode(ProtoWriter w, NodeDef node)
    {
        w.StringField(NodeName, node.Name);
        w.StringField(NodeOp, node.Op);
        foreach (var input in node.Inputs) w.StringField(NodeInput, input);
        if (node.Device.Length > 0) w.StringField(NodeDevice, node.Device);
        foreach (var (key, value) in node.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            w.MessageField(NodeAttr, entry =>
            {
                entry.StringField(MapKey, key);
                entry.MessageField(MapValue, v => WriteAttrValue(v, value));
            });
        }
    }

    private static void WriteAttrValue(ProtoWriter w, AttrValue value)
    {
        switch (value.Kind)
        {
            case AttrKind.S: w.BytesField(AttrS, value.StringBytes.Span); break;
            case AttrKind.I: w.VarintField(AttrI, value.IntValue); break;
            case AttrKind.F: w.FloatField(AttrF, value.FloatValue); break;
            case AttrKind.B: w.BoolField(AttrB, value.BoolValue); break;
            case AttrKind.Type: w.VarintField(AttrType, (int)value.TypeValue); break;
            case AttrKind.Shape: w.MessageField(AttrShape, s => WriteShape(s, value.ShapeValue!)); break;
            case AttrKind.Tensor: w.MessageField(AttrTensor, t => WriteTensor(t, value.TensorValue!)); break;
            case AttrKind.List: w.MessageField(AttrList, l => WriteList(l, value.ListValue!)); break;
            default: break;
        }
    }

    private static void WriteList(ProtoWriter w, AttrList list)
    {
        foreach (var s in list.Strings) w.BytesField(AttrS, s);
        w.PackedVarints(AttrI, list.Ints, v => (ulong)v);
        w.PackedFloats(AttrF, list.Floats);
        w.PackedVarints(AttrB, list.Bools, v => v ? 1UL : 0UL);
        w.PackedVarints(AttrType, list.Types, v => (ulong)(int)v);
        foreach (var s in list.Shapes) w.MessageField(AttrShape, m => WriteShape(m, s));
        foreach (var t in list.Tensors) w.MessageField(AttrTensor, m => WriteTensor(m, t));
    }

    private static void WriteShape(ProtoWriter w, TensorShape shape)
    {
        foreach (var d in shape.Dims)
            w.MessageField(ShapeDim, dim => dim.VarintField(DimSize, d));
        if (shape.UnknownRank) w.BoolField(ShapeUnknownRank, true);
    }

    private static void WriteTensor(ProtoWriter w, TensorProto t)
    {
        w.VarintField(TensorDtype, (int)t.DataType);
        w.MessageField(TensorShapeField, s => WriteShape(s, t.Shape));
        if (!t.Content.IsEmpty) w.BytesField(TensorContent, t.Content.Span);
        w.PackedFloats(TensorFloat, t.FloatValues);
        w.PackedDoubles(TensorDouble, t.DoubleValues);
        w.PackedVarints(TensorInt, t.IntValues, v => (ulong)(long)v);
        foreach (var s in t.StringValues) w.BytesField(TensorString, s);
        w.PackedVarints(TensorInt64, t.Int64Values, v => (ulong)v);
        w.PackedVarints(TensorBool, t.BoolValues, v => v ? 1UL : 0UL);
    }
}
