using System.Runtime.InteropServices;

namespace MaskRcnn.Models;

/// <summary>
/// The per-user folder downloaded models are kept in. The folder is, in order of precedence: the path passed to the
/// constructor; the <see cref="EnvironmentVariable"/> environment variable; the per-user default
/// (<see cref="DefaultRoot"/>).
/// </summary>
public sealed class ModelCache
{
    /// <summary>The environment variable that moves the cache: <c>MASKRCNN_MODEL_CACHE</c>.</summary>
    public const string EnvironmentVariable = "MASKRCNN_MODEL_CACHE";

    private const string AppFolder = "maskrcnn";
    private const string ModelsFolder = "models";

    /// <summary>Creates the cache at <paramref name="root"/>, or, when it is null or blank, where
    /// <see cref="EnvironmentVariable"/> says, or at the per-user default. The folder is not created until a model is
    /// downloaded.</summary>
    public ModelCache(string? root = null)
    {
        (Root, Source) = Resolve(root, Environment.GetEnvironmentVariable, () => DefaultRoot);
    }

    /// <summary>The cache folder (absolute).</summary>
    public string Root { get; }

    /// <summary>Where <see cref="Root"/> came from.</summary>
    public ModelCacheSource Source { get; }

    /// <summary>
    /// The per-user default folder: on Linux <c>$XDG_CACHE_HOME/maskrcnn/models</c> when <c>XDG_CACHE_HOME</c> is an
    /// absolute path, else <c>~/.cache/maskrcnn/models</c>; elsewhere
    /// <c>&lt;LocalApplicationData&gt;/maskrcnn/models</c>.
    /// </summary>
    public static string DefaultRoot => DefaultRootFor(
        RuntimeInformation.IsOSPlatform(OSPlatform.Linux),
        Environment.GetEnvironmentVariable,
        Environment.GetFolderPath);

    /// <summary>Where the files of <paramref name="model"/> are, or will be once it is downloaded.</summary>
    /// <exception cref="ArgumentException">The model's zoo name is not a plain folder name.</exception>
    public ModelPaths PathsFor(CatalogModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var zoo = model.ZooName;
        if (!IsPlainName(zoo))
            throw new ArgumentException(
                $"The zoo name '{zoo}' of model '{model.Name}' cannot name a cache folder: it must be a plain name without path separators, '..' or invalid characters.",
                nameof(model));
        var dir = Path.Combine(Root, zoo);
        return new ModelPaths(
            dir,
            Path.Combine(dir, "frozen_inference_graph.pb"),
            Path.Combine(dir, zoo + ".pbtxt"),
            Path.Combine(dir, "labels.txt"),
            Path.Combine(dir, zoo + ".tar.gz"));
    }

    /// <summary>
    /// The files a model argument names: an existing file is itself (a frozen graph); a catalogue name
    /// (<see cref="ModelCatalog.TryFind"/>) is that model's cached frozen graph, with its cached text graph and labels
    /// when present; anything else is taken as a path (loading it then says whether it exists).
    /// </summary>
    /// <exception cref="ModelNotCachedException">A catalogue model is named but not downloaded.</exception>
    public ModelFiles Resolve(string modelNameOrPath)
    {
        ArgumentNullException.ThrowIfNull(modelNameOrPath);
        if (File.Exists(modelNameOrPath) || !ModelCatalog.TryFind(modelNameOrPath, out var model))
            return new ModelFiles(modelNameOrPath, null, null, null);
        var paths = PathsFor(model);
        if (!File.Exists(paths.FrozenGraph)) throw new ModelNotCachedException(model, paths);
        return new ModelFiles(paths.FrozenGraph, File.Exists(paths.TextGraph) ? paths.TextGraph : null, File.Exists(paths.Labels) ? paths.Labels : null, model);
    }

    /// <summary>The cache folder.</summary>
    public override string ToString() => Root;

    internal static (string Root, ModelCacheSource Source) Resolve(string? explicitRoot, Func<string, string?> getEnvironment, Func<string> defaultRoot)
    {
        if (!string.IsNullOrWhiteSpace(explicitRoot)) return (Path.GetFullPath(explicitRoot), ModelCacheSource.Explicit);
        var fromEnvironment = getEnvironment(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return (Path.GetFullPath(fromEnvironment.Trim()), ModelCacheSource.EnvironmentVariable);
        return (defaultRoot(), ModelCacheSource.Default);
    }

    internal static string DefaultRootFor(bool isLinux, Func<string, string?> getEnvironment, Func<Environment.SpecialFolder, string> getFolder)
    {
        if (isLinux)
        {
            // XDG Base Directory: a relative XDG_CACHE_HOME is invalid and must be ignored.
            var xdg = getEnvironment("XDG_CACHE_HOME");
            if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg))
                return Path.Combine(xdg, AppFolder, ModelsFolder);
            var home = getFolder(Environment.SpecialFolder.UserProfile);
            if (string.IsNullOrEmpty(home)) home = getEnvironment("HOME");
            if (!string.IsNullOrEmpty(home)) return Path.Combine(home, ".cache", AppFolder, ModelsFolder);
        }
        else
        {
            var local = getFolder(Environment.SpecialFolder.LocalApplicationData);
            if (!string.IsNullOrEmpty(local)) return Path.Combine(local, AppFolder, ModelsFolder);
        }
        // No home folder at all (some service accounts and containers): fall back to the temporary folder.
        return Path.Combine(Path.GetTempPath(), AppFolder, ModelsFolder);
    }

    internal static bool IsPlainName(string? name) =>
        !string.IsNullOrWhiteSpace(name)
        && name != "."
        && name != ".."
        && name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0
        && name.IndexOfAny(['/', '\\', ':']) < 0
        && name.Trim() == name;
}
