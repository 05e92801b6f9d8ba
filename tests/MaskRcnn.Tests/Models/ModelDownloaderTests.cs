using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using MaskRcnn.Models;
using Microsoft.Extensions.Logging;

namespace MaskRcnn.Tests.Models;

/// <summary>
/// The downloader against a real HTTP server on 127.0.0.1, with archives built byte by byte: nothing leaves this machine.
/// </summary>
public sealed class ModelDownloaderTests : IDisposable
{
    private const string Zoo = "mask_rcnn_test_coco_2018_01_28";

    private static readonly byte[] FrozenGraph = TestArchives.RandomBytes(300_000, 1);
    private static readonly byte[] TextGraph = Encoding.UTF8.GetBytes("node { name: \"image_tensor\" op: \"Placeholder\" }\n");

    /// <summary>A zoo-like archive: a folder, checkpoint files, the config, the frozen graph, a saved model.</summary>
    private static readonly byte[] Archive = TestArchives.TarGz(
        new TestArchives.Entry(Zoo + "/", [], '5'),
        new TestArchives.Entry(Zoo + "/model.ckpt.data-00000-of-00001", TestArchives.RandomBytes(40_000, 2)),
        new TestArchives.Entry(Zoo + "/pipeline.config", Encoding.UTF8.GetBytes("model { faster_rcnn { num_classes: 90 } }\n")),
        new TestArchives.Entry(Zoo + "/frozen_inference_graph.pb", FrozenGraph),
        new TestArchives.Entry(Zoo + "/saved_model/saved_model.pb", TestArchives.RandomBytes(10_000, 3)));

    private readonly TempFolder _temp = new();
    private readonly TestLogger _log = new();

    public void Dispose() => _temp.Dispose();

    private static CatalogModel TestModel => CatalogModel.FromZooName(Zoo, "test") with { TextGraphConfirmed = true };

    private ModelPaths Paths => new ModelCache(_temp.Path).PathsFor(TestModel);

    private ModelDownloader Downloader(LoopbackHttpServer server, ModelDownloadOptions? options = null) =>
        new(new ModelCache(_temp.Path),
            (options ?? new ModelDownloadOptions()) with
            {
                BaseAddress = server.BaseAddress,
                RetryDelay = TimeSpan.Zero,
                ProgressInterval = options?.ProgressInterval ?? TimeSpan.Zero,
            },
            logger: _log);

    /// <summary>Serves the text graph and the archive (built by <paramref name="archive"/> per request).</summary>
    private static LoopbackHttpServer Serve(Func<ServerRequest, ServerReply> archive, byte[]? textGraph = null, int maxRequests = 16) =>
        new(request => request.Path.EndsWith(".pbtxt", StringComparison.Ordinal)
                ? textGraph is null ? ServerReply.NotFound() : ServerReply.File(textGraph, request)
                : request.Path.EndsWith(".tar.gz", StringComparison.Ordinal) ? archive(request) : ServerReply.NotFound(),
            maxRequests);

    private static LoopbackHttpServer Serve(byte[] archive) => Serve(request => ServerReply.File(archive, request), TextGraph);

    private static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

#pragma warning disable CA5350 // SHA-1 only mirrors the sums OpenCV publishes.
    private static string Sha1(byte[] data) => Convert.ToHexStringLower(SHA1.HashData(data));
#pragma warning restore CA5350

    private string[] FilesLeft() => Directory.Exists(Paths.Directory)
        ? [.. Directory.GetFiles(Paths.Directory).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)]
        : [];

    // ---------------------------------------------------------------- success

    [Fact]
    public async Task Downloads_the_text_graph_and_archive_extracts_only_the_frozen_graph_and_writes_the_labels()
    {
        await using var server = Serve(Archive);
        using var downloader = Downloader(server);
        var progress = new RecordingProgress();

        var result = await downloader.DownloadAsync(TestModel, progress);

        var paths = Paths;
        Assert.Equal(FrozenGraph, File.ReadAllBytes(paths.FrozenGraph));
        Assert.Equal(TextGraph, File.ReadAllBytes(paths.TextGraph));
        Assert.Equal(paths.TextGraph, result.TextGraphPath);
        Assert.Equal(paths.FrozenGraph, result.FrozenGraphPath);
        // Only the three final files remain: no archive, no .partial, no temporary files, no other entries.
        Assert.Equal(["frozen_inference_graph.pb", "labels.txt", Zoo + ".pbtxt"], FilesLeft());
        Assert.Empty(Directory.GetDirectories(paths.Directory));

        // The labels: the COCO names, one per line, readable back as the same map.
        var lines = File.ReadAllText(paths.Labels).Split('\n');
        Assert.Equal(91, lines.Length);
        Assert.Equal("", lines[^1]);
        Assert.Equal("person", lines[0]);
        Assert.Equal("N/A", lines[11]);
        Assert.Equal("toothbrush", lines[89]);
        var labels = LabelMap.Load(paths.Labels);
        Assert.Equal(Enumerable.Range(0, 90).Select(i => LabelMap.Coco90[i]), Enumerable.Range(0, 90).Select(i => labels[i]));

        // No checksum in the entry: unverified, and the SHA-256 received is reported and logged.
        Assert.Equal(VerificationStatus.Unverified, result.ModelVerification);
        Assert.Equal(VerificationStatus.Unverified, result.TextGraphVerification);
        Assert.False(result.IsVerified);
        Assert.Equal(Sha256(Archive), result.ArchiveSha256);
        Assert.Equal(Sha256(FrozenGraph), result.FrozenGraphSha256);
        Assert.Equal(Sha256(TextGraph), result.TextGraphSha256);
        Assert.Contains(_log.Messages, m => m.Contains("UNVERIFIED", StringComparison.Ordinal) && m.Contains(Sha256(Archive), StringComparison.Ordinal));
        Assert.False(result.Resumed);
        Assert.False(result.FromCache);

        // Progress: the archive's bytes up to its full size, with the total known and a rate.
        var archive = progress.Reports.Where(p => p.Stage == DownloadStage.Archive).ToList();
        Assert.NotEmpty(archive);
        Assert.Equal(Archive.Length, archive[^1].BytesReceived);
        Assert.All(archive, p => Assert.Equal(Archive.Length, p.TotalBytes));
        Assert.Equal(1.0, archive[^1].Fraction);
        Assert.True(archive[^1].BytesPerSecond > 0);
        Assert.Equal(Zoo + ".tar.gz.partial", archive[0].FileName);
        Assert.True(archive.Zip(archive.Skip(1)).All(pair => pair.First.BytesReceived <= pair.Second.BytesReceived));
        var extract = progress.Reports.Where(p => p.Stage == DownloadStage.Extract).ToList();
        Assert.Equal(FrozenGraph.Length, extract[^1].BytesReceived);
        Assert.Equal(FrozenGraph.Length, extract[^1].TotalBytes);
        Assert.Contains(progress.Reports, p => p.Stage == DownloadStage.TextGraph && p.BytesReceived == TextGraph.Length);

        // The server saw plain requests for the two files, at the zoo and opencv_extra paths.
        Assert.Equal(
            ["/opencv/opencv_extra/4.x/testdata/dnn/" + Zoo + ".pbtxt", "/models/object_detection/" + Zoo + ".tar.gz"],
            server.Requests.OrderBy(r => r.Index).Select(r => r.Path));
        Assert.All(server.Requests, r => Assert.Null(r.Range));
    }

    [Fact]
    public async Task A_second_run_finds_everything_in_the_cache_and_asks_the_server_nothing()
    {
        await using var server = Serve(Archive);
        using var downloader = Downloader(server);
        await downloader.DownloadAsync(TestModel);
        var requests = server.Requests.Count;

        var again = await downloader.DownloadAsync(TestModel);

        Assert.True(again.FromCache);
        Assert.Equal(requests, server.Requests.Count);
        Assert.Equal(FrozenGraph, File.ReadAllBytes(again.FrozenGraphPath));
    }

    [Fact]
    public async Task KeepArchive_keeps_it_and_an_archive_put_in_the_cache_by_hand_is_used_without_downloading()
    {
        await using (var server = Serve(Archive))
        {
            using var downloader = Downloader(server, new ModelDownloadOptions { KeepArchive = true });
            await downloader.DownloadAsync(TestModel);
            Assert.Equal(Archive, File.ReadAllBytes(Paths.Archive));
        }

        File.Delete(Paths.FrozenGraph);
        await using (var server = Serve(_ => ServerReply.NotFound(), TextGraph))
        {
            using var downloader = Downloader(server);
            var result = await downloader.DownloadAsync(TestModel);
            Assert.Equal(FrozenGraph, File.ReadAllBytes(result.FrozenGraphPath));
            Assert.DoesNotContain(server.Requests, r => r.Path.EndsWith(".tar.gz", StringComparison.Ordinal));
            Assert.False(File.Exists(Paths.Archive));
        }
    }

    [Fact]
    public async Task Long_gnu_and_pax_names_from_a_real_tar_writer_are_found()
    {
        // System.Formats.Tar writes GNU 'L' and pax 'x' entries for names longer than 100 bytes.
        var deep = Zoo + "/" + string.Join('/', Enumerable.Repeat("a-rather-long-folder-name", 6)) + "/frozen_inference_graph.pb";
        foreach (var format in new[] { System.Formats.Tar.TarEntryFormat.Gnu, System.Formats.Tar.TarEntryFormat.Pax })
        {
            using var tar = new MemoryStream();
            using (var writer = new System.Formats.Tar.TarWriter(tar, format, leaveOpen: true))
            {
                foreach (var (name, data) in new[] { (deep.Replace("frozen", "other", StringComparison.Ordinal), TextGraph), (deep, FrozenGraph) })
                {
                    System.Formats.Tar.TarEntry entry = format == System.Formats.Tar.TarEntryFormat.Gnu
                        ? new System.Formats.Tar.GnuTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name)
                        : new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name);
                    entry.DataStream = new MemoryStream(data);
                    writer.WriteEntry(entry);
                }
            }
            var archive = TestArchives.Gzip(tar.ToArray());
            await using var server = Serve(archive);
            using var downloader = Downloader(server, new ModelDownloadOptions { Overwrite = true });

            var result = await downloader.DownloadAsync(TestModel with { FrozenGraphEntry = deep });

            Assert.Equal(FrozenGraph, File.ReadAllBytes(result.FrozenGraphPath));
        }
    }

    // ---------------------------------------------------------------- checksums

    [Fact]
    public async Task A_known_sha256_is_verified()
    {
        await using var server = Serve(Archive);
        using var downloader = Downloader(server);

        var result = await downloader.DownloadAsync(TestModel with { ArchiveSha256 = Sha256(Archive).ToUpperInvariant(), TextGraphSha256 = Sha256(TextGraph) });

        Assert.Equal(VerificationStatus.Sha256Verified, result.ModelVerification);
        Assert.Equal(VerificationStatus.Sha256Verified, result.TextGraphVerification);
        Assert.True(result.IsVerified);
        Assert.DoesNotContain(_log.Messages, m => m.Contains("UNVERIFIED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sha256_mismatch_deletes_the_file_and_names_both_checksums()
    {
        await using var server = Serve(Archive);
        using var downloader = Downloader(server);
        var wrong = new string('a', 64);

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(TestModel with { ArchiveSha256 = wrong }));

        Assert.Contains(wrong, e.Message, StringComparison.Ordinal);
        Assert.Contains(Sha256(Archive), e.Message, StringComparison.Ordinal);
        Assert.Contains("SHA-256 mismatch", e.Message, StringComparison.Ordinal);
        Assert.Contains("deleted", e.Message, StringComparison.Ordinal);
        Assert.Equal(wrong, e.ExpectedChecksum);
        Assert.Equal(Sha256(Archive), e.ActualChecksum);
        // Nothing stays: not the archive, not its partial, not the text graph or labels of this failed run.
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public async Task Published_sha1_sums_of_the_archive_and_frozen_graph_are_checked()
    {
        await using var server = Serve(Archive);
        using (var downloader = Downloader(server))
        {
            var result = await downloader.DownloadAsync(TestModel with { ArchiveSha1 = Sha1(Archive), FrozenGraphSha1 = Sha1(FrozenGraph) });
            Assert.Equal(VerificationStatus.Sha1Verified, result.ModelVerification);
        }

        using (var downloader = Downloader(server, new ModelDownloadOptions { Overwrite = true }))
        {
            var wrong = new string('0', 40);
            var e = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(TestModel with { FrozenGraphSha1 = wrong }));
            Assert.Contains("SHA-1 mismatch", e.Message, StringComparison.Ordinal);
            Assert.Contains(Sha1(FrozenGraph), e.Message, StringComparison.Ordinal);
            Assert.Contains(wrong, e.Message, StringComparison.Ordinal);
        }
        // The earlier, verified files are untouched by the failed overwrite; the failed run left nothing of its own.
        Assert.Equal(FrozenGraph, File.ReadAllBytes(Paths.FrozenGraph));
        Assert.Equal(["frozen_inference_graph.pb", "labels.txt", Zoo + ".pbtxt"], FilesLeft());
    }

    [Fact]
    public async Task A_cached_frozen_graph_is_checked_against_its_published_sha1_and_replaced_when_damaged()
    {
        await using var server = Serve(Archive);
        using var downloader = Downloader(server);
        var model = TestModel with { FrozenGraphSha1 = Sha1(FrozenGraph) };
        await downloader.DownloadAsync(model);

        var again = await downloader.DownloadAsync(model);
        Assert.True(again.FromCache);
        Assert.Equal(VerificationStatus.Sha1Verified, again.ModelVerification);

        File.WriteAllBytes(Paths.FrozenGraph, [1, 2, 3]);
        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(model));
        Assert.Contains("SHA-1 mismatch", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Paths.FrozenGraph));

        var repaired = await downloader.DownloadAsync(model);
        Assert.Equal(FrozenGraph, File.ReadAllBytes(repaired.FrozenGraphPath));
    }

    [Fact]
    public async Task A_server_announcing_another_size_than_the_catalogue_is_refused()
    {
        await using var server = Serve(Archive);
        using var downloader = Downloader(server);

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(TestModel with { ArchiveSize = Archive.Length + 1 }));

        Assert.Contains($"is {Archive.Length} bytes but the catalogue expects {Archive.Length + 1}", e.Message, StringComparison.Ordinal);
        Assert.Empty(FilesLeft());
    }

    // ---------------------------------------------------------------- resume

    [Fact]
    public async Task An_interrupted_transfer_keeps_its_part_and_the_next_run_resumes_it_with_a_range_request()
    {
        const int cut = 100_000;
        var archiveRequests = 0;
        await using var server = Serve(request =>
            Interlocked.Increment(ref archiveRequests) == 1
                ? ServerReply.File(Archive, request) with { CloseAfter = cut }
                : ServerReply.File(Archive, request), TextGraph);

        using (var first = Downloader(server, new ModelDownloadOptions { MaxResumeAttempts = 0 }))
        {
            var e = await Assert.ThrowsAsync<ModelDownloadException>(() => first.DownloadAsync(TestModel));
            Assert.Contains("interrupted", e.Message, StringComparison.Ordinal);
            Assert.Contains("run again to resume", e.Message, StringComparison.Ordinal);
        }
        // Only the partial archive stays from the failed run.
        Assert.Equal([Zoo + ".tar.gz.partial"], FilesLeft());
        Assert.Equal(Archive.AsSpan(0, cut).ToArray(), File.ReadAllBytes(Paths.PartialArchive));

        using var second = Downloader(server);
        var progress = new RecordingProgress();
        var result = await second.DownloadAsync(TestModel, progress);

        var archiveRanges = server.Requests.Where(r => r.Path.EndsWith(".tar.gz", StringComparison.Ordinal)).OrderBy(r => r.Index).Select(r => r.Range).ToList();
        Assert.Equal([null, $"bytes={cut}-"], archiveRanges);
        Assert.True(result.Resumed);
        Assert.Equal(FrozenGraph, File.ReadAllBytes(result.FrozenGraphPath));
        Assert.Equal(Sha256(Archive), result.ArchiveSha256);
        // Progress counts the resumed bytes too.
        var archive = progress.Reports.Where(p => p.Stage == DownloadStage.Archive).ToList();
        Assert.Equal(cut, archive[0].BytesReceived);
        Assert.Equal(Archive.Length, archive[^1].BytesReceived);
        Assert.False(File.Exists(Paths.PartialArchive));
    }

    [Fact]
    public async Task An_interrupted_transfer_is_resumed_in_the_same_run()
    {
        var archiveRequests = 0;
        await using var server = Serve(request => Interlocked.Increment(ref archiveRequests) switch
        {
            1 => ServerReply.File(Archive, request) with { CloseAfter = 70_000 },
            2 => ServerReply.File(Archive, request) with { CloseAfter = 50_000 },
            _ => ServerReply.File(Archive, request),
        }, TextGraph);
        using var downloader = Downloader(server);

        var result = await downloader.DownloadAsync(TestModel with { ArchiveSha256 = Sha256(Archive) });

        var ranges = server.Requests.Where(r => r.Path.EndsWith(".tar.gz", StringComparison.Ordinal)).OrderBy(r => r.Index).Select(r => r.Range);
        Assert.Equal([null, "bytes=70000-", "bytes=120000-"], ranges);
        Assert.True(result.Resumed);
        Assert.Equal(VerificationStatus.Sha256Verified, result.ModelVerification);
        Assert.Equal(FrozenGraph, File.ReadAllBytes(result.FrozenGraphPath));
        Assert.Contains(_log.Messages, m => m.Contains("attempt 2 of 3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_server_that_ignores_the_range_request_is_downloaded_again_from_the_start()
    {
        await using var server = Serve(request => ServerReply.File(Archive, request, ignoreRange: true), TextGraph);
        Directory.CreateDirectory(Paths.Directory);
        // A leftover part that does not even match the file: it must be thrown away, not appended to.
        File.WriteAllBytes(Paths.PartialArchive, TestArchives.RandomBytes(30_000, 99));
        using var downloader = Downloader(server);

        var result = await downloader.DownloadAsync(TestModel);

        var archiveRequest = Assert.Single(server.Requests, r => r.Path.EndsWith(".tar.gz", StringComparison.Ordinal));
        Assert.Equal("bytes=30000-", archiveRequest.Range);
        Assert.False(result.Resumed);
        Assert.Equal(Sha256(Archive), result.ArchiveSha256);
        Assert.Equal(FrozenGraph, File.ReadAllBytes(result.FrozenGraphPath));
        Assert.Contains(_log.Messages, m => m.Contains("ignored the request to resume", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_part_that_is_already_complete_is_accepted_when_the_server_answers_416()
    {
        await using var server = Serve(Archive);
        Directory.CreateDirectory(Paths.Directory);
        File.WriteAllBytes(Paths.PartialArchive, Archive);
        using var downloader = Downloader(server);

        var result = await downloader.DownloadAsync(TestModel);

        Assert.Equal($"bytes={Archive.Length}-", Assert.Single(server.Requests, r => r.Path.EndsWith(".tar.gz", StringComparison.Ordinal)).Range);
        Assert.Equal(FrozenGraph, File.ReadAllBytes(result.FrozenGraphPath));
    }

    // ---------------------------------------------------------------- unsafe archives

    [Theory]
    [InlineData("../evil", "contains '..'")]
    [InlineData(Zoo + "/../../evil", "contains '..'")]
    [InlineData("/etc/evil", "is an absolute path")]
    [InlineData("C:\\evil", "is an absolute path")]
    [InlineData("\\\\server\\share\\evil", "is an absolute path")]
    public async Task Archive_entries_that_escape_the_folder_reject_the_archive(string entry, string reason)
    {
        // The escaping entry comes after the wanted one: nothing may be kept all the same.
        var archive = TestArchives.TarGz(
            new TestArchives.Entry(Zoo + "/frozen_inference_graph.pb", FrozenGraph),
            new TestArchives.Entry(entry, Encoding.UTF8.GetBytes("pwned")));
        await using var server = Serve(archive);
        using var downloader = Downloader(server);

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(TestModel));

        Assert.Contains($"'{entry}' {reason}", e.Message, StringComparison.Ordinal);
        Assert.Contains("escape", e.Message, StringComparison.Ordinal);
        Assert.Contains("The archive was deleted", e.Message, StringComparison.Ordinal);
        Assert.Empty(FilesLeft());
        Assert.False(File.Exists(Path.Combine(_temp.Path, "evil")));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_temp.Path)!, "evil")));
    }

    [Fact]
    public async Task An_escaping_name_hidden_in_a_gnu_long_name_or_pax_header_is_rejected_too()
    {
        var longEvil = "../" + new string('x', 120);
        foreach (var entries in new[] { TestArchives.GnuLongName(longEvil, [1, 2, 3]), TestArchives.PaxPath("/abs/evil", [1, 2, 3]) })
        {
            var archive = TestArchives.TarGz([.. entries, new TestArchives.Entry(Zoo + "/frozen_inference_graph.pb", FrozenGraph)]);
            await using var server = Serve(archive);
            using var downloader = Downloader(server);

            var e = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(TestModel));

            Assert.Contains("escape", e.Message, StringComparison.Ordinal);
            Assert.Empty(FilesLeft());
        }
    }

    [Fact]
    public async Task A_gzip_bomb_is_refused_once_it_expands_past_the_limit()
    {
        // 24 entries of 256 KiB of zeros: a 6 MiB tar that gzips to a few KiB; the limit is 1 MiB.
        var entries = Enumerable.Range(0, 24).Select(i => new TestArchives.Entry($"{Zoo}/zeros{i}", new byte[256 * 1024])).ToList();
        entries.Add(new TestArchives.Entry(Zoo + "/frozen_inference_graph.pb", [1, 2, 3]));
        var archive = TestArchives.TarGz([.. entries]);
        Assert.True(archive.Length < 64 * 1024);
        await using var server = Serve(archive);
        using var downloader = Downloader(server, new ModelDownloadOptions { MaxExtractedBytes = 1 << 20 });

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(TestModel));

        Assert.Contains("decompression bomb", e.Message, StringComparison.Ordinal);
        Assert.Contains("expands past 1048576 bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("MaxExtractedBytes", e.Message, StringComparison.Ordinal);
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public async Task A_single_entry_larger_than_the_limit_is_refused_before_it_is_read()
    {
        var archive = TestArchives.TarGz(new TestArchives.Entry(Zoo + "/frozen_inference_graph.pb", new byte[8 << 20]));
        await using var server = Serve(archive);
        using var downloader = Downloader(server, new ModelDownloadOptions { MaxExtractedBytes = 1 << 20 });

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(TestModel));

        Assert.Contains($"alone is {8 << 20} bytes", e.Message, StringComparison.Ordinal);
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public async Task A_download_announced_larger_than_the_limit_is_refused_before_the_transfer()
    {
        await using var server = Serve(Archive);
        using var downloader = Downloader(server, new ModelDownloadOptions { MaxDownloadBytes = 10_000 });

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(TestModel));

        Assert.Contains($"is {Archive.Length} bytes, more than the limit of 10000 bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("MaxDownloadBytes", e.Message, StringComparison.Ordinal);
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public async Task A_download_without_a_length_that_grows_past_the_limit_is_stopped_and_discarded()
    {
        await using var server = Serve(request => ServerReply.File(Archive, request) with { OmitContentLength = true }, TextGraph);
        using var downloader = Downloader(server, new ModelDownloadOptions { MaxDownloadBytes = 100_000 });

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(TestModel));

        Assert.Contains("sent more than the limit of 100000 bytes", e.Message, StringComparison.Ordinal);
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public async Task An_error_page_instead_of_an_archive_is_reported_as_such()
    {
        var page = Encoding.UTF8.GetBytes("<html><body>Service unavailable</body></html>");
        await using var server = Serve(page);
        using var downloader = Downloader(server);

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(TestModel));

        Assert.Contains("not gzip-compressed", e.Message, StringComparison.Ordinal);
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public async Task An_archive_without_the_frozen_graph_lists_what_it_has()
    {
        var archive = TestArchives.TarGz(new TestArchives.Entry(Zoo + "/pipeline.config", [1]), new TestArchives.Entry("./other/graph.pb", [2]));
        await using var server = Serve(archive);
        using var downloader = Downloader(server);

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(TestModel));

        Assert.Contains($"has no file '{Zoo}/frozen_inference_graph.pb' (it has entries {Zoo}/pipeline.config, other/graph.pb)", e.Message, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- unreachable and missing

    [Fact]
    public async Task Http_404_names_the_status_the_address_and_where_to_put_the_file()
    {
        await using var server = Serve(_ => ServerReply.NotFound(), TextGraph);
        using var downloader = Downloader(server);

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(TestModel));

        var url = new Uri(server.BaseAddress, "models/object_detection/" + Zoo + ".tar.gz");
        Assert.Equal(404, e.StatusCode);
        Assert.Equal(url, e.Url);
        Assert.Contains($"{url} answered HTTP 404 (Not Found)", e.Message, StringComparison.Ordinal);
        Assert.Contains($"download it by hand and put it at {Paths.Archive}", e.Message, StringComparison.Ordinal);
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public async Task A_refused_connection_says_the_host_could_not_be_reached_and_what_to_do()
    {
        var port = LoopbackHttpServer.UnusedPort();
        using var downloader = new ModelDownloader(new ModelCache(_temp.Path),
            new ModelDownloadOptions { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), IncludeTextGraph = false });
        var started = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(TestModel));

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20));
        var url = $"http://127.0.0.1:{port}/models/object_detection/{Zoo}.tar.gz";
        Assert.StartsWith("Could not reach 127.0.0.1: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("refused", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"; check the network or download {url} by hand and put it at {Paths.Archive}.", e.Message, StringComparison.Ordinal);
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public async Task A_missing_text_graph_that_was_never_confirmed_is_skipped_with_a_warning()
    {
        await using var server = Serve(request => ServerReply.File(Archive, request), textGraph: null);
        using var downloader = Downloader(server);

        var result = await downloader.DownloadAsync(TestModel with { TextGraphConfirmed = false });

        Assert.Null(result.TextGraphPath);
        Assert.Null(result.TextGraphVerification);
        Assert.Equal(FrozenGraph, File.ReadAllBytes(result.FrozenGraphPath));
        Assert.Equal(["frozen_inference_graph.pb", "labels.txt"], FilesLeft());
        Assert.Contains(_log.Messages, m => m.Contains("tf_text_graph_mask_rcnn.py", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_text_graph_that_should_exist_is_an_error_and_leaves_nothing()
    {
        await using var server = Serve(request => ServerReply.File(Archive, request), textGraph: null);
        using var downloader = Downloader(server);

        var e = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(TestModel));

        Assert.Equal(404, e.StatusCode);
        Assert.Contains(".pbtxt answered HTTP 404", e.Message, StringComparison.Ordinal);
        Assert.Empty(FilesLeft());
        Assert.DoesNotContain(server.Requests, r => r.Path.EndsWith(".tar.gz", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_text_graph_of_your_own_is_copied_instead_of_downloaded()
    {
        var own = Path.Combine(_temp.Path, "mine.pbtxt");
        File.WriteAllText(own, "node { name: \"mine\" }\n");
        await using var server = Serve(request => ServerReply.File(Archive, request), textGraph: null);
        using var downloader = Downloader(server);

        var result = await downloader.DownloadAsync(TestModel with { LocalTextGraphPath = own });

        Assert.Equal("node { name: \"mine\" }\n", File.ReadAllText(result.TextGraphPath!));
        Assert.DoesNotContain(server.Requests, r => r.Path.EndsWith(".pbtxt", StringComparison.Ordinal));
    }

    // ---------------------------------------------------------------- cancellation and arguments

    [Fact]
    public async Task Cancellation_stops_a_slow_transfer_promptly_and_keeps_the_part_for_later()
    {
        // 4 KiB every 200 ms: the whole archive would take over 15 s.
        await using var server = Serve(request => ServerReply.File(Archive, request) with { ChunkSize = 4096, ChunkDelay = TimeSpan.FromMilliseconds(200) }, TextGraph);
        using var downloader = Downloader(server);
        using var cancel = new CancellationTokenSource();
        var progress = new RecordingProgress(p =>
        {
            if (p.Stage == DownloadStage.Archive && p.BytesReceived >= 8192) cancel.CancelAfter(TimeSpan.FromMilliseconds(100));
        });

        var task = downloader.DownloadAsync(TestModel, progress, cancel.Token);
        var finished = await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(15)));
        Assert.Same(task, finished);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);

        var cancelledAt = progress.Reports.Where(p => p.Stage == DownloadStage.Archive).Max(p => p.BytesReceived);
        Assert.True(cancelledAt < Archive.Length / 4, $"received {cancelledAt} bytes before stopping");
        Assert.Equal([Zoo + ".tar.gz.partial"], FilesLeft());
    }

    [Fact]
    public async Task A_malformed_catalogue_entry_is_an_argument_error()
    {
        await using var server = Serve(Archive);
        using var downloader = Downloader(server);

        await Assert.ThrowsAsync<ArgumentException>(() => downloader.DownloadAsync(TestModel with { ArchiveSha256 = "abc" }));
        await Assert.ThrowsAsync<ArgumentException>(() => downloader.DownloadAsync(TestModel with { FrozenGraphEntry = "../frozen_inference_graph.pb" }));
        await Assert.ThrowsAsync<ArgumentException>(() => downloader.DownloadAsync(TestModel with { ArchiveUrl = new Uri("ftp://example.org/x.tar.gz") }));
        await Assert.ThrowsAsync<ArgumentException>(() => downloader.DownloadAsync("no_such_model"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModelDownloader(options: new ModelDownloadOptions { MaxExtractedBytes = 0 }));
        Assert.Empty(server.Requests);
    }

    // ---------------------------------------------------------------- helpers

    private sealed class RecordingProgress(Action<DownloadProgress>? onReport = null) : IProgress<DownloadProgress>
    {
        private readonly ConcurrentQueue<DownloadProgress> _reports = new();

        public IReadOnlyList<DownloadProgress> Reports => [.. _reports];

        public void Report(DownloadProgress value)
        {
            _reports.Enqueue(value);
            onReport?.Invoke(value);
        }
    }

    private sealed class TestLogger : ILogger
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IReadOnlyList<string> Messages => [.. _messages];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _messages.Enqueue(formatter(state, exception));
    }
}
