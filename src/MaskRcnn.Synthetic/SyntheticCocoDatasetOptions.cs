namespace MaskRcnn.Synthetic;

/// <summary>What <see cref="SyntheticCocoDataset.Write"/> generates.</summary>
public sealed record SyntheticCocoDatasetOptions
{
    /// <summary>Number of images (default 100).</summary>
    public int ImageCount { get; init; } = 100;

    /// <summary>
    /// How each scene is generated: image size, the network input size the objects are laid out for, shapes, bands,
    /// object sizes, background and model (default: <see cref="SceneGeneratorOptions"/>' defaults, 800 x 800
    /// rectangles and ellipses for the 3-class model). Its <see cref="SceneGeneratorOptions.ObjectCount"/> is ignored:
    /// each image gets between <see cref="MinObjects"/> and <see cref="MaxObjects"/> objects.
    /// </summary>
    public SceneGeneratorOptions Scenes { get; init; } = new();

    /// <summary>Fewest objects in an image (default 1; 0 allows images without objects).</summary>
    public int MinObjects { get; init; } = 1;

    /// <summary>Most objects in an image (default 6); each image's count is drawn uniformly from
    /// <see cref="MinObjects"/>..<see cref="MaxObjects"/>.</summary>
    public int MaxObjects { get; init; } = 6;

    /// <summary>
    /// Chance, 0..1, that a rectangle is annotated with a polygon (its four corners) instead of an RLE (default 0).
    /// A polygon is written only when it rasterises (as pycocotools does) to exactly the rectangle's pixels; otherwise
    /// the rectangle keeps its RLE.
    /// </summary>
    public double PolygonFraction { get; init; }

    /// <summary>
    /// Chance, 0..1, that an object is annotated as a crowd region (<c>iscrowd</c> 1, uncompressed RLE, as COCO stores
    /// crowds) instead of an instance (default 0). Evaluation neither requires a detection of a crowd region nor
    /// counts a detection that falls on one as a false positive.
    /// </summary>
    public double CrowdFraction { get; init; }

    /// <summary>
    /// The category name of each class id (category id = class id + 1, the zoo models' convention); null (the default)
    /// means <see cref="SyntheticLabels.For"/> the scene model's class count. Names <c>N/A</c> (the unused ids of
    /// <see cref="LabelMap.Coco90"/>) get no category, as in COCO.
    /// </summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>Checks the options and throws <see cref="ArgumentException"/> naming the bad one.</summary>
    /// <returns>These options.</returns>
    public SyntheticCocoDatasetOptions Validate()
    {
        if (ImageCount < 0)
            throw new ArgumentException($"ImageCount must not be negative but is {ImageCount}.", nameof(ImageCount));
        if (Scenes is null)
            throw new ArgumentException("Scenes must be set.", nameof(Scenes));
        if (MinObjects < 0 || MaxObjects < MinObjects)
            throw new ArgumentException($"MinObjects..MaxObjects must be a range of counts from 0 up but is {MinObjects}..{MaxObjects}.", nameof(MinObjects));
        if (!(PolygonFraction is >= 0 and <= 1))
            throw new ArgumentException($"PolygonFraction must be 0..1 but is {PolygonFraction}.", nameof(PolygonFraction));
        if (!(CrowdFraction is >= 0 and <= 1))
            throw new ArgumentException($"CrowdFraction must be 0..1 but is {CrowdFraction}.", nameof(CrowdFraction));
        var model = (Scenes.Model ?? new SyntheticModelOptions()).Validate();
        if (Labels is not null && Labels.Count != model.NumClasses)
            throw new ArgumentException($"Labels names {Labels.Count} classes but the scene model has {model.NumClasses}.", nameof(Labels));
        var labels = Labels ?? SyntheticLabels.For(model.NumClasses);
        foreach (var classId in model.ResolvedBandClassIds)
            if (!SyntheticCocoDataset.HasCategory(labels[classId]))
                throw new ArgumentException($"Class {classId}, which scenes contain, is named '{labels[classId]}' and so gets no category.", nameof(Labels));
        return this;
    }
}
