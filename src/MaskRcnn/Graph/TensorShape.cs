namespace MaskRcnn.Graph;

/// <summary>A TensorFlow <c>TensorShapeProto</c>: dimension sizes, -1 for unknown.</summary>
internal sealed record TensorShape
{
    /// <summary>Creates a shape from its dimensions.</summary>
    public TensorShape(params long[] dims) => Dims = dims ?? [];

    /// <summary>The dimension sizes; -1 means unknown.</summary>
    public IReadOnlyList<long> Dims { get; init; }

    /// <summary>True when even the number of dimensions is unknown.</summary>
    public bool UnknownRank { get; init; }

    /// <summary>The number of elements, or -1 when a dimension is unknown.</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Dims)
            {
                if (d < 0) return -1;
                n = checked(n * d);
            }
            return n;
        }
    }

    /// <inheritdoc />
    public bool Equals(TensorShape? other) =>
        other is not null && UnknownRank == other.UnknownRank && Dims.SequenceEqual(other.Dims);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var d in Dims) hash.Add(d);
        hash.Add(UnknownRank);
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => UnknownRank ? "<unknown rank>" : "[" + string.Join(",", Dims) + "]";
}
