using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using MaskRcnn.Models;
using Microsoft.Extensions.Logging;

namespace MaskRcnn.Overlay;

/// <summary>
/// <c>maskrcnn models list | download NAME | path NAME</c>: the model catalogue and the per-user model cache.
/// </summary>
internal static class ModelsCommand
{
    /// <summary>Fetches every download from this address instead (a mirror of the zoo and of opencv_extra's text
    /// graphs, laid out with the same paths).</summary>
    public const string BaseUrlVariable = "MASKRCNN_MODEL_BASE_URL";

    private static readonly string[] Header = ["NAME", "ZOO NAME", "MASK", "TEXT GRAPH", "CHECKSUM", "CACHED"];

    private const string Usage = "models needs a subcommand: list, download NAME or path NAME.";

    private static readonly Option<string?> Cache = Options.Text("--cache", $"Model cache folder (default: {ModelCache.EnvironmentVariable} or the per-user cache).", "DIR");
    private static readonly Option<bool> Force = Options.Flag("--force", "Download again even when the model is in the cache.");
    private static readonly Option<bool> KeepArchive = Options.Flag("--keep-archive", "Keep the downloaded .tar.gz in the cache.");
    private static readonly Option<bool> NoTextGraph = Options.Flag("--no-text-graph", "Do not download OpenCV's text graph.");

    /// <summary>The <c>models</c> command and its <c>list</c>, <c>download</c> and <c>path</c> subcommands.</summary>
    public static Command Create(Func<TextWriter> stdout, Func<TextWriter> stderr, Func<bool> stderrInteractive, Func<CancellationToken> cancellation)
    {
        var command = new Command("models", "The model catalogue and the per-user model cache.");
        command.SetAction(new Func<ParseResult, int>(_ => throw new UsageException(Usage)));

        var list = new Command("list", "The model catalogue, its checksums and what is in the cache.") { Cache };
        list.SetAction(args => List(args, stdout()));

        var download = new Command("download", "Download a catalogue model into the cache (resumes an interrupted download).")
        {
            NameArgument("The model to download (see 'models list')."), Cache, Force, KeepArchive, NoTextGraph,
        };
        download.SetAction(args => Download(args, stdout(), stderr(), stderrInteractive(), cancellation()));

        var path = new Command("path", "Print a model's cache folder (exit 3 when it is not downloaded).") { NameArgument("The model."), Cache };
        path.SetAction(args => PathOf(args, stdout(), stderr()));

        command.Add(list);
        command.Add(download);
        command.Add(path);
        return command;
    }

    private static Argument<string[]> NameArgument(string description)
    {
        var name = new Argument<string[]>("name") { Description = description, Arity = ArgumentArity.ZeroOrMore };
        name.CompletionSources.Add([.. ModelCatalog.All.Select(m => m.Name)]);
        return name;
    }

    private static int List(ParseResult args, TextWriter stdout)
    {
        var cache = new ModelCache(args.GetValue(Cache));
        stdout.WriteLine($"Model cache: {cache.Root} ({Describe(cache.Source)})");
        stdout.WriteLine();
        var rows = new List<string[]> { Header };
        foreach (var model in ModelCatalog.All)
        {
            var paths = cache.PathsFor(model);
            var cached = File.Exists(paths.FrozenGraph) ? (File.Exists(paths.TextGraph) ? "yes" : "yes, no text graph") : "no";
            rows.Add([
                model.Name,
                model.ZooName,
                model.MaskSize is { } m ? m.ToString(CultureInfo.InvariantCulture) : "?",
                model.TextGraphConfirmed ? "confirmed" : "unconfirmed",
                Checksum(model),
                cached,
            ]);
        }
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
            stdout.WriteLine(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
        stdout.WriteLine();
        stdout.WriteLine("Only inception_v2 has published checksums (SHA-1 sums from OpenCV's test-data scripts). The others are");
        stdout.WriteLine("downloaded unverified: the tool prints the SHA-256 of what it received so you can compare and pin it.");
        stdout.WriteLine("Download one with: maskrcnn models download NAME");
        return ExitCodes.Success;
    }

    private static string Checksum(CatalogModel model) =>
        model.ArchiveSha256 is not null ? "SHA-256"
        : model.ArchiveSha1 is not null || model.FrozenGraphSha1 is not null ? "SHA-1"
        : "none (unverified)";

    private static string Describe(ModelCacheSource source) => source switch
    {
        ModelCacheSource.Explicit => "--cache",
        ModelCacheSource.EnvironmentVariable => $"from {ModelCache.EnvironmentVariable}",
        _ => $"the default; move it with --cache or {ModelCache.EnvironmentVariable}",
    };

    private static CatalogModel FindModel(ParseResult args, string command)
    {
        var names = args.GetValue<string[]>("name") ?? [];
        if (names.Length != 1) throw new UsageException($"models {command} needs one model name, e.g. maskrcnn models {command} inception_v2 (see maskrcnn models list).");
        try
        {
            return ModelCatalog.Find(names[0]);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message.Split(" (Parameter", 2)[0]);
        }
    }

    private static int PathOf(ParseResult args, TextWriter stdout, TextWriter stderr)
    {
        var model = FindModel(args, "path");
        var paths = new ModelCache(args.GetValue(Cache)).PathsFor(model);
        stdout.WriteLine(paths.Directory);
        if (File.Exists(paths.FrozenGraph)) return ExitCodes.Success;
        var cacheOption = args.GetValue(Cache) is { } c ? $" --cache {c}" : "";
        stderr.WriteLine($"error: {model.Name} is not downloaded yet. Run: maskrcnn models download {model.Name}{cacheOption}");
        return ExitCodes.ModelError;
    }

    private static int Download(ParseResult args, TextWriter stdout, TextWriter stderr, bool interactive, CancellationToken cancellation)
    {
        var model = FindModel(args, "download");
        Uri? mirror = null;
        if (Environment.GetEnvironmentVariable(BaseUrlVariable) is { Length: > 0 } baseUrl)
        {
            if (!Uri.TryCreate(baseUrl.Trim(), UriKind.Absolute, out mirror) || (mirror.Scheme != Uri.UriSchemeHttp && mirror.Scheme != Uri.UriSchemeHttps))
                throw new UsageException($"{BaseUrlVariable} must be an absolute http(s) address, not '{baseUrl}'.");
        }
        var options = new ModelDownloadOptions
        {
            BaseAddress = mirror,
            Overwrite = args.GetValue(Force),
            KeepArchive = args.GetValue(KeepArchive),
            IncludeTextGraph = !args.GetValue(NoTextGraph),
        };
        var cache = new ModelCache(args.GetValue(Cache));
        var paths = cache.PathsFor(model);
        var reporter = new StderrReporter(stderr, interactive);
        stdout.WriteLine($"Downloading {model} into {paths.Directory}{(mirror is null ? "" : $" from the mirror {mirror}")}");
        ModelDownloadResult result;
        using (var downloader = new ModelDownloader(cache, options, logger: reporter))
        {
            try
            {
                result = downloader.DownloadAsync(model, reporter, cancellation).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                reporter.EndLine();
                stderr.WriteLine($"Stopped. The partial archive is kept ({paths.PartialArchive}); run the same command again to resume.");
                return ExitCodes.Cancelled;
            }
            catch (ModelDownloadException e)
            {
                reporter.EndLine();
                stderr.WriteLine($"error: {e.Message}");
                if (e.StatusCode is null && e.InnerException is HttpRequestException or OperationCanceledException)
                    stderr.WriteLine(
                        $"The model server could not be reached; this machine may be offline. Download {Rebased(model.ArchiveUrl, mirror)} on another machine " +
                        $"and put it at {paths.Archive} (it is then used instead of downloading), or set {BaseUrlVariable} to a reachable mirror.");
                return ExitCodes.ModelError;
            }
        }
        reporter.EndLine();

        stdout.WriteLine(
            result.FromCache ? $"{model.Name} is already in the cache; nothing was downloaded."
            : result.ArchiveSha256 is null ? $"{model.Name} is ready (the frozen graph was already in the cache)."
            : $"{model.Name} is ready.");
        stdout.WriteLine($"  folder:       {paths.Directory}");
        stdout.WriteLine($"  frozen graph: {result.FrozenGraphPath}");
        stdout.WriteLine($"  text graph:   {result.TextGraphPath ?? "none (make one with OpenCV's samples/dnn/tf_text_graph_mask_rcnn.py and pass it with --text-graph)"}");
        stdout.WriteLine($"  labels:       {result.LabelsPath}");
        if (result.ArchiveSha256 is { } archiveSha) stdout.WriteLine($"  archive SHA-256:      {archiveSha}");
        var graphSha = result.FrozenGraphSha256 ?? Sha256Of(result.FrozenGraphPath);
        stdout.WriteLine($"  frozen graph SHA-256: {graphSha}");
        if (result.TextGraphSha256 is { } textSha) stdout.WriteLine($"  text graph SHA-256:   {textSha}");
        stdout.WriteLine(result.ModelVerification switch
        {
            VerificationStatus.Sha256Verified => "  verification: verified (SHA-256 from the catalogue)",
            VerificationStatus.Sha1Verified => "  verification: verified (the SHA-1 sums OpenCV's test-data scripts publish)",
            _ => "  verification: UNVERIFIED: the catalogue has no checksum for this model. Compare the SHA-256 above with a source you trust.",
        });
        if (result.TextGraphVerification == VerificationStatus.Unverified)
            stdout.WriteLine("  text graph:   unverified (no checksum is published for it)");
        stdout.WriteLine($"Use it with: maskrcnn detect --model {model.Name}{(args.GetValue(Cache) is { } c ? $" --cache {c}" : "")} IMAGES...");
        return ExitCodes.Success;
    }

    private static Uri Rebased(Uri url, Uri? mirror) =>
        mirror is null ? url : new Uri(new Uri(mirror.AbsoluteUri.EndsWith('/') ? mirror.AbsoluteUri : mirror.AbsoluteUri + "/"), url.PathAndQuery.TrimStart('/'));

    private static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Shows download progress and the downloader's notes on stderr: one redrawn line on a terminal, else a
    /// line per tenth of each file.</summary>
    private sealed class StderrReporter(TextWriter stderr, bool interactive) : IProgress<DownloadProgress>, ILogger
    {
        private readonly object _gate = new();
        private int _drawn;
        private (DownloadStage Stage, string File) _current;
        private int _lastTenth = -1;

        public void Report(DownloadProgress value)
        {
            lock (_gate)
            {
                var text = Format(value);
                if (interactive)
                {
                    stderr.Write("\r" + text.PadRight(_drawn));
                    _drawn = text.Length;
                }
                else
                {
                    if (_current != (value.Stage, value.FileName))
                    {
                        _current = (value.Stage, value.FileName);
                        _lastTenth = -1;
                    }
                    var tenth = value.Fraction is { } f ? (int)(f * 10) : _lastTenth + 1;
                    if (tenth <= _lastTenth) return;
                    _lastTenth = tenth;
                    stderr.WriteLine(text);
                }
                stderr.Flush();
            }
        }

        public void EndLine()
        {
            lock (_gate)
            {
                if (_drawn == 0) return;
                stderr.WriteLine();
                _drawn = 0;
            }
        }

        private static string Format(DownloadProgress p)
        {
            var verb = p.Stage switch
            {
                DownloadStage.TextGraph => "downloading",
                DownloadStage.Archive => "downloading",
                DownloadStage.Verify => "checking",
                _ => "extracting",
            };
            var text = $"{verb} {p.FileName}: {Megabytes(p.BytesReceived)}";
            if (p.TotalBytes is { } total) text += string.Create(CultureInfo.InvariantCulture, $" of {Megabytes(total)} ({100 * p.Fraction ?? 0:0}%)");
            if (p.BytesPerSecond > 0)
            {
                text += $", {Megabytes((long)p.BytesPerSecond)}/s";
                if (p.TotalBytes is { } t && t > p.BytesReceived)
                    text += ", ETA " + ProgressMeter.FormatDuration(TimeSpan.FromSeconds((t - p.BytesReceived) / p.BytesPerSecond));
            }
            return text;
        }

        private static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB");

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            lock (_gate)
            {
                if (_drawn > 0)
                {
                    stderr.WriteLine();
                    _drawn = 0;
                }
                stderr.WriteLine($"{(logLevel >= LogLevel.Error ? "error" : "warning")}: {formatter(state, exception)}");
                stderr.Flush();
            }
        }
    }
}
