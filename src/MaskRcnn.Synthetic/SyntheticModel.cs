using System.Text;
using MaskRcnn.Graph;

namespace MaskRcnn.Synthetic;

/// <summary>
/// A built synthetic model in the three forms a user meets: a self-contained frozen graph, a weights-only graph plus
/// an OpenCV text graph (how the zoo model and OpenCV's <c>.pbtxt</c> come), and a labels file.
/// </summary>
public sealed class SyntheticModel
{
    /// <summary>File name of the self-contained graph.</summary>
    public const string FrozenGraphFileName = "frozen_inference_graph.pb";

    /// <summary>File name of the weights-only graph.</summary>
    public const string WeightsFileName = "weights.pb";

    /// <summary>File name of the text graph.</summary>
    public const string TextGraphFileName = "graph.pbtxt";

    /// <summary>File name of the labels (one per line, line i = class id i).</summary>
    public const string LabelsFileName = "labels.txt";

    internal SyntheticModel(GraphBuilder builder, SyntheticModelOptions options, IReadOnlyList<string> labels)
    {
        Options = options;
        Labels = labels;
        FrozenGraph = builder.ToGraph(_ => true);
        WeightsGraph = builder.ToGraph(n => n.Op == "Const" && !builder.IsTextGraphConst(n));
        TextGraph = builder.ToGraph(n => n.Op != "Const" || builder.IsTextGraphConst(n));
    }

    /// <summary>The options the model was built with.</summary>
    public SyntheticModelOptions Options { get; }

    /// <summary>Class names, index = class id.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Every node: what a self-contained <c>.pb</c> holds.</summary>
    internal GraphDef FrozenGraph { get; }

    /// <summary>The weight constants only: the <c>.pb</c> half of the split form.</summary>
    internal GraphDef WeightsGraph { get; }

    /// <summary>The compute nodes and small structural constants: the <c>.pbtxt</c> half of the split form.</summary>
    internal GraphDef TextGraph { get; }

    /// <summary>The self-contained graph as <c>.pb</c> bytes.</summary>
    public byte[] FrozenGraphBytes() => GraphDefBinary.Write(FrozenGraph);

    /// <summary>The weights-only graph as <c>.pb</c> bytes.</summary>
    public byte[] WeightsBytes() => GraphDefBinary.Write(WeightsGraph);

    /// <summary>The text graph as <c>.pbtxt</c> text.</summary>
    public string TextGraphText() => GraphDefText.Write(TextGraph);

    /// <summary>The labels file's text.</summary>
    public string LabelsText() => string.Join('\n', Labels) + "\n";

    /// <summary>Writes the four files into <paramref name="directory"/> (created if missing) and returns their paths.</summary>
    public SyntheticModelFiles WriteTo(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var files = new SyntheticModelFiles(
            Path.Combine(directory, FrozenGraphFileName),
            Path.Combine(directory, WeightsFileName),
            Path.Combine(directory, TextGraphFileName),
            Path.Combine(directory, LabelsFileName));
        File.WriteAllBytes(files.FrozenGraph, FrozenGraphBytes());
        File.WriteAllBytes(files.Weights, WeightsBytes());
        File.WriteAllText(files.TextGraph, TextGraphText(), new UTF8Encoding(false));
        File.WriteAllText(files.Labels, LabelsText(), new UTF8Encoding(false));
        return files;
    }
}

/// <summary>Paths of a synthetic model written to disk.</summary>
/// <param name="FrozenGraph">Self-contained <c>.pb</c>.</param>
/// <param name="Weights">Weights-only <c>.pb</c>.</param>
/// <param name="TextGraph">Text graph <c>.pbtxt</c>.</param>
/// <param name="Labels">Labels file.</param>
public sealed record SyntheticModelFiles(string FrozenGraph, string Weights, string TextGraph, string Labels);
