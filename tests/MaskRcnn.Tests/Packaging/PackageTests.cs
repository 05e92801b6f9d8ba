using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text.Json;
using System.Xml.Linq;
using MaskRcnn.Tests.Models;
using MaskRcnn.Tests.Tool;

namespace MaskRcnn.Tests.Packaging;

/// <summary>
/// SLOW (about 30-60 s): packs MaskRcnn and MaskRcnn.Synthetic from the Release build into a local feed, checks the
/// packages' contents, then builds and runs a fresh console app that uses them from that feed, as a consumer would.
/// Each run packs a unique prerelease version, so the machine's NuGet cache never serves an older package; that version
/// is removed from the cache afterwards.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    private readonly TempFolder _temp = new();
    private readonly string _version = "0.1.0-test." + Guid.NewGuid().ToString("N")[..12];

    public void Dispose()
    {
        _temp.Dispose();
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "maskrcnn", "maskrcnn.synthetic" })
        {
            var folder = Path.Combine(packages, id, _version);
            try
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover test version is never resolved by anything else.
            }
        }
    }

    /// <summary>The dotnet CLI without the MSBuild settings of the test run, so the child builds on its own.</summary>
    private static ProcessResult Dotnet(string workingDirectory, params string[] args)
    {
        var environment = new Dictionary<string, string?> { ["DOTNET_NOLOGO"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" };
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
                environment[name] = null;
        var result = ProcessRunner.Run(ProcessRunner.Dotnet, args, workingDirectory, environment, TimeSpan.FromMinutes(4));
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', args)}:\n{result}");
        return result;
    }

    [Fact]
    public void The_packages_carry_docs_symbols_and_source_link_and_a_fresh_console_app_detects_with_them()
    {
        foreach (var project in new[] { "MaskRcnn", "MaskRcnn.Synthetic" })
        {
            var built = RepositoryPaths.Combine("src", project, "bin", "Release", "net8.0", project + ".dll");
            Assert.True(File.Exists(built), $"{built} is missing: build the solution in Release first (./build.sh test does).");
        }
        var feed = Path.Combine(_temp.Path, "feed");
        Dotnet(RepositoryPaths.Root, "pack", "src/MaskRcnn", "-c", "Release", "--no-build", "-o", feed, $"-p:VersionSuffix={_version["0.1.0-".Length..]}");
        Dotnet(RepositoryPaths.Root, "pack", "src/MaskRcnn.Synthetic", "-c", "Release", "--no-build", "-o", feed, $"-p:VersionSuffix={_version["0.1.0-".Length..]}");

        var commit = CheckPackage(feed, "MaskRcnn", ["Microsoft.Extensions.Logging.Abstractions", "OpenCvSharp4"], "T:MaskRcnn.MaskRcnnDetector");
        CheckPackage(feed, "MaskRcnn.Synthetic", ["MaskRcnn", "OpenCvSharp4"], "T:MaskRcnn.Synthetic.SceneGenerator");
        Assert.Matches("^[0-9a-f]{40}$", commit);

        RunConsumer(feed);
    }

    /// <summary>Checks one package and its symbols; returns the commit its repository element names.</summary>
    private string CheckPackage(string feed, string id, string[] dependencies, string documentedType)
    {
        var nupkg = Path.Combine(feed, $"{id}.{_version}.nupkg");
        var snupkg = Path.Combine(feed, $"{id}.{_version}.snupkg");
        Assert.True(File.Exists(nupkg), $"{nupkg} was not made");
        Assert.True(File.Exists(snupkg), $"{snupkg} was not made");

        string commit;
        using (var zip = ZipFile.OpenRead(nupkg))
        {
            var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            XDocument nuspec;
            using (var s = zip.GetEntry($"{id}.nuspec")!.Open()) nuspec = XDocument.Load(s);
            XElement Meta(string name) => nuspec.Descendants().Single(e => e.Name.LocalName == name);
            Assert.Equal(id, Meta("id").Value);
            Assert.Equal(_version, Meta("version").Value);
            Assert.Equal("expression", Meta("license").Attribute("type")?.Value);
            Assert.Equal("Apache-2.0", Meta("license").Value);
            Assert.Equal("README.md", Meta("readme").Value);
            Assert.Contains("README.md", names);
            using (var readme = new StreamReader(zip.GetEntry("README.md")!.Open()))
                Assert.StartsWith("# MaskRcnn for .NET", readme.ReadToEnd(), StringComparison.Ordinal);
            Assert.Equal("https://github.com/maskrcnn-dotnet/maskrcnn", Meta("repository").Attribute("url")?.Value);
            commit = Meta("repository").Attribute("commit")?.Value ?? "";
            Assert.False(string.IsNullOrEmpty(Meta("description").Value));

            var groups = nuspec.Descendants().Where(e => e.Name.LocalName == "group").ToList();
            Assert.Equal(["net10.0", "net8.0"], groups.Select(g => g.Attribute("targetFramework")?.Value).Order(StringComparer.Ordinal));
            foreach (var group in groups)
            {
                var deps = group.Elements().Select(d => d.Attribute("id")!.Value).Order(StringComparer.Ordinal);
                Assert.Equal(dependencies, deps);
                if (id == "MaskRcnn.Synthetic")
                    Assert.Equal(_version, group.Elements().Single(d => d.Attribute("id")!.Value == "MaskRcnn").Attribute("version")!.Value);
            }

            foreach (var tfm in new[] { "net8.0", "net10.0" })
            {
                Assert.Contains($"lib/{tfm}/{id}.dll", names);
                using var docs = new StreamReader(zip.GetEntry($"lib/{tfm}/{id}.xml")!.Open());
                var xml = docs.ReadToEnd();
                Assert.Contains($"<member name=\"{documentedType}\">", xml, StringComparison.Ordinal);
                Assert.DoesNotContain($"lib/{tfm}/{id}.pdb", names);
            }
            Assert.DoesNotContain(names, n => n.EndsWith(".pb", StringComparison.Ordinal) || n.Contains("OpenCvSharpExtern", StringComparison.Ordinal));
        }

        // The symbols: a portable PDB per framework, each with Source Link mapping the sources to the repository at
        // the commit the package names.
        using (var zip = ZipFile.OpenRead(snupkg))
        {
            foreach (var tfm in new[] { "net8.0", "net10.0" })
            {
                var entry = zip.GetEntry($"lib/{tfm}/{id}.pdb");
                Assert.NotNull(entry);
                using var memory = new MemoryStream();
                using (var s = entry.Open()) s.CopyTo(memory);
                memory.Position = 0;
                using var provider = MetadataReaderProvider.FromPortablePdbStream(memory);
                var reader = provider.GetMetadataReader();
                var sourceLink = reader.CustomDebugInformation
                    .Select(reader.GetCustomDebugInformation)
                    .Where(c => reader.GetGuid(c.Kind) == SourceLinkKind)
                    .Select(c => reader.GetBlobBytes(c.Value))
                    .SingleOrDefault();
                Assert.True(sourceLink is not null, $"{id} {tfm}: the PDB has no Source Link");
                using var json = JsonDocument.Parse(sourceLink);
                var urls = json.RootElement.GetProperty("documents").EnumerateObject().Select(p => p.Value.GetString()).ToList();
                Assert.Contains($"https://raw.githubusercontent.com/maskrcnn-dotnet/maskrcnn/{commit}/*", urls);
                Assert.True(reader.Documents.Count > 5, $"{id} {tfm}: the PDB lists {reader.Documents.Count} documents");
            }
        }
        return commit;
    }

    private void RunConsumer(string feed)
    {
        // An isolated NuGet.config: the local feed and nuget.org only.
        File.WriteAllText(Path.Combine(_temp.Path, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
            </configuration>
            """);
        var app = Path.Combine(_temp.Path, "consumer");
        Dotnet(_temp.Path, "new", "console", "-o", app, "--no-restore");
        Dotnet(app, "add", "package", "MaskRcnn", "--version", _version, "--no-restore");
        Dotnet(app, "add", "package", "MaskRcnn.Synthetic", "--version", _version, "--no-restore");
        Dotnet(app, "add", "package", "OpenCvSharp4.official.runtime.linux-x64", "--version", "4.13.0.20260627", "--no-restore");

        var assets = Path.Combine(app, "assets");
        Directory.CreateDirectory(assets);
        foreach (var file in new[] { "weights.pb", "graph.pbtxt", "labels.txt" })
            File.Copy(RepositoryPaths.Combine("models", "demo", file), Path.Combine(assets, file));
        File.Copy(RepositoryPaths.Combine("samples", "images", "shapes.png"), Path.Combine(assets, "shapes.png"));
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using MaskRcnn;
            using MaskRcnn.Synthetic;

            var assets = args[0];
            using var detector = MaskRcnnDetector.Load(
                Path.Combine(assets, "weights.pb"), Path.Combine(assets, "graph.pbtxt"), LabelMap.Load(Path.Combine(assets, "labels.txt")));
            var result = detector.Detect(Path.Combine(assets, "shapes.png"));
            Console.WriteLine($"library: {Path.GetFileName(Path.GetDirectoryName(typeof(MaskRcnnDetector).Assembly.Location))}");
            Console.WriteLine($"instances: {result.Instances.Count}");
            foreach (var (label, count) in result.CountByLabel().OrderBy(p => p.Key, StringComparer.Ordinal))
                Console.WriteLine($"{label}: {count}");
            Console.WriteLine($"sample scene objects: {DemoAssets.SampleScene().Objects.Count}");
            """);

        Dotnet(app, "build", "-c", "Release");
        var assetsFile = File.ReadAllText(Path.Combine(app, "obj", "project.assets.json"));
        Assert.Contains($"\"MaskRcnn/{_version}\"", assetsFile, StringComparison.Ordinal);
        Assert.Contains($"\"MaskRcnn.Synthetic/{_version}\"", assetsFile, StringComparison.Ordinal);

        var run = Dotnet(app, Path.Combine(app, "bin", "Release", "net10.0", "consumer.dll"), assets);
        Assert.Equal(
            ["library: net10.0", "instances: 5", "bright: 1", "dim: 2", "medium: 2", "sample scene objects: 5"],
            run.StdoutLines);
    }
}
