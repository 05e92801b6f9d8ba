using System.Diagnostics;

namespace MaskRcnn.Models;

/// <summary>Sends <see cref="DownloadProgress"/> reports for one file, at most one per interval, and always the last.</summary>
internal sealed class ProgressReporter
{
    private readonly IProgress<DownloadProgress>? _sink;
    private readonly DownloadStage _stage;
    private readonly string _fileName;
    private readonly long _startBytes;
    private readonly TimeSpan _interval;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastReport = TimeSpan.MinValue;

    public ProgressReporter(IProgress<DownloadProgress>? sink, DownloadStage stage, string path, long? total, long startBytes, TimeSpan interval)
    {
        _sink = sink;
        _stage = stage;
        _fileName = Path.GetFileName(path);
        Total = total;
        _startBytes = startBytes;
        _interval = interval;
    }

    public long? Total { get; set; }

    public void Report(long bytes, bool last = false)
    {
        if (_sink is null) return;
        var now = _clock.Elapsed;
        if (!last && _lastReport != TimeSpan.MinValue && now - _lastReport < _interval) return;
        _lastReport = now;
        var seconds = now.TotalSeconds;
        var rate = seconds > 0 ? (bytes - _startBytes) / seconds : 0;
        _sink.Report(new DownloadProgress(_stage, _fileName, bytes, Total, rate));
    }
}
