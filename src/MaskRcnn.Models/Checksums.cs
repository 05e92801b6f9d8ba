using System.Security.Cryptography;

namespace MaskRcnn.Models;

/// <summary>SHA-256 (and, where a published sum needs it, SHA-1) of files and streams, as lowercase hex.</summary>
internal sealed class Checksums : IDisposable
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    // SHA-1 only compares files against sums OpenCV publishes in that form; it protects against corruption, and the
    // SHA-256 is always computed and reported alongside.
    private readonly IncrementalHash? _sha1;

    public Checksums(bool withSha1)
    {
        if (withSha1) _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        _sha256.AppendData(data);
        _sha1?.AppendData(data);
    }

    public (string Sha256, string? Sha1) Finish() =>
        (ToHex(_sha256.GetHashAndReset()), _sha1 is null ? null : ToHex(_sha1.GetHashAndReset()));

    public void Dispose()
    {
        _sha256.Dispose();
        _sha1?.Dispose();
    }

    public static async Task<(string Sha256, string? Sha1)> OfFileAsync(string path, bool withSha1, Action<long>? onProgress, CancellationToken cancellationToken)
    {
        using var sums = new Checksums(withSha1);
        var buffer = new byte[1 << 20];
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        long done = 0;
        int read;
        while ((read = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            sums.Append(buffer.AsSpan(0, read));
            done += read;
            onProgress?.Invoke(done);
        }
        return sums.Finish();
    }

    /// <summary>Whether a hex checksum matches another, ignoring case.</summary>
    public static bool Same(string expected, string actual) => string.Equals(expected.Trim(), actual, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="value"/> is <paramref name="bytes"/> bytes of hex.</summary>
    public static bool IsHex(string value, int bytes) => value.Trim().Length == bytes * 2 && value.Trim().All(char.IsAsciiHexDigit);

    public static string ToHex(ReadOnlySpan<byte> hash)
    {
        const string digits = "0123456789abcdef";
        Span<char> chars = stackalloc char[hash.Length * 2];
        for (var i = 0; i < hash.Length; i++)
        {
            chars[2 * i] = digits[hash[i] >> 4];
            chars[(2 * i) + 1] = digits[hash[i] & 0xF];
        }
        return new string(chars);
    }
}
