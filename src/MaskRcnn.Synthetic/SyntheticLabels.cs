namespace MaskRcnn.Synthetic;

/// <summary>Label names for synthetic models.</summary>
public static class SyntheticLabels
{
    /// <summary>Names of the three classes of the default model, darkest band first.</summary>
    public static IReadOnlyList<string> ThreeClass { get; } = ["dim", "medium", "bright"];

    /// <summary>The labels for a model with <paramref name="numClasses"/> classes: COCO's 90 (ids with gaps named
    /// <c>N/A</c>) for 90, the three band names for 3, else <c>class0</c>, <c>class1</c>, ...</summary>
    public static IReadOnlyList<string> For(int numClasses) => numClasses switch
    {
        3 => ThreeClass,
        90 => LabelMap.Coco90.Names.Select(n => n ?? "N/A").ToArray(),
        _ => Enumerable.Range(0, numClasses).Select(i => $"class{i}").ToArray(),
    };
}
