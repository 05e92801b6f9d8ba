namespace MaskRcnn.Coco;

/// <summary>Maps the model's class ids to a dataset's COCO category ids.</summary>
public sealed class CocoCategoryMap
{
    private readonly Dictionary<int, long> _byClass;

    private CocoCategoryMap(Dictionary<int, long> byClass) => _byClass = byClass;

    /// <summary>
    /// Matches class names to category names (case-insensitive); classes without a match use the zoo models'
    /// convention, category id = class id + 1, when the dataset has that category.
    /// </summary>
    public static CocoCategoryMap FromLabels(LabelMap? labels, CocoDataset dataset, int classCount)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var byName = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in dataset.Categories) byName.TryAdd(c.Name, c.Id);
        var map = new Dictionary<int, long>();
        for (var classId = 0; classId < classCount; classId++)
        {
            if (labels?[classId] is { } name && byName.TryGetValue(name, out var id)) map[classId] = id;
            else if (dataset.TryGetCategory(classId + 1, out _)) map[classId] = classId + 1;
        }
        return new CocoCategoryMap(map);
    }

    /// <summary>The category of a class id, or null when the dataset has none for it (its detections are not evaluated).</summary>
    public long? CategoryOf(int classId) => _byClass.TryGetValue(classId, out var id) ? id : null;

    /// <summary>Number of classes with a category.</summary>
    public int Count => _byClass.Count;
}
