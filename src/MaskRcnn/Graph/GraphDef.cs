namespace MaskRcnn.Graph;

/// <summary>A TensorFlow <c>GraphDef</c>: the nodes of a model graph.</summary>
internal sealed class GraphDef
{
    /// <summary>Creates a graph from its nodes.</summary>
    public GraphDef(IReadOnlyList<NodeDef> nodes) => Nodes = nodes ?? throw new ArgumentNullException(nameof(nodes));

    /// <summary>The nodes, in file order.</summary>
    public IReadOnlyList<NodeDef> Nodes { get; }

    /// <summary><c>versions.producer</c>, when present.</summary>
    public int? Producer { get; init; }

    /// <summary>The first node with this name, or null.</summary>
    public NodeDef? Find(string name)
    {
        foreach (var node in Nodes)
            if (node.Name == name) return node;
        return null;
    }

    /// <summary>The names of the nodes with this op.</summary>
    public IEnumerable<NodeDef> WithOp(string op) => Nodes.Where(n => n.Op == op);
}
