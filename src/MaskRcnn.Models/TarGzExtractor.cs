using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace MaskRcnn.Models;

/// <summary>What <see cref="TarGzExtractor"/> wrote.</summary>
internal sealed record ExtractedEntry(long Size, string Sha256, string? Sha1);

/// <summary>
/// Extracts one regular file from a <c>.tar.gz</c>, streaming. Reads POSIX ustar and GNU headers, GNU long names
/// (<c>L</c>), pax extended headers (<c>x</c>: <c>path</c>, <c>size</c>) and skips global pax headers, long link names,
/// links, devices and directories. Every entry is checked: an absolute path or a <c>..</c> component rejects the whole
/// archive, as does expanding (all entries together) beyond the configured limit. Nothing but the requested entry is
/// written, and it is written only to the stream the caller gives.
/// </summary>
internal sealed class TarGzExtractor
{
    private const int BlockSize = 512;
    private const int MaxMetadataBytes = 1 << 20;
    private const int MaxListedNames = 20;

    private readonly Stream _tar;
    private readonly long _maxExtractedBytes;
    private readonly byte[] _buffer = new byte[1 << 16];
    private long _consumed;

    private TarGzExtractor(Stream tar, long maxExtractedBytes)
    {
        _tar = tar;
        _maxExtractedBytes = maxExtractedBytes;
    }

    /// <summary>Writes the regular file <paramref name="entryName"/> of the archive to <paramref name="destination"/>.</summary>
    /// <param name="archive">The archive, positioned at its start.</param>
    /// <param name="entryName">The entry's path inside the archive (a leading <c>./</c> is ignored on both sides).</param>
    /// <param name="destination">Where the entry's bytes go.</param>
    /// <param name="maxExtractedBytes">The most bytes the archive may expand to, headers included.</param>
    /// <param name="withSha1">Whether to compute the entry's SHA-1 too.</param>
    /// <param name="onProgress">Called with (bytes written, entry size) while the entry is written.</param>
    /// <param name="cancellationToken">Stops the extraction.</param>
    /// <exception cref="InvalidArchiveException">The archive is not a .tar.gz, is unsafe, too large, or lacks the entry.</exception>
    public static async Task<ExtractedEntry> ExtractAsync(Stream archive, string entryName, Stream destination, long maxExtractedBytes,
        bool withSha1, Action<long, long>? onProgress, CancellationToken cancellationToken)
    {
        var magic = new byte[2];
        var got = await archive.ReadAtLeastAsync(magic, 2, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (got < 2 || magic[0] != 0x1F || magic[1] != 0x8B)
            throw new InvalidArchiveException(got == 0
                ? "the archive is empty."
                : $"the archive is not gzip-compressed (it starts with bytes {Convert.ToHexString(magic.AsSpan(0, got))}); the server may have sent an error page instead of the file.");
        archive.Seek(0, SeekOrigin.Begin);
        await using var gzip = new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true);
        try
        {
            return await new TarGzExtractor(gzip, maxExtractedBytes)
                .ExtractAsync(Normalize(entryName), destination, withSha1, onProgress, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidArchiveException($"the archive's gzip data is corrupt ({e.Message}).", e);
        }
    }

    private async Task<ExtractedEntry> ExtractAsync(string wanted, Stream destination, bool withSha1, Action<long, long>? onProgress, CancellationToken cancellationToken)
    {
        var header = new byte[BlockSize];
        string? longName = null, paxPath = null;
        long? paxSize = null;
        ExtractedEntry? extracted = null;
        var names = new List<string>();
        while (await ReadHeaderAsync(header, cancellationToken).ConfigureAwait(false))
        {
            var type = (char)header[156];
            var size = ParseSize(header);
            switch (type)
            {
                case 'L':
                    longName = CString(await ReadMetadataAsync(size, "GNU long name", cancellationToken).ConfigureAwait(false));
                    continue;
                case 'x':
                    var pax = await ReadMetadataAsync(size, "pax extended header", cancellationToken).ConfigureAwait(false);
                    (paxPath, paxSize) = ParsePax(pax, paxPath, paxSize);
                    continue;
                case 'K' or 'g':
                    await SkipEntryAsync(size, cancellationToken).ConfigureAwait(false);
                    continue;
            }

            var name = paxPath ?? longName ?? HeaderName(header);
            size = paxSize ?? size;
            longName = paxPath = null;
            paxSize = null;

            var unsafeReason = UnsafeReason(name);
            if (unsafeReason is not null)
                throw new InvalidArchiveException($"the archive entry '{name}' {unsafeReason}, which would escape the target folder; the archive is unsafe and nothing was extracted.");
            if (size > _maxExtractedBytes)
                throw new InvalidArchiveException(BombMessage($"its entry '{name}' alone is {size} bytes"));

            var normalized = Normalize(name);
            if (names.Count < MaxListedNames) names.Add(normalized);
            // Links, devices, directories and FIFOs have no data blocks (POSIX ustar).
            var hasData = type is not ('1' or '2' or '3' or '4' or '5' or '6');
            if (!hasData) continue;
            var isRegular = type is '0' or '\0' or '7';
            if (isRegular && normalized == wanted)
            {
                if (extracted is not null)
                    throw new InvalidArchiveException($"the archive holds '{wanted}' twice; refusing an ambiguous archive.");
                extracted = await CopyEntryAsync(size, destination, withSha1, onProgress, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await SkipEntryAsync(size, cancellationToken).ConfigureAwait(false);
            }
        }

        if (extracted is null)
        {
            var listed = names.Count == 0 ? "no entries" : "entries " + string.Join(", ", names) + (names.Count == MaxListedNames ? ", ..." : "");
            throw new InvalidArchiveException($"the archive has no file '{wanted}' (it has {listed}).");
        }
        return extracted;
    }

    /// <summary>Reads the next header; false at the end of the archive (a zero block or the end of the data).</summary>
    private async Task<bool> ReadHeaderAsync(byte[] header, CancellationToken cancellationToken)
    {
        var read = await ReadCountedAsync(header, BlockSize, cancellationToken).ConfigureAwait(false);
        if (read == 0) return false;
        if (read < BlockSize) throw new InvalidArchiveException("the archive is truncated (it ends inside an entry header).");
        if (header.All(b => b == 0)) return false;
        VerifyChecksum(header);
        return true;
    }

    private static void VerifyChecksum(byte[] header)
    {
        var stored = ParseOctal(header.AsSpan(148, 8), "header checksum");
        long unsigned = 0, signed = 0;
        for (var i = 0; i < BlockSize; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : header[i];
            unsigned += b;
            signed += (sbyte)b;
        }
        if (stored != unsigned && stored != signed)
            throw new InvalidArchiveException("the archive is not a valid tar file (an entry header's checksum does not match).");
    }

    private static string HeaderName(byte[] header)
    {
        var name = CString(header.AsSpan(0, 100));
        // POSIX ustar ("ustar\0" + "00") splits long names into prefix/name; GNU ("ustar  \0") uses that space otherwise.
        var isPosixUstar = header.AsSpan(257, 6).SequenceEqual("ustar\0"u8);
        if (isPosixUstar)
        {
            var prefix = CString(header.AsSpan(345, 155));
            if (prefix.Length > 0) name = prefix + "/" + name;
        }
        return name;
    }

    private static long ParseSize(byte[] header)
    {
        var field = header.AsSpan(124, 12);
        if ((field[0] & 0x80) != 0)
        {
            // GNU base-256: big-endian two's complement in the remaining bits.
            if ((field[0] & 0x40) != 0) throw new InvalidArchiveException("the archive is not a valid tar file (an entry has a negative size).");
            long value = field[0] & 0x3F;
            foreach (var b in field[1..])
            {
                if (value > (long.MaxValue >> 8)) throw new InvalidArchiveException("the archive is not a valid tar file (an entry's size overflows).");
                value = (value << 8) | b;
            }
            return value;
        }
        return ParseOctal(field, "entry size");
    }

    private static long ParseOctal(ReadOnlySpan<byte> field, string what)
    {
        long value = 0;
        var i = 0;
        while (i < field.Length && field[i] == ' ') i++;
        var start = i;
        for (; i < field.Length && field[i] is >= (byte)'0' and <= (byte)'7'; i++)
        {
            if (value > (long.MaxValue >> 3)) throw new InvalidArchiveException($"the archive is not a valid tar file (the {what} overflows).");
            value = (value << 3) + (field[i] - '0');
        }
        for (; i < field.Length; i++)
        {
            if (field[i] is not (0 or (byte)' ')) throw new InvalidArchiveException($"the archive is not a valid tar file (the {what} field is not an octal number).");
        }
        if (i == start && what == "header checksum") throw new InvalidArchiveException("the archive is not a valid tar file (an entry header has no checksum).");
        return value;
    }

    private static (string? Path, long? Size) ParsePax(byte[] bytes, string? path, long? size)
    {
        var position = 0;
        while (position < bytes.Length)
        {
            if (bytes[position] == 0) break;
            var space = Array.IndexOf(bytes, (byte)' ', position);
            if (space < 0 || !int.TryParse(Encoding.ASCII.GetString(bytes, position, space - position), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                || length <= space - position || position + length > bytes.Length || bytes[position + length - 1] != '\n')
                throw new InvalidArchiveException("the archive is not a valid tar file (a pax extended header is malformed).");
            Apply(Encoding.UTF8.GetString(bytes, space + 1, position + length - space - 2), ref path, ref size);
            position += length;
        }
        return (path, size);
    }

    private static void Apply(string record, ref string? path, ref long? size)
    {
        var equals = record.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0) throw new InvalidArchiveException("the archive is not a valid tar file (a pax record has no '=').");
        var key = record[..equals];
        var value = record[(equals + 1)..];
        if (key == "path") path = value;
        else if (key == "size")
        {
            if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                throw new InvalidArchiveException("the archive is not a valid tar file (a pax size is not a number).");
            size = parsed;
        }
    }

    private async Task<byte[]> ReadMetadataAsync(long size, string what, CancellationToken cancellationToken)
    {
        if (size > MaxMetadataBytes) throw new InvalidArchiveException($"the archive is not a valid tar file (a {what} of {size} bytes).");
        var data = new byte[(int)size];
        var read = await ReadCountedAsync(data, data.Length, cancellationToken).ConfigureAwait(false);
        if (read < data.Length) throw Truncated();
        await SkipBytesAsync(Padding(size), cancellationToken).ConfigureAwait(false);
        return data;
    }

    private async Task<ExtractedEntry> CopyEntryAsync(long size, Stream destination, bool withSha1, Action<long, long>? onProgress, CancellationToken cancellationToken)
    {
        using var sums = new Checksums(withSha1);
        long done = 0;
        while (done < size)
        {
            var want = (int)Math.Min(_buffer.Length, size - done);
            var read = await ReadCountedAsync(_buffer, want, cancellationToken).ConfigureAwait(false);
            if (read < want) throw Truncated();
            sums.Append(_buffer.AsSpan(0, read));
            await destination.WriteAsync(_buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            done += read;
            onProgress?.Invoke(done, size);
        }
        await SkipBytesAsync(Padding(size), cancellationToken).ConfigureAwait(false);
        var (sha256, sha1) = sums.Finish();
        return new ExtractedEntry(size, sha256, sha1);
    }

    /// <summary>The zero bytes that pad an entry of <paramref name="size"/> bytes to whole blocks.</summary>
    private static long Padding(long size) => (BlockSize - (size % BlockSize)) % BlockSize;

    /// <summary>Skips an entry's data and its padding.</summary>
    private Task SkipEntryAsync(long size, CancellationToken cancellationToken) => SkipBytesAsync(size + Padding(size), cancellationToken);

    private async Task SkipBytesAsync(long count, CancellationToken cancellationToken)
    {
        var remaining = count;
        while (remaining > 0)
        {
            var want = (int)Math.Min(_buffer.Length, remaining);
            var read = await ReadCountedAsync(_buffer, want, cancellationToken).ConfigureAwait(false);
            if (read < want) throw Truncated();
            remaining -= read;
        }
    }

    /// <summary>Reads up to <paramref name="count"/> bytes (fewer only at the end of the data), counting them against the limit.</summary>
    private async Task<int> ReadCountedAsync(byte[] buffer, int count, CancellationToken cancellationToken)
    {
        var read = await _tar.ReadAtLeastAsync(buffer.AsMemory(0, count), count, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        _consumed += read;
        if (_consumed > _maxExtractedBytes)
            throw new InvalidArchiveException(BombMessage($"it expands past {_maxExtractedBytes} bytes"));
        return read;
    }

    private string BombMessage(string what) =>
        $"the archive is too large once decompressed: {what}, beyond the limit of {_maxExtractedBytes} bytes (ModelDownloadOptions.MaxExtractedBytes); " +
        "refusing it as a possible decompression bomb. Raise the limit if you trust this archive.";

    private static InvalidArchiveException Truncated() => new("the archive is truncated (it ends inside an entry).");

    /// <summary>Why an entry name would escape the folder it is extracted to, or null when it stays inside.</summary>
    internal static string? UnsafeReason(string name)
    {
        if (name.Length == 0) return "has an empty name";
        var path = name.Replace('\\', '/');
        if (path.StartsWith('/')) return "is an absolute path";
        if (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':') return "is an absolute path (it names a drive)";
        foreach (var part in path.Split('/'))
        {
            if (part == "..") return "contains '..'";
        }
        return null;
    }

    /// <summary>The entry name with separators as '/', without leading <c>./</c> or trailing '/'.</summary>
    internal static string Normalize(string name)
    {
        var path = name.Replace('\\', '/');
        while (path.StartsWith("./", StringComparison.Ordinal)) path = path[2..];
        return path.TrimEnd('/');
    }

    private static string CString(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }
}
