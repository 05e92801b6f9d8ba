using System.Diagnostics;
using System.Globalization;

namespace MaskRcnn.Overlay;

/// <summary>How progress is shown.</summary>
internal enum ProgressMode
{
    /// <summary>One line redrawn in place (cleared before any other line is written, then drawn again).</summary>
    Line,

    /// <summary>Plain lines, at each tenth of the work and at least every few seconds, so logs stay readable.</summary>
    Plain,

    /// <summary>No progress.</summary>
    None,
}

/// <summary>The tool's output, safe to use from several threads, with progress shown as <see cref="ProgressMode"/> says.</summary>
#pragma warning disable CA1001 // The meter is only remembered here; whoever starts it disposes it.
internal sealed class ToolConsole(TextWriter stdout, TextWriter stderr, ProgressMode mode)
#pragma warning restore CA1001
{
    private readonly object _gate = new();
    private ProgressMeter? _progress;
    private int _drawnLength;

    public ProgressMode Mode { get; set; } = mode;

    private bool Interactive => Mode == ProgressMode.Line;

    public void Out(string line) => Write(stdout, line);

    public void Error(string line) => Write(stderr, line);

    private void Write(TextWriter writer, string line)
    {
        lock (_gate)
        {
            ClearProgressLine();
            writer.WriteLine(line);
            writer.Flush();
            DrawProgressLine();
        }
    }

    /// <summary>Starts showing the progress of <paramref name="total"/> items (unknown when null or not positive).</summary>
    public ProgressMeter StartProgress(string name, string unit, long? total)
    {
        lock (_gate)
        {
            _progress = new ProgressMeter(this, name, unit, total is > 0 ? total : null);
            DrawProgressLine();
            return _progress;
        }
    }

    internal void Advanced(ProgressMeter meter)
    {
        lock (_gate)
        {
            if (_progress != meter) return;
            if (Interactive)
            {
                if (meter.ShouldRedraw()) DrawProgressLine();
            }
            else if (Mode == ProgressMode.Plain && meter.ShouldPrintPlain())
            {
                stdout.WriteLine("progress: " + meter.Describe());
                stdout.Flush();
            }
        }
    }

    internal void Finished(ProgressMeter meter)
    {
        lock (_gate)
        {
            if (_progress != meter) return;
            ClearProgressLine();
            _progress = null;
        }
    }

    private void DrawProgressLine()
    {
        if (!Interactive || _progress is null) return;
        var text = _progress.Describe();
        var width = TerminalWidth();
        if (text.Length > width - 1) text = text[..Math.Max(0, width - 1)];
        stdout.Write("\r" + text.PadRight(_drawnLength));
        stdout.Flush();
        _drawnLength = text.Length;
    }

    private void ClearProgressLine()
    {
        if (!Interactive || _drawnLength == 0) return;
        stdout.Write("\r" + new string(' ', _drawnLength) + "\r");
        _drawnLength = 0;
    }

    private static int TerminalWidth()
    {
        try
        {
            var width = Console.WindowWidth;
            return width > 10 ? width : 120;
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or InvalidOperationException)
        {
            return 120;
        }
    }
}

/// <summary>Counts done items and tells the rate and the time left.</summary>
internal sealed class ProgressMeter : IDisposable
{
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    private readonly ToolConsole _console;
    private readonly string _name;
    private readonly string _unit;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _lastRedraw;
    private TimeSpan _lastPlain;
    private long _lastPlainTenth;
    private long _done;

    internal ProgressMeter(ToolConsole console, string name, string unit, long? total)
    {
        _console = console;
        _name = name;
        _unit = unit;
        Total = total;
    }

    public long? Total { get; }

    public long Done => Interlocked.Read(ref _done);

    public void Advance()
    {
        Interlocked.Increment(ref _done);
        _console.Advanced(this);
    }

    public void Dispose() => _console.Finished(this);

    internal bool ShouldRedraw()
    {
        var now = _clock.Elapsed;
        if (_lastRedraw is { } last && now - last < RedrawInterval && Done != Total) return false;
        _lastRedraw = now;
        return true;
    }

    internal bool ShouldPrintPlain()
    {
        var done = Done;
        var now = _clock.Elapsed;
        if (Total is { } total)
        {
            // Each tenth once, but not the end: the caller reports that.
            var tenth = done * 10 / total;
            if (done < total && tenth > _lastPlainTenth)
            {
                _lastPlainTenth = tenth;
                _lastPlain = now;
                return true;
            }
        }
        if (now - _lastPlain >= PlainInterval && (Total is null || done < Total))
        {
            _lastPlain = now;
            return true;
        }
        return false;
    }

    public string Describe()
    {
        var done = Done;
        var seconds = _clock.Elapsed.TotalSeconds;
        var rate = seconds > 0 ? done / seconds : 0;
        // A container may announce fewer frames than it holds: then the total is treated as unknown.
        var total = Total is { } announced && announced >= done ? announced : (long?)null;
        var text = _name.Length > 0 ? _name + ": " : "";
        text += total is { } all
            ? string.Create(CultureInfo.InvariantCulture, $"{done}/{all} {_unit} ({100.0 * done / all:0}%)")
            : string.Create(CultureInfo.InvariantCulture, $"{done} {_unit}");
        text += string.Create(CultureInfo.InvariantCulture, $", {rate:0.0} {_unit}/s");
        if (total is { } t && done > 0 && rate > 0)
            text += ", ETA " + FormatDuration(TimeSpan.FromSeconds((t - done) / rate));
        return text;
    }

    public static string FormatDuration(TimeSpan span)
    {
        var seconds = (long)Math.Ceiling(span.TotalSeconds);
        return seconds >= 3600
            ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}:{seconds / 60 % 60:00}:{seconds % 60:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}:{seconds % 60:00}");
    }
}
