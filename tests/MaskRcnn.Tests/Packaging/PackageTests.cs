using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using System.Xml.Linq;

namespace MaskRcnn.Tests.Packaging;

/// <summary>
/// SLOW (about a minute): the four packages from <see cref="PackageFeed"/>: their contents, and one fresh console app
/// per package that uses it from the feed as a consumer would.
/// </summary>
public sealed class PackageTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    [Fact]
    public void Each_package_carries_docs_symbols_source_link_and_only_its_own_dependencies()
    {
        Assert.Matches(@"^0\.1\.\d+-test\.[0-9a-f]{12}$", feed.Version);
        var commit = CheckPackage("MaskRcnn", ["Microsoft.Extensions.Logging.Abstractions", "OpenCvSharp4"], "T:MaskRcnn.MaskRcnnDetector");
        Assert.Equal(commit, CheckPackage("MaskRcnn.Coco", ["MaskRcnn"], "T:MaskRcnn.Coco.CocoEvaluator"));
        Assert.Equal(commit, CheckPackage("MaskRcnn.Models", ["MaskRcnn"], "T:MaskRcnn.Models.ModelDownloader"));
        Assert.Equal(commit, CheckPackage("MaskRcnn.Synthetic", ["MaskRcnn", "MaskRcnn.Coco", "OpenCvSharp4"], "T:MaskRcnn.Synthetic.SceneGenerator"));
        Assert.Matches("^[0-9a-f]{40}$", commit);
    }

    [Fact]
    public void MaskRcnn_references_no_http_client_tar_or_coco_code()
    {
        using var zip = ZipFile.OpenRead(Path.Combine(feed.Folder, $"MaskRcnn.{feed.Version}.nupkg"));
        foreach (var tfm in new[] { "net8.0", "net10.0" })
        {
            using var memory = new MemoryStream();
            using (var s = zip.GetEntry($"lib/{tfm}/MaskRcnn.dll")!.Open()) s.CopyTo(memory);
            memory.Position = 0;
            using var pe = new PEReader(memory);
            var reader = pe.GetMetadataReader();
            var assemblies = reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToList();
            Assert.DoesNotContain(assemblies, a => a is "System.Net.Http" or "System.Formats.Tar" or "System.IO.Compression" || a.StartsWith("MaskRcnn.", StringComparison.Ordinal));
            var typeRefs = reader.TypeReferences.Select(h => reader.GetTypeReference(h)).Select(t => $"{reader.GetString(t.Namespace)}.{reader.GetString(t.Name)}").ToList();
            Assert.DoesNotContain(typeRefs, t => t.StartsWith("System.Net.Http.", StringComparison.Ordinal) || t.StartsWith("System.Formats.Tar.", StringComparison.Ordinal));
            var types = reader.TypeDefinitions.Select(h => reader.GetTypeDefinition(h)).Select(t => $"{reader.GetString(t.Namespace)}.{reader.GetString(t.Name)}").ToList();
            Assert.DoesNotContain(types, t => t.Contains("Coco", StringComparison.Ordinal) || t.Contains("Download", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_console_app_detects_with_MaskRcnn_alone_with_per_call_options_and_typed_errors()
    {
        var lines = feed.RunConsumer("inference", ["MaskRcnn"], openCvRuntime: true, """
            using MaskRcnn;

            var assets = args[0];
            using var detector = MaskRcnnDetector.Load(
                Path.Combine(assets, "weights.pb"), Path.Combine(assets, "graph.pbtxt"), LabelMap.Load(Path.Combine(assets, "labels.txt")));
            var image = Path.Combine(assets, "shapes.png");
            var result = detector.Detect(image);
            Console.WriteLine($"library: {Path.GetFileName(Path.GetDirectoryName(typeof(MaskRcnnDetector).Assembly.Location))}");
            Console.WriteLine($"instances: {result.Instances.Count}");
            foreach (var (label, count) in result.CountByLabel().OrderBy(p => p.Key, StringComparer.Ordinal))
                Console.WriteLine($"{label}: {count}");
            Console.WriteLine($"class 0 only: {detector.Detect(image, new DetectOptions { ClassIds = new HashSet<int> { 0 } }).Instances.Count}");
            Console.WriteLine($"native input: {detector.Detect(File.ReadAllBytes(image), new DetectOptions { InputMode = InputSizeMode.Native }).InputWidth}");
            try { detector.Detect(Path.Combine(assets, "missing.png")); }
            catch (MaskRcnnException e) { Console.WriteLine($"missing: {e.GetType().Name}"); }
            """, CopyDemoAssets("inference"));
        Assert.Equal(["library: net10.0", "instances: 5", "bright: 1", "dim: 2", "medium: 2", "class 0 only: 2", "native input: 800", "missing: ImageNotFoundException"], lines);
    }

    [Fact]
    public void A_console_app_writes_COCO_masks_and_the_result_JSON_with_MaskRcnn_Coco()
    {
        var lines = feed.RunConsumer("coco", ["MaskRcnn.Coco"], openCvRuntime: true, """
            using System.Text.Json;
            using MaskRcnn;
            using MaskRcnn.Coco;

            var assets = args[0];
            using var detector = MaskRcnnDetector.Load(Path.Combine(assets, "weights.pb"), Path.Combine(assets, "graph.pbtxt"));
            var result = detector.Detect(Path.Combine(assets, "shapes.png"));
            Console.WriteLine($"rle areas match: {result.Instances.All(i => i.ToCocoRle().Area() == i.Area)}");
            using var json = new MemoryStream();
            DetectionJson.Write(json, "shapes.png", result);
            using var document = JsonDocument.Parse(json.ToArray());
            Console.WriteLine($"json instances: {document.RootElement.GetProperty("instances").GetArrayLength()}");
            var counts = document.RootElement.GetProperty("instances")[0].GetProperty("segmentation").GetProperty("counts").GetString()!;
            Console.WriteLine($"round trip: {CocoRle.FromCompressedString(counts, 600, 800).Area() == result.Instances[0].Area}");
            """, CopyDemoAssets("coco"));
        Assert.Equal(["rle areas match: True", "json instances: 5", "round trip: True"], lines);
    }

    [Fact]
    public void A_console_app_reads_the_catalogue_and_the_cache_with_MaskRcnn_Models()
    {
        var cache = Path.Combine(feed.Root, "models-cache");
        var lines = feed.RunConsumer("models", ["MaskRcnn.Models"], openCvRuntime: false, """
            using MaskRcnn;
            using MaskRcnn.Models;

            Console.WriteLine(string.Join(",", ModelCatalog.All.Select(m => m.Name)));
            var cache = new ModelCache(args[0]);
            Console.WriteLine(Path.GetRelativePath(args[0], cache.PathsFor(ModelCatalog.InceptionV2).FrozenGraph));
            try { cache.Resolve("inception_v2"); }
            catch (MaskRcnnException e) { Console.WriteLine($"{e.GetType().Name}: {((ModelNotCachedException)e).Model!.Name}"); }
            Console.WriteLine(cache.Resolve("some.pb").FrozenGraph);
            """, cache);
        Assert.Equal([
            "inception_v2,resnet50_atrous,resnet101_atrous,inception_resnet_v2_atrous",
            Path.Combine("mask_rcnn_inception_v2_coco_2018_01_28", "frozen_inference_graph.pb"),
            "ModelNotCachedException: inception_v2",
            "some.pb",
        ], lines);
    }

    [Fact]
    public void A_console_app_builds_and_runs_a_synthetic_model_with_MaskRcnn_Synthetic()
    {
        var lines = feed.RunConsumer("synthetic", ["MaskRcnn.Synthetic"], openCvRuntime: true, """
            using System.Text;
            using MaskRcnn;
            using MaskRcnn.Synthetic;

            var model = DemoAssets.BuildModel();
            using var detector = MaskRcnnDetector.Load(
                ModelInput.FromBytes(model.WeightsBytes(), "demo weights"), Encoding.UTF8.GetBytes(model.TextGraphText()), new LabelMap(model.Labels.ToArray()));
            var scene = DemoAssets.SampleScene();
            using var image = scene.ToMat();
            var result = detector.Detect(image);
            Console.WriteLine($"{detector.ModelName}: {result.Instances.Count} of {scene.Objects.Count} objects");
            """);
        Assert.Equal(["demo weights: 5 of 5 objects"], lines);
    }

    private string CopyDemoAssets(string name)
    {
        var assets = Path.Combine(feed.Root, name + "-assets");
        Directory.CreateDirectory(assets);
        foreach (var file in new[] { "weights.pb", "graph.pbtxt", "labels.txt" })
            File.Copy(RepositoryPaths.Combine("models", "demo", file), Path.Combine(assets, file), overwrite: true);
        File.Copy(RepositoryPaths.Combine("samples", "images", "shapes.png"), Path.Combine(assets, "shapes.png"), overwrite: true);
        return assets;
    }

    /// <summary>Checks one package and its symbols; returns the commit its repository element names.</summary>
    private string CheckPackage(string id, string[] dependencies, string documentedType)
    {
        var nupkg = Path.Combine(feed.Folder, $"{id}.{feed.Version}.nupkg");
        var snupkg = Path.Combine(feed.Folder, $"{id}.{feed.Version}.snupkg");
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
            Assert.Equal(feed.Version, Meta("version").Value);
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
                foreach (var own in group.Elements().Where(d => d.Attribute("id")!.Value.StartsWith("MaskRcnn", StringComparison.Ordinal)))
                    Assert.Equal(feed.Version, own.Attribute("version")!.Value);
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

}
