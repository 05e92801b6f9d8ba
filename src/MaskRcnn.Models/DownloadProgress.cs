namespace MaskRcnn.Models;

/// <summary>How far a download (or the extraction that follows it) has got.</summary>
/// <param name="Stage">What is being transferred.</param>
/// <param name="FileName">The file being written (its name only).</param>
/// <param name="BytesReceived">Bytes of the file so far, including any resumed from an earlier run.</param>
/// <param name="TotalBytes">The file's size, when the server (or the archive) says it.</param>
/// <param name="BytesPerSecond">The average rate of this run's transfer, in bytes per second.</param>
public readonly record struct DownloadProgress(DownloadStage Stage, string FileName, long BytesReceived, long? TotalBytes, double BytesPerSecond)
{
    /// <summary>The fraction done, from 0 to 1, when the total is known.</summary>
    public double? Fraction => TotalBytes is > 0 and var total ? Math.Min(1.0, (double)BytesReceived / total) : null;
}
