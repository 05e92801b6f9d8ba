namespace MaskRcnn.Rendering;

/// <summary>How <see cref="OverlayRenderer"/> draws results. Sizes of 0 scale with the image.</summary>
public sealed record OverlayStyle
{
    /// <summary>The default style: translucent masks, outlines, boxes and captions.</summary>
    public static OverlayStyle Default { get; } = new();

    /// <summary>Opacity of the mask colour, 0..1. Default 0.5.</summary>
    public double MaskOpacity { get; init; } = 0.5;

    /// <summary>Draw translucent masks.</summary>
    public bool DrawMasks { get; init; } = true;

    /// <summary>Draw mask outlines.</summary>
    public bool DrawOutlines { get; init; } = true;

    /// <summary>Draw boxes.</summary>
    public bool DrawBoxes { get; init; } = true;

    /// <summary>Draw "label score" captions.</summary>
    public bool DrawCaptions { get; init; } = true;

    /// <summary>Line thickness in pixels; 0 picks one from the image size.</summary>
    public int LineThickness { get; init; }

    /// <summary>Caption font scale; 0 picks one from the image size so captions stay readable.</summary>
    public double FontScale { get; init; }

    /// <summary>Checks the values.</summary>
    public OverlayStyle Validate()
    {
        if (!(MaskOpacity is >= 0 and <= 1)) throw new ArgumentException($"MaskOpacity must be 0..1 but is {MaskOpacity}.", nameof(MaskOpacity));
        if (LineThickness is < 0 or > 100) throw new ArgumentException($"LineThickness must be 0..100 but is {LineThickness}.", nameof(LineThickness));
        if (FontScale is < 0 or > 50) throw new ArgumentException($"FontScale must be 0..50 but is {FontScale}.", nameof(FontScale));
        return this;
    }
}
