using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace MaskRcnn.Overlay;

/// <summary>
/// Typed options with the tool's own messages: each parses its value when the command line is parsed and reports a
/// bad one as <c>--name must be ..., not 'value'.</c>; help and completion come from the same definitions.
/// </summary>
internal static class Options
{
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    public static Option<string?> Text(string name, string description, string? valueName = null) =>
        new(name) { Description = description, HelpName = valueName };

    public static Option<double?> Number(string name, string description, double min, double max) =>
        Typed(name, description, "X", text =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
                ? v : Error<double?>($"{name} must be a number from {Invariant(min)} to {Invariant(max)}, not '{text}'."));

    public static Option<int?> Integer(string name, string description, int min, int max) =>
        Typed(name, description, "N", text =>
            !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v < min || v > max
                ? Error<int?>($"{name} must be a number from {Invariant(min)} to {Invariant(max)}, not '{text}'.")
                : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i
                : Error<int?>($"{name} must be a whole number, not '{text}'."));

    /// <summary>Two whole numbers joined by <paramref name="separator"/> (WxH, MIN:MAX).</summary>
    public static Option<(int A, int B)?> Pair(string name, string description, char separator, string form) =>
        Typed(name, description, form.Split(',')[0], text => TryPair(text, separator) ?? Error<(int, int)?>($"{name} must be {form}, not '{text}'."));

    /// <summary>One of a fixed set of words (any case), offered for completion; <c>default(T)</c> when absent, so the
    /// first value of an enum (or null) is the default.</summary>
    public static Option<T> Choice<T>(string name, string description, IReadOnlyDictionary<string, T> choices, string rule)
    {
        var option = Typed(name, description, string.Join('|', choices.Keys), text =>
            choices.TryGetValue(text.ToLowerInvariant(), out var v) ? v : Error<T>($"{name} must be {rule}, not '{text}'."));
        option.CompletionSources.Clear();
        option.CompletionSources.Add([.. choices.Keys]);
        return option;
    }

    /// <summary>One of a fixed set of words, in lower case; null when absent.</summary>
    public static Option<string?> Choice(string name, string description, IEnumerable<string> words, string rule) =>
        Choice<string?>(name, description, words.ToDictionary(w => w.ToLowerInvariant(), w => (string?)w.ToLowerInvariant(), StringComparer.Ordinal), rule);

    public static (int A, int B)? TryPair(string text, char separator)
    {
        var parts = text.Split(separator);
        return parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var a) &&
               int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var b)
            ? (a, b) : null;
    }

    private static Option<T> Typed<T>(string name, string description, string valueName, Func<string, T> parse) =>
        new(name)
        {
            Description = description,
            HelpName = valueName,
            CustomParser = result =>
            {
                try
                {
                    return parse(result.Tokens.Count > 0 ? result.Tokens[^1].Value : "");
                }
                catch (OptionValueException e)
                {
                    result.AddError(e.Message);
                    return default!;
                }
            },
        };

    private static T Error<T>(string message) => throw new OptionValueException(message);

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Carries a value's error from a parse function to the parser's error list.</summary>
    private sealed class OptionValueException(string message) : Exception(message);
}
