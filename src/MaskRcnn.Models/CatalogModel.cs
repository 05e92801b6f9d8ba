namespace MaskRcnn.Models;

/// <summary>
/// One downloadable Mask R-CNN model: where its TensorFlow zoo archive is, which file inside it is the frozen graph,
/// where OpenCV's text graph for it is, its labels, and whatever checksums are known for it.
/// </summary>
/// <remarks>
/// Checksums are optional. When a checksum is null the downloader cannot verify the file: it computes the SHA-256 of
/// what it got, logs it, reports the download as <see cref="VerificationStatus.Unverified"/>, and the value can then be
/// pinned with <c>with { ArchiveSha256 = ... }</c>. Hex strings are compared case-insensitively.
/// </remarks>
public sealed record CatalogModel
{
    /// <summary>The short name, e.g. <c>inception_v2</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The model's name in the TensorFlow Object Detection API zoo, e.g.
    /// <c>mask_rcnn_inception_v2_coco_2018_01_28</c>. It names the model's cache folder, so it must be a plain file
    /// name (no path separators, no <c>..</c>).</summary>
    public required string ZooName { get; init; }

    /// <summary>The <c>.tar.gz</c> archive the zoo publishes.</summary>
    public required Uri ArchiveUrl { get; init; }

    /// <summary>The path of the frozen graph inside the archive, e.g.
    /// <c>mask_rcnn_inception_v2_coco_2018_01_28/frozen_inference_graph.pb</c>. Only this entry is extracted.</summary>
    public required string FrozenGraphEntry { get; init; }

    /// <summary>Where OpenCV's text graph (<c>.pbtxt</c>) for the model can be downloaded, or null when there is none.</summary>
    public Uri? TextGraphUrl { get; init; }

    /// <summary>True when a source confirms that a text graph exists at <see cref="TextGraphUrl"/>. When false the URL is
    /// only the place OpenCV would keep one; if it is missing there the downloader skips the text graph with a warning
    /// instead of failing.</summary>
    public bool TextGraphConfirmed { get; init; }

    /// <summary>A text graph you made yourself (for example with OpenCV's <c>samples/dnn/tf_text_graph_mask_rcnn.py</c>).
    /// When set, the downloader copies this file into the cache instead of downloading <see cref="TextGraphUrl"/>.</summary>
    public string? LocalTextGraphPath { get; init; }

    /// <summary>The class names the model outputs; the downloader writes them to the cache, one per line.</summary>
    public LabelMap Labels { get; init; } = LabelMap.Coco90;

    /// <summary>The side of the square masks the model predicts, when known.</summary>
    public int? MaskSize { get; init; }

    /// <summary>Where <see cref="MaskSize"/> comes from, when it is set.</summary>
    public string? MaskSizeSource { get; init; }

    /// <summary>The archive's size in bytes, when known; a server announcing another size is an error.</summary>
    public long? ArchiveSize { get; init; }

    /// <summary>The archive's SHA-256 (hex), when known.</summary>
    public string? ArchiveSha256 { get; init; }

    /// <summary>The archive's SHA-1 (hex), when a source publishes one (OpenCV's test-data scripts use SHA-1).</summary>
    public string? ArchiveSha1 { get; init; }

    /// <summary>The extracted frozen graph's SHA-1 (hex), when a source publishes one.</summary>
    public string? FrozenGraphSha1 { get; init; }

    /// <summary>The text graph's SHA-256 (hex), when known.</summary>
    public string? TextGraphSha256 { get; init; }

    /// <summary>What is known, and not known, about this entry.</summary>
    public string Notes { get; init; } = "";

    /// <summary>
    /// An entry for a Mask R-CNN model of the TensorFlow Object Detection API zoo, by the zoo's naming conventions:
    /// the archive at <see cref="ModelCatalog.ArchiveBaseUrl"/><c>&lt;zooName&gt;.tar.gz</c>, the frozen graph at
    /// <c>&lt;zooName&gt;/frozen_inference_graph.pb</c> inside it, an unconfirmed text graph URL under
    /// <see cref="ModelCatalog.TextGraphBaseUrl"/>, COCO labels and no checksums.
    /// </summary>
    /// <param name="zooName">The zoo name, e.g. <c>mask_rcnn_resnet50_atrous_coco_2018_01_28</c>.</param>
    /// <param name="name">The short name; the zoo name when null.</param>
    public static CatalogModel FromZooName(string zooName, string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(zooName);
        return new CatalogModel
        {
            Name = name ?? zooName,
            ZooName = zooName,
            ArchiveUrl = new Uri(ModelCatalog.ArchiveBaseUrl + zooName + ".tar.gz"),
            FrozenGraphEntry = zooName + "/frozen_inference_graph.pb",
            TextGraphUrl = new Uri(ModelCatalog.TextGraphBaseUrl + zooName + ".pbtxt"),
        };
    }

    /// <summary>The short name and the zoo name.</summary>
    public override string ToString() => $"{Name} ({ZooName})";
}
