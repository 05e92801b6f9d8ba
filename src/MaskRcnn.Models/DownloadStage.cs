namespace MaskRcnn.Models;

/// <summary>What a <see cref="DownloadProgress"/> report is about.</summary>
public enum DownloadStage
{
    /// <summary>Downloading the text graph.</summary>
    TextGraph,

    /// <summary>Downloading the model archive.</summary>
    Archive,

    /// <summary>Checking the archive's checksum.</summary>
    Verify,

    /// <summary>Extracting the frozen graph from the archive.</summary>
    Extract,
}
