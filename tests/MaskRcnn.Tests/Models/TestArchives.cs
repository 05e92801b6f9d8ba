using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace MaskRcnn.Tests.Models;

/// <summary>Builds tar and tar.gz bytes by hand, including entries no well-behaved tool would write.</summary>
internal static class TestArchives
{
    public sealed record Entry(string Name, byte[] Data, char Type = '0');

    public static byte[] Tar(params Entry[] entries)
    {
        using var tar = new MemoryStream();
        foreach (var entry in entries) WriteEntry(tar, entry);
        tar.Write(new byte[1024]);
        return tar.ToArray();
    }

    public static byte[] TarGz(params Entry[] entries) => Gzip(Tar(entries));

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(data);
        return output.ToArray();
    }

    /// <summary>A GNU long-name entry ('L') followed by the entry it names.</summary>
    public static Entry[] GnuLongName(string name, byte[] data) =>
    [
        new("././@LongLink", Encoding.UTF8.GetBytes(name + "\0"), 'L'),
        new(name[..Math.Min(99, name.Length)], data),
    ];

    /// <summary>A pax extended header ('x') giving the path, followed by the entry it describes.</summary>
    public static Entry[] PaxPath(string path, byte[] data, string headerName = "placeholder") =>
    [
        new("PaxHeaders/" + headerName, PaxRecord("path", path), 'x'),
        new(headerName, data),
    ];

    /// <summary>One pax record, "length key=value\n", the length counting its own digits.</summary>
    public static byte[] PaxRecord(string key, string value)
    {
        var rest = Encoding.UTF8.GetByteCount($" {key}={value}\n");
        var length = rest + 1;
        while (length != rest + length.ToString(CultureInfo.InvariantCulture).Length) length = rest + length.ToString(CultureInfo.InvariantCulture).Length;
        return Encoding.UTF8.GetBytes($"{length} {key}={value}\n");
    }

    public static byte[] Header(string name, long size, char type, Action<byte[]>? tweak = null)
    {
        var header = new byte[512];
        var nameBytes = Encoding.UTF8.GetBytes(name);
        if (nameBytes.Length > 100) throw new ArgumentException("name too long for a plain header", nameof(name));
        nameBytes.CopyTo(header, 0);
        Octal(header, 100, 8, 420); // mode 0644
        Octal(header, 108, 8, 0);
        Octal(header, 116, 8, 0);
        Octal(header, 124, 12, size);
        Octal(header, 136, 12, 1_517_097_600); // 2018-01-28
        header[156] = (byte)type;
        "ustar\0"u8.CopyTo(header.AsSpan(257));
        "00"u8.CopyTo(header.AsSpan(263));
        tweak?.Invoke(header);
        SetChecksum(header);
        return header;
    }

    public static void SetChecksum(byte[] header)
    {
        for (var i = 148; i < 156; i++) header[i] = (byte)' ';
        var sum = header.Sum(b => (long)b);
        var text = Convert.ToString(sum, 8).PadLeft(6, '0');
        Encoding.ASCII.GetBytes(text).CopyTo(header, 148);
        header[154] = 0;
        header[155] = (byte)' ';
    }

    private static void WriteEntry(Stream tar, Entry entry)
    {
        tar.Write(Header(entry.Name, entry.Data.Length, entry.Type));
        tar.Write(entry.Data);
        var padding = (512 - (entry.Data.Length % 512)) % 512;
        tar.Write(new byte[padding]);
    }

    private static void Octal(byte[] header, int offset, int length, long value)
    {
        var text = Convert.ToString(value, 8).PadLeft(length - 1, '0');
        Encoding.ASCII.GetBytes(text).CopyTo(header, offset);
        header[offset + length - 1] = 0;
    }

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
