namespace MaskRcnn.Models;

/// <summary>Where a <see cref="ModelCache"/> got its folder from.</summary>
public enum ModelCacheSource
{
    /// <summary>The path passed to the constructor.</summary>
    Explicit,

    /// <summary>The <see cref="ModelCache.EnvironmentVariable"/> environment variable.</summary>
    EnvironmentVariable,

    /// <summary>The per-user default (see <see cref="ModelCache.DefaultRoot"/>).</summary>
    Default,
}
