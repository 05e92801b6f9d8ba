using MaskRcnn.Models;

namespace MaskRcnn.Tests.Models;

/// <summary>The only tests that change the cache environment variable; they restore it, and run one at a time.</summary>
public sealed class ModelCacheTests
{
    private static readonly Lock EnvironmentLock = new();

    [Fact]
    public void An_explicit_path_beats_the_environment_variable_which_beats_the_default()
    {
        using var temp = new TempFolder();
        var fromEnvironment = Path.Combine(temp.Path, "from-env");
        var explicitPath = Path.Combine(temp.Path, "explicit");
        WithEnvironment(fromEnvironment, () =>
        {
            var cache = new ModelCache(explicitPath);
            Assert.Equal(explicitPath, cache.Root);
            Assert.Equal(ModelCacheSource.Explicit, cache.Source);

            var environment = new ModelCache();
            Assert.Equal(fromEnvironment, environment.Root);
            Assert.Equal(ModelCacheSource.EnvironmentVariable, environment.Source);
        });
        WithEnvironment(null, () =>
        {
            var fallback = new ModelCache();
            Assert.Equal(ModelCache.DefaultRoot, fallback.Root);
            Assert.Equal(ModelCacheSource.Default, fallback.Source);
            Assert.Equal(ModelCacheSource.Default, new ModelCache("   ").Source);
        });
        WithEnvironment("  ", () => Assert.Equal(ModelCacheSource.Default, new ModelCache().Source));
    }

    [Fact]
    public void A_relative_environment_or_explicit_path_is_made_absolute()
    {
        WithEnvironment("relative-cache", () =>
        {
            Assert.Equal(Path.GetFullPath("relative-cache"), new ModelCache().Root);
            Assert.Equal(Path.GetFullPath("other"), new ModelCache("other").Root);
        });
    }

    [Fact]
    public void The_linux_default_uses_XDG_CACHE_HOME_when_absolute_and_else_home_dot_cache()
    {
        static string Folder(Environment.SpecialFolder folder) => folder switch
        {
            Environment.SpecialFolder.UserProfile => "/home/ada",
            Environment.SpecialFolder.LocalApplicationData => "/home/ada/.local/share",
            _ => "",
        };

        Assert.Equal(Path.Combine("/var/cache/ada", "maskrcnn", "models"),
            ModelCache.DefaultRootFor(true, name => name == "XDG_CACHE_HOME" ? "/var/cache/ada" : null, Folder));
        Assert.Equal(Path.Combine("/home/ada", ".cache", "maskrcnn", "models"),
            ModelCache.DefaultRootFor(true, _ => null, Folder));
        // The XDG specification says a relative value is invalid and must be ignored.
        Assert.Equal(Path.Combine("/home/ada", ".cache", "maskrcnn", "models"),
            ModelCache.DefaultRootFor(true, name => name == "XDG_CACHE_HOME" ? "relative/cache" : null, Folder));
        // Elsewhere: LocalApplicationData.
        Assert.Equal(Path.Combine("/home/ada/.local/share", "maskrcnn", "models"),
            ModelCache.DefaultRootFor(false, name => name == "XDG_CACHE_HOME" ? "/var/cache/ada" : null, Folder));
        // No home at all: the temporary folder.
        Assert.Equal(Path.Combine(Path.GetTempPath(), "maskrcnn", "models"), ModelCache.DefaultRootFor(true, _ => null, _ => ""));
    }

    [Fact]
    public void The_default_on_this_machine_follows_the_platform_rule()
    {
        var root = ModelCache.DefaultRoot;
        Assert.True(Path.IsPathRooted(root));
        Assert.EndsWith(Path.Combine("maskrcnn", "models"), root, StringComparison.Ordinal);
        if (OperatingSystem.IsLinux())
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var expected = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)
                ? Path.Combine(xdg, "maskrcnn", "models")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "maskrcnn", "models");
            Assert.Equal(expected, root);
        }
    }

    [Fact]
    public void PathsFor_puts_each_model_in_its_own_folder()
    {
        using var temp = new TempFolder();
        var paths = new ModelCache(temp.Path).PathsFor(ModelCatalog.InceptionV2);
        var folder = Path.Combine(temp.Path, "mask_rcnn_inception_v2_coco_2018_01_28");
        Assert.Equal(folder, paths.Directory);
        Assert.Equal(Path.Combine(folder, "frozen_inference_graph.pb"), paths.FrozenGraph);
        Assert.Equal(Path.Combine(folder, "mask_rcnn_inception_v2_coco_2018_01_28.pbtxt"), paths.TextGraph);
        Assert.Equal(Path.Combine(folder, "labels.txt"), paths.Labels);
        Assert.Equal(Path.Combine(folder, "mask_rcnn_inception_v2_coco_2018_01_28.tar.gz"), paths.Archive);
        Assert.Equal(paths.Archive + ".partial", paths.PartialArchive);
        Assert.False(Directory.Exists(folder));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("")]
    public void PathsFor_refuses_zoo_names_that_are_not_plain_folder_names(string zooName)
    {
        using var temp = new TempFolder();
        var model = ModelCatalog.InceptionV2 with { ZooName = zooName };
        var e = Assert.Throws<ArgumentException>(() => new ModelCache(temp.Path).PathsFor(model));
        Assert.Contains("plain name", e.Message, StringComparison.Ordinal);
    }

    private static void WithEnvironment(string? value, Action action)
    {
        lock (EnvironmentLock)
        {
            var saved = Environment.GetEnvironmentVariable(ModelCache.EnvironmentVariable);
            try
            {
                Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, value);
                action();
            }
            finally
            {
                Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, saved);
            }
        }
    }
}
