using OpenCvSharp;

namespace MaskRcnn.Synthetic;

/// <summary>What <see cref="SceneGenerator.Random(SceneGeneratorOptions, int)"/> generates.</summary>
/// <remarks>
/// Sizes and gaps are counted in cells of the model's proposal grid (<see cref="SyntheticModelOptions.CellSize"/> pixels
/// of the network input), converted to image pixels with <see cref="CellSize"/>.
/// </remarks>
public sealed record SceneGeneratorOptions
{
    /// <summary>Image size in pixels (default 800 x 800).</summary>
    public Size ImageSize { get; init; } = new(800, 800);

    /// <summary>The size the image is resized to for the network (default 800 x 800, as in OpenCV's own test).</summary>
    public Size InputSize { get; init; } = new(800, 800);

    /// <summary>One grid cell in image pixels; null (the default) means
    /// <see cref="SceneGenerator.GridCell(Size, Size)"/> of <see cref="ImageSize"/> and <see cref="InputSize"/>.</summary>
    public Size2d? CellSize { get; init; }

    /// <summary>Number of objects to place (default 4).</summary>
    public int ObjectCount { get; init; } = 4;

    /// <summary>The shapes to choose from, uniformly (default rectangles and ellipses). A shape listed twice is chosen
    /// twice as often.</summary>
    public IReadOnlyList<SceneShape> Shapes { get; init; } = [SceneShape.Rectangle, SceneShape.Ellipse];

    /// <summary>The bands to choose from, uniformly; null (the default) means every band of <see cref="Model"/>.</summary>
    public IReadOnlyList<int>? Bands { get; init; }

    /// <summary>Smallest object side in cells (default 2, the least a synthetic model detects).</summary>
    public int MinCells { get; init; } = 2;

    /// <summary>Largest object side in cells (default 12; never more than the model's
    /// <see cref="SyntheticModelOptions.MaxObjectCells"/>).</summary>
    public int MaxCells { get; init; } = 12;

    /// <summary>Largest ratio of an ellipse's long side to its short side, in cells (default 3). A long thin ellipse
    /// whose short side spans an even number of cells leaves both cells at each end of its long axis less than half
    /// covered, and a synthetic model's box then stops a cell short: from a ratio of 3.5 for 2 cells across, about 7 for
    /// 4 cells across.</summary>
    public double MaxEllipseAspect { get; init; } = 3;

    /// <summary>Empty cells required between any two objects' cell-snapped boxes (default 1; Chebyshev distance, so
    /// two objects are far enough apart when they are so along either axis).</summary>
    public int GapCells { get; init; } = 1;

    /// <summary>Empty cells kept between objects and the image border (default 1).</summary>
    public int MarginCells { get; init; } = 1;

    /// <summary>
    /// When true (the default), object edges are put only on grid lines that fall on whole image pixels, so the boxes a
    /// synthetic model reports match the drawn objects exactly. When the cell is a fraction of a pixel (e.g. 12.8 for a
    /// 640-pixel-wide image fed at 800), that is every few cells (every 5th for 12.8), and sizes and positions are
    /// multiples of that step. When false, every grid line is used and rounded to the nearest pixel.
    /// </summary>
    public bool PixelAligned { get; init; } = true;

    /// <summary>The background (default <see cref="SceneBackground.Dark"/>).</summary>
    public SceneBackground Background { get; init; } = SceneBackground.Dark;

    /// <summary>The model the scene is for (band count and band-to-class mapping); null means the 3-class model.</summary>
    public SyntheticModelOptions? Model { get; init; }

    /// <summary>Random placements tried per object before giving up (default 2000).</summary>
    public int MaxAttempts { get; init; } = 2000;
}
