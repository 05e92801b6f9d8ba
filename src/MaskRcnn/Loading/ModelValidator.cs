using System.Text;
using MaskRcnn.Graph;

namespace MaskRcnn.Loading;

/// <summary>What validation learned about a model before OpenCV saw it.</summary>
internal sealed record ValidatedModel(GraphDef Topology, int NumClasses, int ConstCount, int LayerCount);

/// <summary>
/// Checks model files with our own GraphDef reader before OpenCV sees them, so that problems OpenCV would report
/// with an assertion (or not survive) become messages that name the file, the node and the fix.
/// </summary>
internal static class ModelValidator
{
    public const string InputName = "image_tensor";
    public const string DetectionsName = "detection_out_final";
    public const string MasksName = "detection_masks";

    // Byte sizes of the types a Const may hold; OpenCV reads tensor_content by these.
    private static readonly Dictionary<TensorDataType, int> ElementSizes = new()
    {
        [TensorDataType.DT_FLOAT] = 4, [TensorDataType.DT_DOUBLE] = 8, [TensorDataType.DT_INT32] = 4,
        [TensorDataType.DT_UINT8] = 1, [TensorDataType.DT_INT16] = 2, [TensorDataType.DT_INT8] = 1,
        [TensorDataType.DT_INT64] = 8, [TensorDataType.DT_BOOL] = 1, [TensorDataType.DT_HALF] = 2,
    };

    public static ValidatedModel Validate(ModelSource model, ModelSource? textGraph)
    {
        if (LooksLikeText(model.Bytes))
            throw new ModelLoadException(model.Name,
                "looks like a text graph (.pbtxt), not a binary frozen graph (.pb). Pass the frozen .pb first and the .pbtxt as the text graph.");
        var binary = Parse(model.Name, () => GraphDefBinary.Read(model.Bytes), "binary GraphDef (.pb)");
        GraphDef? text = null;
        if (textGraph is not null)
        {
            if (!LooksLikeText(textGraph.Bytes))
                throw new ModelLoadException(textGraph.Name,
                    "is not a text graph: it is binary. Pass the .pbtxt written by OpenCV's tf_text_graph_mask_rcnn.py here, and the frozen .pb as the model.");
            var content = Encoding.UTF8.GetString(textGraph.Bytes);
            text = Parse(textGraph.Name, () => GraphDefText.Read(content), "text graph (.pbtxt)");
        }

        var topologySource = textGraph?.Name ?? model.Name;
        var topology = text ?? binary;
        if (binary.Nodes.Count == 0)
            throw new ModelLoadException(model.Name, "holds no graph nodes; it is not a TensorFlow frozen graph.");
        if (text is null && binary.Nodes.All(n => n.Op == "Const"))
            throw new ModelLoadException(model.Name,
                "holds only weights (every node is a Const), so OpenCV would build an empty net. Pass the text graph (.pbtxt) that goes with it.");

        CheckUniqueNames(topologySource, topology);
        CheckRequiredNodes(topologySource, topology);
        CheckNotTrainingGraph(topologySource, topology);

        var binaryConsts = binary.Nodes.Where(n => n.Op == "Const").ToDictionary(n => n.Name, StringComparer.Ordinal);
        if (text is not null)
        {
            var repeated = text.Nodes.Where(n => n.Op == "Const" && binaryConsts.ContainsKey(n.Name)).Select(n => n.Name).ToList();
            if (repeated.Count > 0)
                throw new ModelLoadException(textGraph!.Name,
                    $"repeats {repeated.Count} Const node(s) of {model.Name} ({Quote(repeated)}); OpenCV aborts on that " +
                    "(const_layers.insert assertion). Remove those nodes from the text graph, or regenerate it with tf_text_graph_mask_rcnn.py.");
        }
        foreach (var node in binary.Nodes.Where(n => n.Op == "Const")) CheckConst(model.Name, node);
        if (text is not null)
            foreach (var node in text.Nodes.Where(n => n.Op == "Const")) CheckConst(textGraph!.Name, node);

        var known = new HashSet<string>(topology.Nodes.Select(n => n.Name), StringComparer.Ordinal);
        known.UnionWith(binaryConsts.Keys);
        foreach (var node in topology.Nodes)
        {
            foreach (var input in node.Inputs)
            {
                var name = InputNodeName(input);
                if (name.Length > 0 && !known.Contains(name))
                    throw new ModelLoadException(topologySource,
                        $"node '{node.Name}' ({node.Op}) takes input '{name}', which " +
                        (text is null ? "the graph does not define." : $"neither this text graph nor {model.Name} defines; the text graph was probably made for another model."));
            }
        }

        foreach (var node in topology.Nodes) CheckInputCount(topologySource, node);

        var final = topology.Find(DetectionsName)!;
        if (final.Op != "DetectionOutput")
            throw new ModelLoadException(topologySource,
                $"node '{DetectionsName}' is a {final.Op}, but OpenCV's Mask R-CNN text graph makes it a DetectionOutput. " +
                "Pass the .pbtxt written by tf_text_graph_mask_rcnn.py as the text graph.");
        var numClasses = final.Attr("num_classes") is { Kind: AttrKind.I } nc ? nc.IntValue : 0;
        if (numClasses is <= 0 or > 100_000)
            throw new ModelLoadException(topologySource, $"node '{DetectionsName}' has num_classes {numClasses}; it must be a positive class count.");

        var consts = new Dictionary<string, NodeDef>(binaryConsts, StringComparer.Ordinal);
        foreach (var node in topology.Nodes.Where(n => n.Op == "Const")) consts.TryAdd(node.Name, node);
        CheckPredictorWidth(topologySource, model.Name, topology, consts, numClasses, "SecondStageBoxPredictor/ClassPredictor/MatMul", numClasses + 1, "scores for");
        CheckPredictorWidth(topologySource, model.Name, topology, consts, numClasses, "SecondStageBoxPredictor/BoxEncodingPredictor/MatMul", 4 * numClasses, "4 box values per class for");

        return new ValidatedModel(topology, (int)numClasses, binaryConsts.Count, topology.Nodes.Count(n => n.Op != "Const"));
    }

    private static GraphDef Parse(string name, Func<GraphDef> parse, string what)
    {
        try
        {
            return parse();
        }
        catch (GraphFormatException e)
        {
            throw new ModelLoadException(name, $"is not a valid {what}: {e.Message} The file may be truncated or of another format.", e);
        }
    }

    private static void CheckUniqueNames(string source, GraphDef graph)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            if (node.Name.Length == 0) throw new ModelLoadException(source, $"has a {node.Op} node without a name.");
            if (!seen.Add(node.Name)) throw new ModelLoadException(source, $"defines node '{node.Name}' twice.");
        }
    }

    private static void CheckRequiredNodes(string source, GraphDef graph)
    {
        string[] required = [InputName, DetectionsName, MasksName];
        var missing = required.Where(r => graph.Find(r) is null).ToList();
        if (missing.Count == 0)
        {
            if (graph.Find(InputName)!.Op != "Placeholder")
                throw new ModelLoadException(source, $"node '{InputName}' is a {graph.Find(InputName)!.Op}; the network input must be a Placeholder.");
            return;
        }
        var consumed = new HashSet<string>(graph.Nodes.SelectMany(n => n.Inputs).Select(InputNodeName), StringComparer.Ordinal);
        var outputs = graph.Nodes.Where(n => n.Op != "Const" && !consumed.Contains(n.Name)).Select(n => n.Name).ToList();
        var hint = missing.Contains(MasksName) && !missing.Contains(DetectionsName)
            ? " It may be a Faster R-CNN graph, which has no masks."
            : " Pass the text graph (.pbtxt) made by OpenCV's tf_text_graph_mask_rcnn.py for this model.";
        throw new ModelLoadException(source,
            $"is not a Mask R-CNN graph OpenCV can run: it has no node named {Quote(missing)}. " +
            $"Its {graph.Nodes.Count} nodes end in {Quote(outputs)}.{hint}");
    }

    private static void CheckNotTrainingGraph(string source, GraphDef graph)
    {
        var variable = graph.Nodes.FirstOrDefault(n => n.Op is "VariableV2" or "VarHandleOp" or "ReadVariableOp" or "Variable");
        if (variable is not null)
            throw new ModelLoadException(source,
                $"contains variable node '{variable.Name}' ({variable.Op}); OpenCV runs only frozen graphs. Export with the TF Object Detection API's export_inference_graph.py.");
    }

    /// <summary>
    /// OpenCV's TensorFlow importer reads a node's inputs by position without checking how many there are, so a node
    /// with too few (e.g. a MaxPool without its input) makes it read past the end of a protobuf list and crash the
    /// process. Every op needs at least the inputs the importer reads.
    /// </summary>
    private static void CheckInputCount(string source, NodeDef node)
    {
        var required = MinimumInputs.TryGetValue(node.Op, out var n) ? n : node.Op is "Placeholder" or "Const" or "NoOp" ? 0 : 1;
        var data = node.Inputs.Count(i => !i.StartsWith('^'));
        // No layer OpenCV runs takes thousands of inputs; a node that lists more is damaged or hostile, and
        // OpenCV's importer walks every input of every node.
        if (node.Inputs.Count > MaxInputs)
            throw new ModelLoadException(source, $"node '{node.Name}' ({node.Op}) lists {node.Inputs.Count} inputs, more than the {MaxInputs} any graph OpenCV runs needs; the file is damaged.");
        if (data < required)
            throw new ModelLoadException(source,
                $"node '{node.Name}' ({node.Op}) has {data} input(s) but needs {required}; the graph is damaged. Regenerate it, or use the original file.");
    }

    /// <summary>
    /// A text graph made for another model declares its own class count, and OpenCV only finds out at the first
    /// forward pass (a DetectionOutput shape assertion). The second-stage predictors' weights say how many classes the
    /// weights were trained for.
    /// </summary>
    private static void CheckPredictorWidth(string source, string weightsSource, GraphDef topology, Dictionary<string, NodeDef> consts,
        long numClasses, string predictor, long expected, string meaning)
    {
        var node = topology.Find(predictor);
        if (node is null) return;
        var weights = node.Inputs.Select(InputNodeName).Select(consts.GetValueOrDefault).FirstOrDefault(c => c is not null);
        if (weights?.ConstValue?.Shape.Dims is not { Count: 2 } dims || dims[1] == expected) return;
        throw new ModelLoadException(source,
            $"declares {numClasses} classes (num_classes of '{DetectionsName}'), " +
            $"but '{weights.Name}' in {weightsSource} has shape {weights.ConstValue.Shape}, not {expected} columns ({meaning} each class). " +
            "The text graph was made for another model: use the .pbtxt made for these weights.");
    }

    private const int MaxInputs = 10_000;

    private static readonly Dictionary<string, int> MinimumInputs = new(StringComparer.Ordinal)
    {
        ["Placeholder"] = 0, ["Const"] = 0, ["NoOp"] = 0,
        ["Conv2D"] = 2, ["DepthwiseConv2dNative"] = 2, ["Conv2DBackpropInput"] = 3, ["BiasAdd"] = 2, ["MatMul"] = 2,
        ["Add"] = 2, ["AddV2"] = 2, ["Sub"] = 2, ["Mul"] = 2, ["RealDiv"] = 2, ["Maximum"] = 2, ["Minimum"] = 2,
        ["ConcatV2"] = 2, ["Concat"] = 2, ["Reshape"] = 2, ["Transpose"] = 2, ["Mean"] = 2, ["Sum"] = 2, ["Max"] = 2,
        ["Pad"] = 2, ["ResizeBilinear"] = 2, ["ResizeNearestNeighbor"] = 2, ["Split"] = 2, ["PriorBox"] = 2,
        ["Slice"] = 3, ["CropAndResize"] = 3, ["DetectionOutput"] = 3, ["StridedSlice"] = 4,
        ["FusedBatchNorm"] = 5, ["FusedBatchNormV3"] = 5,
    };

    private static void CheckConst(string source, NodeDef node)
    {
        var tensor = node.ConstValue;
        if (tensor is null)
            throw new ModelLoadException(source, $"Const node '{node.Name}' has no tensor 'value' attribute.");
        long count = 1;
        foreach (var d in tensor.Shape.Dims)
        {
            if (d < 0) throw new ModelLoadException(source, $"Const node '{node.Name}' has a negative dimension in shape {tensor.Shape}.");
            if (d > 0 && count > int.MaxValue / d)
                throw new ModelLoadException(source, $"Const node '{node.Name}' declares shape {tensor.Shape}, too large for any model.");
            count *= d;
        }
        if (!tensor.Content.IsEmpty)
        {
            if (!ElementSizes.TryGetValue(tensor.DataType, out var size))
                throw new ModelLoadException(source, $"Const node '{node.Name}' holds {tensor.DataType} data, which OpenCV cannot load.");
            if (tensor.Content.Length != count * size)
                throw new ModelLoadException(source,
                    $"Const node '{node.Name}' has {tensor.Content.Length} bytes of data but its shape {tensor.Shape} of {tensor.DataType} needs {count * size}; the file is corrupt.");
            return;
        }
        var listed = Math.Max(Math.Max(tensor.FloatValues.Count, tensor.IntValues.Count), Math.Max(tensor.Int64Values.Count, tensor.DoubleValues.Count));
        if (listed > 1 && listed != count)
            throw new ModelLoadException(source,
                $"Const node '{node.Name}' lists {listed} values but its shape {tensor.Shape} holds {count}; the file is corrupt.");
    }

    private static string InputNodeName(string input)
    {
        var name = input.StartsWith('^') ? input[1..] : input;
        var colon = name.LastIndexOf(':');
        return colon > 0 && name[(colon + 1)..].All(char.IsAsciiDigit) ? name[..colon] : name;
    }

    private static string Quote(IEnumerable<string> names)
    {
        var list = names.Take(8).Select(n => $"'{n}'").ToList();
        return list.Count == 0 ? "(none)" : string.Join(", ", list);
    }

    /// <summary>
    /// Text graphs contain no control characters other than whitespace and start with a field name; binary graphs
    /// use bytes such as 0x12 and 0x1A as field tags within their first few bytes.
    /// </summary>
    private static bool LooksLikeText(byte[] bytes)
    {
        var n = Math.Min(bytes.Length, 4096);
        if (n == 0) return false;
        for (var i = 0; i < n; i++)
        {
            var b = bytes[i];
            if (b < 32 && b is not (9 or 10 or 12 or 13)) return false;
        }
        var start = 0;
        while (start < n && (bytes[start] is 9 or 10 or 12 or 13 or 32 || bytes[start] == (byte)'#'))
        {
            if (bytes[start] == (byte)'#')
                while (start < n && bytes[start] != 10) start++;
            else start++;
        }
        return start < n && (char.IsAsciiLetter((char)bytes[start]) || bytes[start] == (byte)'_');
    }
}
