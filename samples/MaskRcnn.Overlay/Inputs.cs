namespace MaskRcnn.Overlay;

/// <summary>What an input file is.</summary>
internal enum InputKind
{
    Image,
    Video,
}

/// <summary>One file to detect in.</summary>
internal sealed record InputFile(string Path, InputKind Kind);

/// <summary>Turns the command line's files, folders and patterns into the list of files to process.</summary>
internal static class Inputs
{
    public static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".jp2", ".pgm", ".ppm"];
    public static readonly string[] VideoExtensions = [".mp4", ".avi", ".mkv", ".mov"];

    public static InputKind KindOf(string path) =>
        VideoExtensions.Contains(System.IO.Path.GetExtension(path).ToLowerInvariant()) ? InputKind.Video : InputKind.Image;

    private static bool IsKnown(string path)
    {
        var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        return ImageExtensions.Contains(extension) || VideoExtensions.Contains(extension);
    }

    /// <summary>
    /// Expands <paramref name="items"/>: a file is taken as it is; a folder gives its images and videos (with
    /// <paramref name="recursive"/>, those of its subfolders too); a pattern (<see cref="Glob"/>) gives the images and
    /// videos it matches. When the output folder lies inside a folder searched (a folder named, or a pattern's leading
    /// folder), its files are left out, so earlier outputs are not taken as inputs. Each file is listed once.
    /// </summary>
    /// <param name="items">The positional arguments.</param>
    /// <param name="recursive">Whether folders are searched recursively.</param>
    /// <param name="outputFolder">The output folder.</param>
    /// <param name="failures">Receives a line for each item that names nothing.</param>
    /// <param name="warn">Receives warnings (a folder without images).</param>
    public static List<InputFile> Expand(IEnumerable<string> items, bool recursive, string outputFolder, List<string> failures, Action<string> warn)
    {
        var output = WithSeparator(System.IO.Path.GetFullPath(outputFolder));
        var seen = new HashSet<string>(PathComparer);
        var files = new List<InputFile>();
        void Add(string path)
        {
            if (seen.Add(System.IO.Path.GetFullPath(path))) files.Add(new InputFile(path, KindOf(path)));
        }
        // Files of the output folder are skipped when it is a subfolder of the folder searched; when it is that folder
        // itself (or holds it), everything is taken (outputs that would replace an input are refused later).
        bool Wanted(string path, string searched)
        {
            var folder = WithSeparator(System.IO.Path.GetFullPath(searched));
            var outputBelow = output.StartsWith(folder, PathComparison) && output.Length > folder.Length;
            return !outputBelow || !System.IO.Path.GetFullPath(path).StartsWith(output, PathComparison);
        }

        foreach (var item in items)
        {
            if (File.Exists(item))
            {
                Add(item);
            }
            else if (Directory.Exists(item))
            {
                var found = Directory.EnumerateFiles(item, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
                    .Where(f => IsKnown(f) && Wanted(f, item) && !System.IO.Path.GetFileName(f).StartsWith('.'))
                    .Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0) warn($"{item} holds no images or videos{(recursive ? "" : " (add --recursive for subfolders)")}.");
                found.ForEach(Add);
            }
            else if (Glob.IsPattern(item))
            {
                var found = Glob.Expand(item, out var searched).Where(f => IsKnown(f) && Wanted(f, searched)).ToList();
                if (found.Count == 0) failures.Add($"{item}: no image or video matches this pattern.");
                found.ForEach(Add);
            }
            else
            {
                failures.Add($"{item}: no such file or folder.");
            }
        }
        return files;
    }

    public static StringComparer PathComparer => OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    public static StringComparison PathComparison => OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private static string WithSeparator(string folder) =>
        folder.EndsWith(System.IO.Path.DirectorySeparatorChar) ? folder : folder + System.IO.Path.DirectorySeparatorChar;
}
