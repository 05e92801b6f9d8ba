using MaskRcnn.Graph;

namespace MaskRcnn;

/// <summary>
/// Class names by class id as the network outputs it (0-based, background excluded). Reads plain text (one name per
/// line) and TensorFlow <c>label_map.pbtxt</c> files (<c>item { id: 1 name: ... display_name: ... }</c>, 1-based ids
/// with gaps).
/// </summary>
public sealed class LabelMap
{
    private readonly string?[] _names;

    /// <summary>Creates a map from names indexed by class id; null entries are gaps.</summary>
    public LabelMap(IReadOnlyList<string?> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        _names = [.. names];
    }

    /// <summary>The names of the 90-id COCO label map the TF zoo models output (class id k is COCO id k + 1); ids
    /// COCO never used are <c>N/A</c>.</summary>
    private static readonly string[] Coco90Names =
    [
        "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
        "fire hydrant", "N/A", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep",
        "cow", "elephant", "bear", "zebra", "giraffe", "N/A", "backpack", "umbrella", "N/A", "N/A",
        "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove",
        "skateboard", "surfboard", "tennis racket", "bottle", "N/A", "wine glass", "cup", "fork", "knife", "spoon",
        "bowl", "banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut",
        "cake", "chair", "couch", "potted plant", "bed", "N/A", "dining table", "N/A", "N/A", "toilet",
        "N/A", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven", "toaster",
        "sink", "refrigerator", "N/A", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush",
    ];

    /// <summary>The COCO map of the TF zoo models: 90 classes, ids with gaps named <c>N/A</c>.</summary>
    public static LabelMap Coco90 { get; } = new(Coco90Names);

    /// <summary>Number of class ids the map covers (highest id + 1).</summary>
    public int ClassCount => _names.Length;

    /// <summary>The name of each class id, null for gaps.</summary>
    public IReadOnlyList<string?> Names => _names;

    /// <summary>The name of a class id, or null when the map has none.</summary>
    public string? this[int classId] => classId >= 0 && classId < _names.Length ? _names[classId] : null;

    /// <summary>The name of a class id, or <c>class N</c> when the map has none.</summary>
    public string NameOf(int classId) => this[classId] ?? $"class {classId}";

    /// <summary>Reads a labels file, plain text or <c>label_map.pbtxt</c> (detected from the content).</summary>
    /// <exception cref="LabelMapException">The file is missing, unreadable or malformed.</exception>
    public static LabelMap Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Runtime.FileKind.DescribeSpecial(path) is { } kind)
            throw new LabelMapException($"{path}: is {kind}, not a labels file; reading it could block or never end.");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LabelMapException($"{path}: cannot read the labels file ({e.Message}). Check the path and permissions.", e);
        }
        try
        {
            return Parse(text);
        }
        catch (LabelMapException e)
        {
            throw new LabelMapException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Parses plain text or <c>label_map.pbtxt</c> content.</summary>
    public static LabelMap Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return LooksLikeLabelMapProto(text) ? ParseLabelMapProto(text) : ParsePlainText(text);
    }

    /// <summary>Parses one name per line; line i is class id i. Blank lines at the end are ignored.</summary>
    public static LabelMap ParsePlainText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        if (lines.Count == 0) throw new LabelMapException("the labels file is empty; write one class name per line.");
        return new LabelMap(lines.Select(l => l.Length == 0 ? null : l).ToArray());
    }

    /// <summary>Parses a TF Object Detection API <c>label_map.pbtxt</c>: ids are 1-based, so id k is class id k-1.</summary>
    public static LabelMap ParseLabelMapProto(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        TextMessage root;
        try
        {
            root = new TextFormatParser(text).ParseRoot();
        }
        catch (GraphFormatException e)
        {
            throw new LabelMapException($"not a valid label_map.pbtxt ({e.Message})", e);
        }
        var entries = new Dictionary<int, string>();
        foreach (var item in root.Fields.Where(f => f.Name == "item"))
        {
            var message = item.Nested ?? throw new LabelMapException($"line {item.LineNumber}: 'item' must be a block item {{ ... }}.");
            int? id = null;
            string? name = null, display = null;
            foreach (var f in message.Fields)
            {
                try
                {
                    switch (f.Name)
                    {
                        case "id": id = checked((int)f.Integer()); break;
                        case "name": name = f.Text(); break;
                        case "display_name": display = f.Text(); break;
                        default: break;
                    }
                }
                catch (Exception e) when (e is GraphFormatException or OverflowException)
                {
                    throw new LabelMapException($"line {f.LineNumber}: {e.Message}", e);
                }
            }
            if (id is null) throw new LabelMapException($"line {item.LineNumber}: item has no id.");
            if (id < 1) throw new LabelMapException($"line {item.LineNumber}: id {id} is not allowed; ids start at 1 (0 is the background).");
            if (id > 100_000) throw new LabelMapException($"line {item.LineNumber}: id {id} is implausibly large.");
            if (!entries.TryAdd(id.Value - 1, display ?? name ?? $"class {id - 1}"))
                throw new LabelMapException($"line {item.LineNumber}: id {id} appears twice.");
        }
        if (entries.Count == 0) throw new LabelMapException("the label map has no item { id: ... } entries.");
        var names = new string?[entries.Keys.Max() + 1];
        foreach (var (classId, n) in entries) names[classId] = n;
        return new LabelMap(names);
    }

    private static bool LooksLikeLabelMapProto(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            return line.StartsWith("item", StringComparison.Ordinal) && (line.Contains('{', StringComparison.Ordinal) || line == "item");
        }
        return false;
    }
}
