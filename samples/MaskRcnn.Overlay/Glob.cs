using System.Text;
using System.Text.RegularExpressions;

namespace MaskRcnn.Overlay;

/// <summary>
/// File name patterns: <c>*</c> (any characters but a separator), <c>?</c> (one character), <c>[abc]</c>,
/// <c>[a-z]</c>, <c>[!abc]</c> (one of / none of), and <c>**</c> as a whole path segment (any number of folders,
/// including none). Hidden files and folders (names starting with a dot) are not matched, as in a shell. Matching is
/// case-sensitive except on Windows.
/// </summary>
internal static class Glob
{
    private static readonly char[] Wildcards = ['*', '?', '['];

    public static bool IsPattern(string text) => text.IndexOfAny(Wildcards) >= 0;

    /// <summary>The files matching <paramref name="pattern"/>, in ordinal order, as paths starting with the pattern's
    /// fixed leading folders (so a relative pattern gives relative paths).</summary>
    /// <param name="pattern">The pattern.</param>
    /// <param name="baseFolder">The folder the search starts in: the pattern's leading folders without wildcards.</param>
    public static List<string> Expand(string pattern, out string baseFolder)
    {
        var separators = OperatingSystem.IsWindows() ? new[] { '/', '\\' } : ['/'];
        var rooted = Path.IsPathRooted(pattern);
        var root = rooted ? Path.GetPathRoot(pattern)! : "";
        var segments = pattern[root.Length..].Split(separators, StringSplitOptions.RemoveEmptyEntries);
        var fixedCount = 0;
        while (fixedCount < segments.Length && !IsPattern(segments[fixedCount])) fixedCount++;
        var baseDir = root + string.Join(Path.DirectorySeparatorChar, segments[..fixedCount]);
        var searchDir = baseDir.Length == 0 ? "." : baseDir;
        baseFolder = searchDir;
        if (fixedCount == segments.Length) return File.Exists(pattern) ? [pattern] : [];

        if (!Directory.Exists(searchDir)) return [];
        var rest = segments[fixedCount..];
        var regex = ToRegex(rest);
        var recursive = rest.Contains("**");
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = recursive || rest.Length > 1,
            MaxRecursionDepth = recursive ? int.MaxValue : rest.Length - 1,
            IgnoreInaccessible = true,
            MatchType = MatchType.Simple,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
        };
        var matches = new List<string>();
        foreach (var file in Directory.EnumerateFiles(searchDir, "*", options))
        {
            var relative = Path.GetRelativePath(searchDir, file).Replace('\\', '/');
            if (relative.Split('/').Any(part => part.StartsWith('.'))) continue;
            if (regex.IsMatch(relative)) matches.Add(baseDir.Length == 0 ? relative.Replace('/', Path.DirectorySeparatorChar) : Path.Combine(baseDir, relative));
        }
        matches.Sort(StringComparer.Ordinal);
        return matches;
    }

    private static Regex ToRegex(string[] segments)
    {
        var text = new StringBuilder("^");
        for (var i = 0; i < segments.Length; i++)
        {
            var last = i == segments.Length - 1;
            if (segments[i] == "**")
            {
                text.Append(last ? "(?:[^/]+/)*[^/]+" : "(?:[^/]+/)*");
                continue;
            }
            AppendSegment(text, segments[i]);
            if (!last) text.Append('/');
        }
        text.Append('$');
        var options = RegexOptions.CultureInvariant | (OperatingSystem.IsWindows() ? RegexOptions.IgnoreCase : RegexOptions.None);
        return new Regex(text.ToString(), options, TimeSpan.FromSeconds(1));
    }

    private static void AppendSegment(StringBuilder text, string segment)
    {
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            switch (c)
            {
                case '*':
                    text.Append("[^/]*");
                    break;
                case '?':
                    text.Append("[^/]");
                    break;
                case '[':
                    var close = i + 2 <= segment.Length ? segment.IndexOf(']', i + 2) : -1;
                    if (close < 0)
                    {
                        text.Append(@"\[");
                        break;
                    }
                    var body = segment[(i + 1)..close];
                    var negate = body.StartsWith('!') || body.StartsWith('^');
                    if (negate) body = body[1..];
                    text.Append(negate ? "[^/" : "[").Append(body.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("[", @"\[", StringComparison.Ordinal)).Append(']');
                    i = close;
                    break;
                default:
                    text.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
    }
}
