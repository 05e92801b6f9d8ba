using System.Globalization;

namespace MaskRcnn.Overlay;

/// <summary>A bad command line; the message says what is wrong and what to write instead.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>Parses <c>--name value</c>, <c>--flag</c> and positional arguments, rejecting anything unknown.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public static Arguments Parse(IEnumerable<string> args, ISet<string> flags, ISet<string> valued)
    {
        var result = new Arguments();
        using var e = args.GetEnumerator();
        var onlyPositional = false;
        while (e.MoveNext())
        {
            var a = e.Current;
            if (onlyPositional || !a.StartsWith("--", StringComparison.Ordinal) || a == "-")
            {
                result.Positional.Add(a);
                continue;
            }
            if (a == "--")
            {
                onlyPositional = true;
                continue;
            }
            var eq = a.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? a[..eq] : a;
            if (flags.Contains(name))
            {
                if (eq > 0) throw new UsageException($"{name} takes no value.");
                result._options[name] = null;
            }
            else if (valued.Contains(name))
            {
                string value;
                if (eq > 0) value = a[(eq + 1)..];
                else if (e.MoveNext()) value = e.Current;
                else throw new UsageException($"{name} needs a value.");
                result._options[name] = value;
            }
            else
            {
                throw new UsageException($"Unknown option {name}. Run 'maskrcnn help' for the options.");
            }
        }
        return result;
    }

    public bool Flag(string name) => _options.ContainsKey(name);

    public string? Value(string name) => _options.GetValueOrDefault(name);

    public double Number(string name, double fallback, double min, double max)
    {
        var text = Value(name);
        if (text is null) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            throw new UsageException($"{name} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, not '{text}'.");
        return v;
    }

    public int Integer(string name, int fallback, int min, int max) => (int)Number(name, fallback, min, max) is var v && Value(name) is { } t && !int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
        ? throw new UsageException($"{name} must be a whole number, not '{t}'.")
        : v;
}
