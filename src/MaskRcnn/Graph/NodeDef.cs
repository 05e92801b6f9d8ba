namespace MaskRcnn.Graph;

/// <summary>A TensorFlow <c>NodeDef</c>: one operation of a graph.</summary>
internal sealed class NodeDef
{
    /// <summary>Creates a node.</summary>
    public NodeDef(string name, string op)
    {
        Name = name;
        Op = op;
    }

    /// <summary>The unique node name, e.g. <c>detection_out_final</c>.</summary>
    public string Name { get; init; }

    /// <summary>The operation, e.g. <c>Conv2D</c>, <c>Const</c>, <c>DetectionOutput</c>.</summary>
    public string Op { get; init; }

    /// <summary>Input tensor names (<c>node</c>, <c>node:1</c>, or <c>^node</c> for control inputs).</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>The device string, usually empty.</summary>
    public string Device { get; init; } = string.Empty;

    /// <summary>Attributes by name.</summary>
    public IReadOnlyDictionary<string, AttrValue> Attributes { get; init; } = new Dictionary<string, AttrValue>();

    /// <summary>The attribute with this name, or null.</summary>
    public AttrValue? Attr(string name) => Attributes.GetValueOrDefault(name);

    /// <summary>The <c>value</c> tensor of a <c>Const</c> node, or null.</summary>
    public TensorProto? ConstValue => Op == "Const" ? Attr("value")?.TensorValue : null;

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Op})";
}
