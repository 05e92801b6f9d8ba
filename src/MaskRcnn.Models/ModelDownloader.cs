using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MaskRcnn.Models;

/// <summary>
/// Downloads catalogue models into a <see cref="ModelCache"/>: the text graph, the labels, and the frozen graph
/// extracted from the zoo archive.
/// </summary>
/// <remarks>
/// <para>The archive is downloaded to <see cref="ModelPaths.PartialArchive"/>; an interrupted transfer resumes from it
/// with an HTTP range request, in the same run (<see cref="ModelDownloadOptions.MaxResumeAttempts"/>) or the next one.
/// A server that ignores the range request is handled by starting again.</para>
/// <para>Checksums known to the catalogue are verified; a mismatch deletes the file and throws
/// <see cref="ModelDownloadException"/> with both checksums. When no checksum is known the SHA-256 of what was received
/// is logged and returned, and the result is marked <see cref="VerificationStatus.Unverified"/>.</para>
/// <para>Only the frozen graph is extracted. Archives with entries that would escape the folder (absolute paths,
/// <c>..</c>), that expand beyond <see cref="ModelDownloadOptions.MaxExtractedBytes"/>, or downloads larger than
/// <see cref="ModelDownloadOptions.MaxDownloadBytes"/> are refused.</para>
/// <para>Final files are written under temporary names and renamed into place together once everything succeeded; a
/// failed or cancelled run leaves no partial final file (only the <c>.partial</c> archive, for resuming).</para>
/// </remarks>
public sealed class ModelDownloader : IDisposable
{
    private const int BufferSize = 1 << 16;

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ILogger _logger;
    private bool _disposed;

    /// <summary>Creates a downloader.</summary>
    /// <param name="cache">Where models go; the default cache when null.</param>
    /// <param name="options">Limits and choices; <see cref="ModelDownloadOptions.Default"/> when null.</param>
    /// <param name="httpClient">The client to download with; not disposed by the downloader. When null the downloader
    /// makes (and disposes) its own.</param>
    /// <param name="logger">Receives progress notes, warnings and the SHA-256 of unverified files.</param>
    public ModelDownloader(ModelCache? cache = null, ModelDownloadOptions? options = null, HttpClient? httpClient = null, ILogger? logger = null)
    {
        Options = options ?? ModelDownloadOptions.Default;
        Options.Validate();
        Cache = cache ?? new ModelCache();
        _logger = logger ?? NullLogger.Instance;
        if (httpClient is null)
        {
            _http = new HttpClient(new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.None,
                ConnectTimeout = TimeSpan.FromSeconds(30),
            })
            {
                // Bounds the wait for response headers; the body is bounded by ReadTimeout between reads.
                Timeout = TimeSpan.FromMinutes(2),
            };
            _ownsHttp = true;
        }
        else
        {
            _http = httpClient;
        }
    }

    /// <summary>Where models go.</summary>
    public ModelCache Cache { get; }

    /// <summary>The limits and choices in force.</summary>
    public ModelDownloadOptions Options { get; }

    /// <summary>Downloads the catalogue model with this short or zoo name (see <see cref="ModelCatalog.Find"/>).</summary>
    /// <exception cref="ArgumentException">No catalogue model has that name.</exception>
    /// <exception cref="ModelDownloadException">The download, its verification or the extraction failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<ModelDownloadResult> DownloadAsync(string name, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        DownloadAsync(ModelCatalog.Find(name), progress, cancellationToken);

    /// <summary>
    /// Makes sure <paramref name="model"/> is in the cache: gets its text graph (unless
    /// <see cref="ModelDownloadOptions.IncludeTextGraph"/> is false), writes its labels, and downloads, verifies and
    /// extracts its frozen graph. Files already in the cache are kept unless <see cref="ModelDownloadOptions.Overwrite"/>.
    /// </summary>
    /// <param name="model">A catalogue entry, or one of your own.</param>
    /// <param name="progress">Receives byte counts, totals and rates while files are transferred, checked and extracted.</param>
    /// <param name="cancellationToken">Stops the download; the <c>.partial</c> archive stays for the next run.</param>
    /// <exception cref="ArgumentException">The model entry is malformed (URLs, checksums, entry path).</exception>
    /// <exception cref="ModelDownloadException">The download, its verification or the extraction failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ModelDownloadResult> DownloadAsync(CatalogModel model, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(model);
        ValidateModel(model);
        cancellationToken.ThrowIfCancellationRequested();
        var paths = Cache.PathsFor(model);
        try
        {
            Directory.CreateDirectory(paths.Directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelDownloadException(
                $"{paths.Directory}: cannot create the model cache folder ({e.Message}). Choose another folder with the {ModelCache.EnvironmentVariable} environment variable or an explicit ModelCache path.", e)
            {
                FilePath = paths.Directory,
            };
        }

        using var staged = new StagedFiles();
        var text = await GetTextGraphAsync(model, paths, staged, progress, cancellationToken).ConfigureAwait(false);
        var labelsWritten = false;
        if (Options.Overwrite || !File.Exists(paths.Labels))
        {
            await WriteLabelsAsync(model, paths, staged, cancellationToken).ConfigureAwait(false);
            labelsWritten = true;
        }
        var graph = await GetFrozenGraphAsync(model, paths, staged, progress, cancellationToken).ConfigureAwait(false);

        staged.Commit();
        if (graph.ArchiveUsed && !Options.KeepArchive) StagedFiles.TryDelete(paths.Archive);
        ModelDownloadLog.Ready(_logger, model.Name, paths.Directory, graph.Verification);
        return new ModelDownloadResult
        {
            Model = model,
            Paths = paths,
            TextGraphPath = text.Path,
            TextGraphVerification = text.Path is null ? null : text.Verification,
            TextGraphSha256 = text.Sha256,
            ModelVerification = graph.Verification,
            ArchiveSha256 = graph.ArchiveSha256,
            FrozenGraphSha256 = graph.FrozenGraphSha256,
            Resumed = graph.Resumed,
            FromCache = !text.Transferred && !labelsWritten && !graph.ArchiveUsed,
        };
    }

    /// <summary>Disposes the HTTP client if the downloader made it.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_ownsHttp) _http.Dispose();
    }

    // ---------------------------------------------------------------- text graph and labels

    private sealed record TextGraphOutcome(string? Path, VerificationStatus Verification, string? Sha256, bool Transferred);

    private async Task<TextGraphOutcome> GetTextGraphAsync(CatalogModel model, ModelPaths paths, StagedFiles staged,
        IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        if (!Options.IncludeTextGraph) return new TextGraphOutcome(null, VerificationStatus.Unverified, null, false);
        if (!Options.Overwrite && File.Exists(paths.TextGraph))
        {
            if (model.TextGraphSha256 is null) return new TextGraphOutcome(paths.TextGraph, VerificationStatus.Unverified, null, false);
            var (cached, _) = await Checksums.OfFileAsync(paths.TextGraph, false, null, cancellationToken).ConfigureAwait(false);
            CheckSha256(model.TextGraphSha256, cached, paths.TextGraph, model.TextGraphUrl, deleteOnMismatch: paths.TextGraph);
            return new TextGraphOutcome(paths.TextGraph, VerificationStatus.Sha256Verified, cached, false);
        }

        var temporary = staged.NewTemporary(paths.TextGraph);
        Uri? source = null;
        if (model.LocalTextGraphPath is { } local)
        {
            await CopyLocalTextGraphAsync(local, temporary, cancellationToken).ConfigureAwait(false);
        }
        else if (model.TextGraphUrl is null)
        {
            throw new ModelDownloadException(
                $"Model '{model.Name}' has no text graph to download. Make one with OpenCV's samples/dnn/tf_text_graph_mask_rcnn.py and set CatalogModel.LocalTextGraphPath, or set ModelDownloadOptions.IncludeTextGraph = false.");
        }
        else
        {
            source = Rebase(model.TextGraphUrl);
            try
            {
                await TransferAsync(source, temporary, paths.TextGraph, resumable: false, Options.MaxTextGraphBytes, expectedSize: null,
                    DownloadStage.TextGraph, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (ModelDownloadException e) when (e.StatusCode == (int)HttpStatusCode.NotFound && !model.TextGraphConfirmed)
            {
                StagedFiles.Discard(temporary);
                ModelDownloadLog.TextGraphMissing(_logger, model.Name, source);
                return new TextGraphOutcome(null, VerificationStatus.Unverified, null, true);
            }
        }

        var (sha256, _) = await Checksums.OfFileAsync(temporary, false, null, cancellationToken).ConfigureAwait(false);
        var status = VerificationStatus.Unverified;
        if (model.TextGraphSha256 is { } expected)
        {
            CheckSha256(expected, sha256, paths.TextGraph, source, deleteOnMismatch: temporary);
            ModelDownloadLog.Verified(_logger, paths.TextGraph, "SHA-256", sha256);
            status = VerificationStatus.Sha256Verified;
        }
        else
        {
            ModelDownloadLog.Unverified(_logger, paths.TextGraph, source ?? new Uri(Path.GetFullPath(model.LocalTextGraphPath!)), sha256);
        }
        staged.Ready(temporary, paths.TextGraph);
        return new TextGraphOutcome(paths.TextGraph, status, sha256, true);
    }

    private static async Task CopyLocalTextGraphAsync(string local, string temporary, CancellationToken cancellationToken)
    {
        if (!File.Exists(local))
            throw new ModelDownloadException($"{local}: the text graph named by CatalogModel.LocalTextGraphPath does not exist.") { FilePath = local };
        try
        {
            await using var input = new FileStream(local, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
            await using var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
            await input.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            output.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelDownloadException($"{local}: cannot copy the text graph into the cache ({e.Message}).", e) { FilePath = local };
        }
    }

    private static async Task WriteLabelsAsync(CatalogModel model, ModelPaths paths, StagedFiles staged, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        for (var id = 0; id < model.Labels.ClassCount; id++) text.Append(model.Labels[id] ?? "").Append('\n');
        var temporary = staged.NewTemporary(paths.Labels);
        await WriteFileAsync(temporary, new UTF8Encoding(false).GetBytes(text.ToString()), cancellationToken).ConfigureAwait(false);
        staged.Ready(temporary, paths.Labels);
    }

    private static async Task WriteFileAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        try
        {
            await using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
            await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            output.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelDownloadException($"{path}: cannot write into the model cache ({e.Message}).", e) { FilePath = path };
        }
    }

    // ---------------------------------------------------------------- frozen graph

    private sealed record GraphOutcome(VerificationStatus Verification, string? ArchiveSha256, string? FrozenGraphSha256, bool Resumed, bool ArchiveUsed);

    private async Task<GraphOutcome> GetFrozenGraphAsync(CatalogModel model, ModelPaths paths, StagedFiles staged,
        IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        if (!Options.Overwrite && File.Exists(paths.FrozenGraph))
        {
            if (model.FrozenGraphSha1 is null) return new GraphOutcome(VerificationStatus.Unverified, null, null, false, false);
            var length = new FileInfo(paths.FrozenGraph).Length;
            var reporter = new ProgressReporter(progress, DownloadStage.Verify, paths.FrozenGraph, length, 0, Options.ProgressInterval);
            var (cachedSha256, cachedSha1) = await Checksums.OfFileAsync(paths.FrozenGraph, true, done => reporter.Report(done), cancellationToken).ConfigureAwait(false);
            reporter.Report(length, last: true);
            CheckSha1(model.FrozenGraphSha1, cachedSha1!, paths.FrozenGraph, null, deleteOnMismatch: paths.FrozenGraph);
            return new GraphOutcome(VerificationStatus.Sha1Verified, null, cachedSha256, false, false);
        }

        var resumed = false;
        var url = Rebase(model.ArchiveUrl);
        if (Options.Overwrite || !File.Exists(paths.Archive))
        {
            if (Options.Overwrite) StagedFiles.TryDelete(paths.PartialArchive);
            resumed = await TransferAsync(url, paths.PartialArchive, paths.Archive, resumable: true, Options.MaxDownloadBytes, model.ArchiveSize,
                DownloadStage.Archive, progress, cancellationToken).ConfigureAwait(false);
            try
            {
                File.Move(paths.PartialArchive, paths.Archive, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ModelDownloadException($"{paths.Archive}: cannot move the finished download into place ({e.Message}).", e) { FilePath = paths.Archive };
            }
        }
        else
        {
            ModelDownloadLog.UsingArchive(_logger, paths.Archive);
        }

        // Verify the archive.
        var verifier = new ProgressReporter(progress, DownloadStage.Verify, paths.Archive, new FileInfo(paths.Archive).Length, 0, Options.ProgressInterval);
        var (archiveSha256, archiveSha1) = await Checksums.OfFileAsync(paths.Archive, model.ArchiveSha1 is not null,
            done => verifier.Report(done), cancellationToken).ConfigureAwait(false);
        verifier.Report(new FileInfo(paths.Archive).Length, last: true);
        var status = VerificationStatus.Unverified;
        if (model.ArchiveSha256 is { } expected256)
        {
            CheckSha256(expected256, archiveSha256, paths.Archive, url, deleteOnMismatch: paths.Archive);
            ModelDownloadLog.Verified(_logger, paths.Archive, "SHA-256", archiveSha256);
            status = VerificationStatus.Sha256Verified;
        }
        if (model.ArchiveSha1 is { } expected1)
        {
            CheckSha1(expected1, archiveSha1!, paths.Archive, url, deleteOnMismatch: paths.Archive);
            ModelDownloadLog.Verified(_logger, paths.Archive, "SHA-1", archiveSha1!);
            if (status == VerificationStatus.Unverified) status = VerificationStatus.Sha1Verified;
        }
        if (status == VerificationStatus.Unverified) ModelDownloadLog.Unverified(_logger, paths.Archive, url, archiveSha256);

        // Extract the frozen graph only.
        var temporary = staged.NewTemporary(paths.FrozenGraph);
        ExtractedEntry entry;
        try
        {
            var extracting = new ProgressReporter(progress, DownloadStage.Extract, paths.FrozenGraph, null, 0, Options.ProgressInterval);
            await using (var archive = new FileStream(paths.Archive, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true))
            await using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
            {
                entry = await TarGzExtractor.ExtractAsync(archive, model.FrozenGraphEntry, output, Options.MaxExtractedBytes, model.FrozenGraphSha1 is not null,
                    (done, total) =>
                    {
                        extracting.Total = total;
                        extracting.Report(done, last: done == total);
                    }, cancellationToken).ConfigureAwait(false);
                output.Flush(flushToDisk: true);
            }
        }
        catch (InvalidArchiveException e)
        {
            StagedFiles.Discard(temporary);
            StagedFiles.TryDelete(paths.Archive);
            throw new ModelDownloadException($"{paths.Archive}: {Capitalize(e.Message)} The archive was deleted; run again to download it afresh, or check where {url} leads.", e)
            {
                Url = url,
                FilePath = paths.Archive,
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelDownloadException($"{paths.FrozenGraph}: cannot extract the frozen graph ({e.Message}). Check the cache folder's permissions and free space.", e)
            {
                FilePath = paths.FrozenGraph,
            };
        }

        if (model.FrozenGraphSha1 is { } expectedGraph)
        {
            if (!Checksums.Same(expectedGraph, entry.Sha1!)) StagedFiles.TryDelete(paths.Archive);
            CheckSha1(expectedGraph, entry.Sha1!, paths.FrozenGraph, url, deleteOnMismatch: temporary);
            ModelDownloadLog.Verified(_logger, paths.FrozenGraph, "SHA-1", entry.Sha1!);
            if (status == VerificationStatus.Unverified) status = VerificationStatus.Sha1Verified;
        }
        staged.Ready(temporary, paths.FrozenGraph);
        return new GraphOutcome(status, archiveSha256, entry.Sha256, resumed, true);
    }

    // ---------------------------------------------------------------- transfer

    private enum TransferResult
    {
        Complete,
        Interrupted,
        Restart,
    }

    /// <summary>Downloads <paramref name="url"/> into <paramref name="target"/>, resuming after interruptions when
    /// <paramref name="resumable"/>. Returns true when a transfer continued an earlier one.</summary>
    private async Task<bool> TransferAsync(Uri url, string target, string finalPath, bool resumable, long maxBytes, long? expectedSize,
        DownloadStage stage, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var resumed = false;
        var resumes = 0;
        var restarts = 0;
        while (true)
        {
            var (result, reason, continued) = await TransferOnceAsync(url, target, finalPath, resumable, maxBytes, expectedSize, stage, progress, cancellationToken).ConfigureAwait(false);
            resumed |= continued;
            switch (result)
            {
                case TransferResult.Complete:
                    return resumed;
                case TransferResult.Restart when restarts++ < 2:
                    StagedFiles.TryDelete(target);
                    continue;
                case TransferResult.Restart:
                    throw new ModelDownloadException($"{url} keeps answering resume requests inconsistently; delete {target} and try again, or download the file by hand and put it at {finalPath}.")
                    {
                        Url = url,
                        FilePath = target,
                    };
                default:
                    if (!resumable || resumes >= Options.MaxResumeAttempts)
                    {
                        var hint = resumable
                            ? $"The part received so far is kept in {target}; run again to resume."
                            : "Run again to retry.";
                        throw new ModelDownloadException($"The download of {url} was interrupted: {reason}. {hint}") { Url = url, FilePath = target };
                    }
                    resumes++;
                    ModelDownloadLog.Retrying(_logger, url, reason!, resumes, Options.MaxResumeAttempts);
                    if (Options.RetryDelay > TimeSpan.Zero) await Task.Delay(Options.RetryDelay, cancellationToken).ConfigureAwait(false);
                    continue;
            }
        }
    }

    private async Task<(TransferResult Result, string? Reason, bool Resumed)> TransferOnceAsync(Uri url, string target, string finalPath, bool resumable,
        long maxBytes, long? expectedSize, DownloadStage stage, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var existing = resumable && File.Exists(target) ? new FileInfo(target).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (existing > 0)
        {
            request.Headers.Range = new RangeHeaderValue(existing, null);
            ModelDownloadLog.Resuming(_logger, url, existing, target);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(url, finalPath, Describe(e), e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable(url, finalPath, "no answer before the time limit", e);
        }

        using (response)
        {
            long start;
            long? total;
            var continued = false;
            switch (response.StatusCode)
            {
                case HttpStatusCode.PartialContent when existing > 0:
                    var range = response.Content.Headers.ContentRange;
                    if (range?.From != existing)
                    {
                        ModelDownloadLog.RangeMismatch(_logger, url, range?.From, existing);
                        return (TransferResult.Restart, null, false);
                    }
                    start = existing;
                    total = range.Length ?? (response.Content.Headers.ContentLength + existing);
                    continued = true;
                    break;
                case HttpStatusCode.OK:
                    if (existing > 0) ModelDownloadLog.RangeIgnored(_logger, url, existing);
                    start = 0;
                    total = response.Content.Headers.ContentLength;
                    break;
                case HttpStatusCode.RequestedRangeNotSatisfiable when existing > 0:
                    // The part on disk is already as long as the file (or longer, when the file changed).
                    return response.Content.Headers.ContentRange?.Length == existing
                        ? (TransferResult.Complete, null, true)
                        : (TransferResult.Restart, null, false);
                default:
                    throw HttpFailure(url, response, finalPath);
            }

            if (total > maxBytes)
            {
                if (start > 0) StagedFiles.TryDelete(target);
                throw new ModelDownloadException(
                    $"{url} is {total} bytes, more than the limit of {maxBytes} bytes (ModelDownloadOptions.{(stage == DownloadStage.Archive ? nameof(ModelDownloadOptions.MaxDownloadBytes) : nameof(ModelDownloadOptions.MaxTextGraphBytes))}); refusing to download it. Raise the limit if you expect a file that large.")
                {
                    Url = url,
                };
            }
            if (expectedSize is { } size && total is { } announced && announced != size)
            {
                StagedFiles.TryDelete(target);
                throw new ModelDownloadException($"{url} is {announced} bytes but the catalogue expects {size}; the file on the server is not the one catalogued. Nothing was kept.")
                {
                    Url = url,
                };
            }
            return await ReceiveAsync(url, response, target, start, total, maxBytes, stage, progress, cancellationToken).ConfigureAwait(false) is { } failure
                ? (TransferResult.Interrupted, failure, continued)
                : (TransferResult.Complete, null, continued);
        }
    }

    /// <summary>Writes the response body after <paramref name="start"/> bytes already on disk. Returns null when the
    /// whole file arrived, else why the transfer stopped.</summary>
    private async Task<string?> ReceiveAsync(Uri url, HttpResponseMessage response, string target, long start, long? total, long maxBytes,
        DownloadStage stage, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        FileStream file;
        try
        {
            file = new FileStream(target, start > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelDownloadException($"{target}: cannot write the download ({e.Message}). Another download of this model may be running, or the folder is not writable.", e)
            {
                FilePath = target,
            };
        }

        var received = start;
        await using (file.ConfigureAwait(false))
        {
            var reporter = new ProgressReporter(progress, stage, target, total, start, Options.ProgressInterval);
            reporter.Report(received);
            Stream body;
            try
            {
                body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                return e.Message;
            }

            await using (body.ConfigureAwait(false))
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var buffer = new byte[BufferSize];
                while (true)
                {
                    int read;
                    idle.CancelAfter(Options.ReadTimeout);
                    try
                    {
                        read = await body.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                        return $"no data for {Options.ReadTimeout.TotalSeconds:0.#} s after {received} bytes";
                    }
                    catch (Exception e) when (e is IOException or HttpRequestException)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                        return $"the connection broke after {received}{(total is null ? "" : $" of {total}")} bytes ({e.Message})";
                    }
                    if (read == 0) break;
                    if (received + read > maxBytes || received + read > total)
                    {
                        await file.DisposeAsync().ConfigureAwait(false);
                        StagedFiles.TryDelete(target);
                        throw new ModelDownloadException(received + read > maxBytes
                            ? $"{url} sent more than the limit of {maxBytes} bytes; the download was stopped and discarded. Raise the limit if you expect a file that large."
                            : $"{url} sent more than the {total} bytes it announced; the download was discarded.")
                        {
                            Url = url,
                        };
                    }
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    received += read;
                    reporter.Report(received);
                }
                file.Flush(flushToDisk: true);
                reporter.Report(received, last: true);
            }
        }
        return received < total ? $"the connection closed after {received} of {total} bytes" : null;
    }

    // ---------------------------------------------------------------- helpers

    private Uri Rebase(Uri url)
    {
        if (Options.BaseAddress is not { } baseAddress) return url;
        var root = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        return new Uri(root, url.PathAndQuery.TrimStart('/'));
    }

    private static ModelDownloadException Unreachable(Uri url, string finalPath, string reason, Exception inner) =>
        new($"Could not reach {url.Host}: {reason}; check the network or download {url} by hand and put it at {finalPath}.", inner)
        {
            Url = url,
            FilePath = finalPath,
        };

    private static ModelDownloadException HttpFailure(Uri url, HttpResponseMessage response, string finalPath)
    {
        var code = (int)response.StatusCode;
        var reason = string.IsNullOrEmpty(response.ReasonPhrase) ? response.StatusCode.ToString() : response.ReasonPhrase;
        var advice = response.StatusCode == HttpStatusCode.NotFound
            ? "The file is not there: check the address"
            : "Try again later";
        return new ModelDownloadException($"{url} answered HTTP {code} ({reason}). {advice}, or download it by hand and put it at {finalPath}.")
        {
            Url = url,
            FilePath = finalPath,
            StatusCode = code,
        };
    }

    private static string Describe(HttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket) return $"{socket.Message} ({socket.SocketErrorCode})";
        }
        return e.InnerException is { } cause && cause.Message != e.Message ? $"{e.Message} ({cause.Message})" : e.Message;
    }

    private static void CheckSha256(string expected, string actual, string file, Uri? url, string deleteOnMismatch) =>
        Check("SHA-256", expected, actual, file, url, deleteOnMismatch);

    private static void CheckSha1(string expected, string actual, string file, Uri? url, string deleteOnMismatch) =>
        Check("SHA-1", expected, actual, file, url, deleteOnMismatch);

    private static void Check(string algorithm, string expected, string actual, string file, Uri? url, string deleteOnMismatch)
    {
        if (Checksums.Same(expected, actual)) return;
        StagedFiles.TryDelete(deleteOnMismatch);
        throw new ModelDownloadException(
            $"{file}: {algorithm} mismatch: expected {expected.Trim()}, got {actual}. The file was deleted. " +
            $"The download was corrupted or the file{(url is null ? "" : $" at {url}")} changed; run again, and if it persists check the source and the catalogue entry.")
        {
            Url = url,
            FilePath = file,
            ExpectedChecksum = expected.Trim(),
            ActualChecksum = actual,
        };
    }

    private static string Capitalize(string sentence) =>
        sentence.Length == 0 ? sentence : char.ToUpperInvariant(sentence[0]) + sentence[1..];

    private static void ValidateModel(CatalogModel model)
    {
        static void Url(Uri? url, string what, bool required)
        {
            if (url is null)
            {
                if (required) throw new ArgumentException($"The catalogue entry has no {what}.", nameof(model));
                return;
            }
            if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                throw new ArgumentException($"The {what} '{url}' is not an http(s) address.", nameof(model));
        }

        static void Hex(string? value, int bytes, string what)
        {
            if (value is not null && !Checksums.IsHex(value, bytes))
                throw new ArgumentException($"The {what} '{value}' is not {bytes * 2} hexadecimal digits.", nameof(model));
        }

        if (string.IsNullOrWhiteSpace(model.Name)) throw new ArgumentException("The catalogue entry has no name.", nameof(model));
        Url(model.ArchiveUrl, "archive URL", required: true);
        Url(model.TextGraphUrl, "text graph URL", required: false);
        if (string.IsNullOrWhiteSpace(model.FrozenGraphEntry) || TarGzExtractor.UnsafeReason(model.FrozenGraphEntry) is not null)
            throw new ArgumentException($"The frozen graph entry '{model.FrozenGraphEntry}' must be a relative path inside the archive, without '..'.", nameof(model));
        Hex(model.ArchiveSha256, 32, "archive SHA-256");
        Hex(model.TextGraphSha256, 32, "text graph SHA-256");
        Hex(model.ArchiveSha1, 20, "archive SHA-1");
        Hex(model.FrozenGraphSha1, 20, "frozen graph SHA-1");
        if (model.ArchiveSize is <= 0) throw new ArgumentException($"The archive size {model.ArchiveSize} is not positive.", nameof(model));
        ArgumentNullException.ThrowIfNull(model.Labels);
    }
}
