namespace MaskRcnn.Synthetic;

/// <summary>What a scene's background looks like. Every background pixel is at most
/// <see cref="SyntheticPalette.BackgroundMax"/> on every channel, so a synthetic model never sees it as an object.</summary>
public enum SceneBackground
{
    /// <summary>All pixels 0.</summary>
    Black,

    /// <summary>All pixels the flat gray <see cref="SceneBuilder.DarkGray"/>.</summary>
    Dark,

    /// <summary>Uniform noise: every channel of every pixel drawn independently from 0..<see cref="SyntheticPalette.BackgroundMax"/>
    /// with a seeded generator, so the same seed gives the same pixels.</summary>
    Noisy,
}
