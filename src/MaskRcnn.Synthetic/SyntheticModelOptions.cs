namespace MaskRcnn.Synthetic;

/// <summary>
/// What a synthetic Mask R-CNN graph looks like. The model sees objects as solid gray shapes: each gray band
/// (<see cref="SyntheticPalette"/>) is one recognisable class.
/// </summary>
public sealed record SyntheticModelOptions
{
    /// <summary>Number of classes the model outputs (3 by default; 90 mimics the COCO zoo models).</summary>
    public int NumClasses { get; init; } = 3;

    /// <summary>Side of the per-instance mask the model outputs (15 like mask_rcnn_inception_v2; 33 for finer masks).</summary>
    public int MaskSize { get; init; } = 15;

    /// <summary>Rows of <c>detection_out_final</c> (the zoo text graphs use 100).</summary>
    public int MaxDetections { get; init; } = 100;

    /// <summary>Proposals kept by the first stage (the zoo text graphs use 100).</summary>
    public int MaxProposals { get; init; } = 100;

    /// <summary>Largest object extent the region proposal network measures, in 16-pixel cells of the network input.</summary>
    public int MaxObjectCells { get; init; } = 48;

    /// <summary>
    /// The class id (0-based, as in <c>detection_out_final</c>) of each gray band, darkest first. Default: classes
    /// 0, 1, 2 for a 3-class model; 0, 2, 17 (COCO person, car, dog) for a 90-class model.
    /// </summary>
    public IReadOnlyList<int>? BandClassIds { get; init; }

    /// <summary>The class id of each gray band, with the default filled in.</summary>
    public IReadOnlyList<int> ResolvedBandClassIds => BandClassIds ?? (NumClasses >= 90
        ? [0, 2, 17]
        : Enumerable.Range(0, Math.Min(NumClasses, 3)).ToArray());

    /// <summary>
    /// Adds <see cref="CostTower"/>: a backbone with the arithmetic of the real inception_v2 model (about 54 GFLOPs at
    /// 800x800, some 18 MB of weights) whose output the model adds with zero weight, so detections are unchanged and
    /// <c>Forward</c> takes a realistic time. For benchmarks; off by default.
    /// </summary>
    public bool RealisticForwardCost { get; init; }

    /// <summary>Side of one cell of the proposal grid, in network-input pixels.</summary>
    public const int CellSize = 16;

    /// <summary>Checks the options and throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public SyntheticModelOptions Validate()
    {
        if (NumClasses is < 1 or > 1000)
            throw new ArgumentException($"NumClasses must be 1..1000 but is {NumClasses}.", nameof(NumClasses));
        if (MaskSize is < 2 or > 128)
            throw new ArgumentException($"MaskSize must be 2..128 but is {MaskSize}.", nameof(MaskSize));
        if (MaxDetections is < 1 or > 10000)
            throw new ArgumentException($"MaxDetections must be 1..10000 but is {MaxDetections}.", nameof(MaxDetections));
        if (MaxProposals is < 1 or > 10000)
            throw new ArgumentException($"MaxProposals must be 1..10000 but is {MaxProposals}.", nameof(MaxProposals));
        if (MaxObjectCells is < 2 or > 128)
            throw new ArgumentException($"MaxObjectCells must be 2..128 but is {MaxObjectCells}.", nameof(MaxObjectCells));
        var bands = ResolvedBandClassIds;
        if (bands.Count is < 1 or > SyntheticPalette.MaxBands)
            throw new ArgumentException($"BandClassIds must name 1..{SyntheticPalette.MaxBands} classes but names {bands.Count}.", nameof(BandClassIds));
        foreach (var id in bands)
            if (id < 0 || id >= NumClasses)
                throw new ArgumentException($"Band class id {id} is outside 0..{NumClasses - 1}.", nameof(BandClassIds));
        if (bands.Distinct().Count() != bands.Count)
            throw new ArgumentException("BandClassIds must not repeat a class.", nameof(BandClassIds));
        return this;
    }
}
