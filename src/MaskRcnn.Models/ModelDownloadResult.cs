namespace MaskRcnn.Models;

/// <summary>What <see cref="ModelDownloader"/> put in the cache, and how it was checked.</summary>
public sealed record ModelDownloadResult
{
    /// <summary>The model.</summary>
    public required CatalogModel Model { get; init; }

    /// <summary>The model's files in the cache.</summary>
    public required ModelPaths Paths { get; init; }

    /// <summary>The frozen graph.</summary>
    public string FrozenGraphPath => Paths.FrozenGraph;

    /// <summary>The labels file.</summary>
    public string LabelsPath => Paths.Labels;

    /// <summary>The text graph, or null when it was not requested or (for a model whose text graph is unconfirmed) not
    /// found.</summary>
    public string? TextGraphPath { get; init; }

    /// <summary>How the model (its archive and frozen graph) was checked: the strongest check that passed.</summary>
    public required VerificationStatus ModelVerification { get; init; }

    /// <summary>How the text graph was checked, or null when there is none.</summary>
    public VerificationStatus? TextGraphVerification { get; init; }

    /// <summary>True when every file present was checked against a known checksum.</summary>
    public bool IsVerified => ModelVerification != VerificationStatus.Unverified
                              && TextGraphVerification is null or not VerificationStatus.Unverified;

    /// <summary>The SHA-256 of the archive, when this run downloaded or used one.</summary>
    public string? ArchiveSha256 { get; init; }

    /// <summary>The SHA-256 of the frozen graph, when this run extracted it.</summary>
    public string? FrozenGraphSha256 { get; init; }

    /// <summary>The SHA-256 of the text graph, when this run downloaded or copied it.</summary>
    public string? TextGraphSha256 { get; init; }

    /// <summary>True when the archive transfer continued an earlier, interrupted one.</summary>
    public bool Resumed { get; init; }

    /// <summary>True when everything was already in the cache and nothing was downloaded.</summary>
    public bool FromCache { get; init; }
}
