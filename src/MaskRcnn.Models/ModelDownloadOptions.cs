namespace MaskRcnn.Models;

/// <summary>Limits and choices for <see cref="ModelDownloader"/>.</summary>
public sealed record ModelDownloadOptions
{
    /// <summary>The default options.</summary>
    public static ModelDownloadOptions Default { get; } = new();

    /// <summary>When set, every URL is fetched from this address instead of its own host: its path (and query) is
    /// appended to this one. Use it for a mirror, or to point tests at a local server.</summary>
    public Uri? BaseAddress { get; init; }

    /// <summary>The largest archive accepted, in bytes (default 4 GiB). A larger announced size is refused before the
    /// transfer starts; a transfer that grows past it is stopped and discarded.</summary>
    public long MaxDownloadBytes { get; init; } = 4L << 30;

    /// <summary>The largest text graph accepted, in bytes (default 64 MiB).</summary>
    public long MaxTextGraphBytes { get; init; } = 64L << 20;

    /// <summary>The most bytes the archive may expand to, all entries together (default 2 GiB). A larger archive is
    /// refused as a possible decompression bomb.</summary>
    public long MaxExtractedBytes { get; init; } = 2L << 30;

    /// <summary>How many times an interrupted transfer is resumed automatically in one run (default 3; 0 leaves the
    /// <c>.partial</c> file for the next run).</summary>
    public int MaxResumeAttempts { get; init; } = 3;

    /// <summary>How long to wait before resuming an interrupted transfer (default 2 s).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a transfer may go without receiving a byte before it counts as interrupted (default 60 s).</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether to get the text graph too (default true).</summary>
    public bool IncludeTextGraph { get; init; } = true;

    /// <summary>Whether to keep the archive in the cache after extracting it (default false).</summary>
    public bool KeepArchive { get; init; }

    /// <summary>Whether to download again files that are already in the cache (default false).</summary>
    public bool Overwrite { get; init; }

    /// <summary>The least time between two progress reports for one file (default 100 ms); the last report of each
    /// file is always sent.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    internal void Validate()
    {
        if (BaseAddress is { IsAbsoluteUri: false })
            throw new ArgumentException("BaseAddress must be an absolute address, e.g. http://127.0.0.1:8080/.", nameof(BaseAddress));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxDownloadBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxTextGraphBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxExtractedBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxResumeAttempts);
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReadTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(ProgressInterval, TimeSpan.Zero);
    }
}
