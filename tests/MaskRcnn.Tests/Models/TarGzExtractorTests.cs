using System.Security.Cryptography;
using System.Text;
using MaskRcnn.Models;

namespace MaskRcnn.Tests.Models;

public sealed class TarGzExtractorTests
{
    private static async Task<byte[]> ExtractAsync(byte[] tarGz, string entry, long limit = 1 << 30)
    {
        using var archive = new MemoryStream(tarGz);
        using var output = new MemoryStream();
        var extracted = await TarGzExtractor.ExtractAsync(archive, entry, output, limit, withSha1: false, null, CancellationToken.None);
        Assert.Equal(output.Length, extracted.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(output.ToArray())), extracted.Sha256);
        return output.ToArray();
    }

    private static async Task<string> FailureAsync(byte[] tarGz, string entry, long limit = 1 << 30)
    {
        var e = await Assert.ThrowsAsync<InvalidArchiveException>(() => ExtractAsync(tarGz, entry, limit));
        return e.Message;
    }

    private static byte[] Block(byte[] header, byte[] data)
    {
        var padded = new byte[(data.Length + 511) / 512 * 512];
        data.CopyTo(padded, 0);
        return [.. header, .. padded];
    }

    [Fact]
    public async Task Finds_the_entry_with_or_without_a_leading_dot_slash_and_skips_the_others()
    {
        var data = TestArchives.RandomBytes(5_000, 7);
        var archive = TestArchives.TarGz(
            new TestArchives.Entry("./m/", [], '5'),
            new TestArchives.Entry("./m/link", [], '2'),
            new TestArchives.Entry("./m/a.bin", TestArchives.RandomBytes(1_234, 8)),
            new TestArchives.Entry("./m/graph.pb", data));

        Assert.Equal(data, await ExtractAsync(archive, "m/graph.pb"));
        Assert.Equal(data, await ExtractAsync(archive, "./m/graph.pb"));
    }

    [Fact]
    public async Task Joins_the_ustar_prefix_and_name_fields()
    {
        var data = Encoding.UTF8.GetBytes("prefixed");
        var header = TestArchives.Header("graph.pb", data.Length, '0', h => Encoding.ASCII.GetBytes("deep/folder").CopyTo(h, 345));
        var archive = TestArchives.Gzip([.. Block(header, data), .. new byte[1024]]);

        Assert.Equal(data, await ExtractAsync(archive, "deep/folder/graph.pb"));
    }

    [Fact]
    public async Task Reads_gnu_base256_sizes_and_pax_size_records()
    {
        var data = TestArchives.RandomBytes(777, 9);
        var base256 = TestArchives.Header("big.pb", 0, '0', h =>
        {
            Array.Clear(h, 124, 12);
            h[124] = 0x80;
            h[134] = (byte)(data.Length >> 8);
            h[135] = (byte)data.Length;
        });
        Assert.Equal(data, await ExtractAsync(TestArchives.Gzip([.. Block(base256, data), .. new byte[1024]]), "big.pb"));

        // A pax "size" overrides the header's (which may be 0 for files over 8 GiB).
        var pax = TestArchives.PaxRecord("size", data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var archive = TestArchives.Gzip([
            .. Block(TestArchives.Header("PaxHeaders/big.pb", pax.Length, 'x'), pax),
            .. Block(TestArchives.Header("big.pb", 0, '0'), data),
            .. new byte[1024]]);
        Assert.Equal(data, await ExtractAsync(archive, "big.pb"));
    }

    [Fact]
    public async Task A_pax_path_and_a_gnu_long_name_apply_to_the_next_entry_only()
    {
        var longName = "m/" + new string('n', 150) + "/graph.pb";
        var data = TestArchives.RandomBytes(600, 10);
        var archive = TestArchives.TarGz([
            .. TestArchives.GnuLongName(longName, data),
            .. TestArchives.PaxPath("m/ü/other.pb", [9], "short"),
            new TestArchives.Entry("m/plain.pb", [7])]);

        Assert.Equal(data, await ExtractAsync(archive, longName));
        Assert.Equal([9], await ExtractAsync(archive, "m/ü/other.pb"));
        Assert.Equal([7], await ExtractAsync(archive, "m/plain.pb"));
        Assert.Contains("has no file 'short'", await FailureAsync(archive, "short"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_header_checksum_is_not_a_tar_file()
    {
        var header = TestArchives.Header("graph.pb", 3, '0');
        header[0] ^= 0x20;
        var message = await FailureAsync(TestArchives.Gzip([.. Block(header, [1, 2, 3]), .. new byte[1024]]), "graph.pb");
        Assert.Contains("checksum does not match", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_archive_or_corrupt_gzip_data_is_reported()
    {
        var tar = TestArchives.Tar(new TestArchives.Entry("graph.pb", TestArchives.RandomBytes(4_000, 11)));
        Assert.Contains("truncated", await FailureAsync(TestArchives.Gzip(tar[..2_000]), "graph.pb"), StringComparison.Ordinal);

        var gz = TestArchives.Gzip(tar);
        for (var i = 20; i < gz.Length - 8; i++) gz[i] ^= 0x5A;
        Assert.Contains("corrupt", await FailureAsync(gz, "graph.pb"), StringComparison.Ordinal);

        Assert.Contains("empty", await FailureAsync([], "graph.pb"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_entry_twice_is_refused_as_ambiguous()
    {
        var archive = TestArchives.TarGz(new TestArchives.Entry("graph.pb", [1]), new TestArchives.Entry("./graph.pb", [2]));
        Assert.Contains("twice", await FailureAsync(archive, "graph.pb"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_limit_counts_every_entry_not_only_the_extracted_one()
    {
        var archive = TestArchives.TarGz(
            new TestArchives.Entry("padding1", new byte[30_000]),
            new TestArchives.Entry("padding2", new byte[30_000]),
            new TestArchives.Entry("graph.pb", [1, 2, 3]));
        Assert.Contains("expands past 50000 bytes", await FailureAsync(archive, "graph.pb", limit: 50_000), StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], await ExtractAsync(archive, "graph.pb", limit: 100_000));
    }

    [Theory]
    [InlineData("a/b.pb", null)]
    [InlineData("a/..b/c", null)]
    [InlineData("a/../b", "contains '..'")]
    [InlineData("..", "contains '..'")]
    [InlineData("/a", "is an absolute path")]
    [InlineData("\\a", "is an absolute path")]
    [InlineData("d:a", "is an absolute path (it names a drive)")]
    [InlineData("", "has an empty name")]
    public void UnsafeReason_flags_absolute_paths_and_parent_references(string name, string? reason) =>
        Assert.Equal(reason, TarGzExtractor.UnsafeReason(name));
}
