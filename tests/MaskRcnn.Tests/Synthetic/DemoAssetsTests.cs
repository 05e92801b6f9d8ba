using MaskRcnn.Synthetic;

namespace MaskRcnn.Tests.Synthetic;

/// <summary>The committed demo model and sample image are exactly what the generator makes today.</summary>
public sealed class DemoAssetsTests
{
    [Fact]
    public void Regenerating_the_demo_model_reproduces_the_committed_files_byte_for_byte()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"demo-{Guid.NewGuid():N}");
        try
        {
            var files = DemoAssets.BuildModel().WriteTo(dir);
            foreach (var (generated, name) in new[]
            {
                (files.FrozenGraph, SyntheticModel.FrozenGraphFileName), (files.Weights, SyntheticModel.WeightsFileName),
                (files.TextGraph, SyntheticModel.TextGraphFileName), (files.Labels, SyntheticModel.LabelsFileName),
            })
            {
                var committed = RepositoryPaths.Combine("models", "demo", name);
                Assert.True(File.ReadAllBytes(committed).AsSpan().SequenceEqual(File.ReadAllBytes(generated)),
                    $"{committed} differs from a fresh build; regenerate it (see models/demo/README.md).");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Regenerating_the_sample_image_reproduces_the_committed_png_byte_for_byte()
    {
        var path = Path.Combine(Path.GetTempPath(), $"shapes-{Guid.NewGuid():N}.png");
        try
        {
            DemoAssets.SampleScene().Save(path);
            Assert.True(File.ReadAllBytes(RepositoryPaths.Combine("samples", "images", "shapes.png")).AsSpan().SequenceEqual(File.ReadAllBytes(path)),
                "samples/images/shapes.png differs from a fresh rendering; regenerate it (see models/demo/README.md).");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_demo_model_finds_the_five_shapes_of_the_sample_with_their_classes()
    {
        var dir = RepositoryPaths.Combine("models", "demo");
        using var detector = MaskRcnnDetector.Load(Path.Combine(dir, "weights.pb"), Path.Combine(dir, "graph.pbtxt"), LabelMap.Load(Path.Combine(dir, "labels.txt")));
        var scene = DemoAssets.SampleScene();
        var result = detector.Detect(RepositoryPaths.Combine("samples", "images", "shapes.png"));

        Assert.Equal(5, result.Instances.Count);
        Assert.Equal(new Dictionary<string, int> { ["dim"] = 2, ["medium"] = 2, ["bright"] = 1 }, result.CountByLabel());
        foreach (var truth in scene.Objects.Where(o => o.Shape != SceneShape.Polygon))
        {
            var match = result.Instances.MaxBy(i => MaskRcnn.Tests.Geometry.BoxIoU(i.Box, truth.Box))!;
            Assert.Equal(truth.ClassId, match.ClassId);
            Assert.True(MaskRcnn.Tests.Geometry.BoxIoU(match.Box, truth.Box) >= 0.99);
        }
    }
}
