namespace MaskRcnn.Coco;

/// <summary>
/// The settings of a COCO evaluation (pycocotools' <c>Params</c> for <c>bbox</c> and <c>segm</c>). The defaults are
/// the standard COCO detection settings and give the standard 12 summary numbers.
/// </summary>
public sealed record CocoEvaluationParameters
{
    /// <summary>Gets the standard settings.</summary>
    public static CocoEvaluationParameters Default { get; } = new();

    /// <summary>
    /// Gets the IoU thresholds: by default .50:.05:.95, computed as NumPy's <c>linspace(.5, .95, 10)</c> so every value
    /// is bit-identical to pycocotools' (the ninth is 0.8999999999999999).
    /// </summary>
    public IReadOnlyList<double> IouThresholds { get; init; } = Array.AsReadOnly(PyCompat.Linspace(0.5, 0.95, 10));

    /// <summary>
    /// Gets the recall points at which precision is sampled: by default 101 points 0:.01:1, computed as NumPy's
    /// <c>linspace(0, 1, 101)</c>, like pycocotools.
    /// </summary>
    public IReadOnlyList<double> RecallThresholds { get; init; } = Array.AsReadOnly(PyCompat.Linspace(0, 1, 101));

    /// <summary>Gets the limits on detections per image: by default 1, 10 and 100. The largest one applies to matching.</summary>
    public IReadOnlyList<int> MaxDetections { get; init; } = Array.AsReadOnly<int>([1, 10, 100]);

    /// <summary>
    /// Gets the object-area ranges: by default all <c>[0, 1e10]</c>, small <c>[0, 32²]</c>, medium <c>[32², 96²]</c>
    /// and large <c>[96², 1e10]</c>.
    /// </summary>
    public IReadOnlyList<CocoAreaRange> AreaRanges { get; init; } = Array.AsReadOnly(new[]
    {
        new CocoAreaRange("all", 0, 1e10),
        new CocoAreaRange("small", 0, 32 * 32),
        new CocoAreaRange("medium", 32 * 32, 96 * 96),
        new CocoAreaRange("large", 96 * 96, 1e10),
    });

    /// <summary>
    /// Gets whether categories are evaluated separately (the default). When <see langword="false"/>, detections may
    /// match ground truth of any category, as pycocotools' <c>useCats = 0</c>.
    /// </summary>
    public bool UseCategories { get; init; } = true;

    /// <summary>Gets the images to evaluate, or <see langword="null"/> (the default) for every image of the ground truth.</summary>
    public IReadOnlyList<long>? ImageIds { get; init; }

    /// <summary>
    /// Gets the categories to evaluate, or <see langword="null"/> (the default) for every category of the ground truth.
    /// </summary>
    public IReadOnlyList<long>? CategoryIds { get; init; }
}
