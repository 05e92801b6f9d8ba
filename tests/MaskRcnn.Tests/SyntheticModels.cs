using MaskRcnn.Synthetic;

namespace MaskRcnn.Tests;

/// <summary>Synthetic models written once per test run into a temporary folder.</summary>
public sealed class SyntheticModels : IDisposable
{
    public SyntheticModels()
    {
        Root = Path.Combine(Path.GetTempPath(), $"maskrcnn-tests-{Guid.NewGuid():N}");
        Three = SyntheticModelBuilder.Build(new SyntheticModelOptions());
        Ninety = SyntheticModelBuilder.Build(new SyntheticModelOptions { NumClasses = 90 });
        ThreeFiles = Three.WriteTo(Path.Combine(Root, "three"));
        NinetyFiles = Ninety.WriteTo(Path.Combine(Root, "ninety"));
    }

    public string Root { get; }
    public SyntheticModel Three { get; }
    public SyntheticModel Ninety { get; }
    public SyntheticModelFiles ThreeFiles { get; }
    public SyntheticModelFiles NinetyFiles { get; }

    public MaskRcnnDetector Load(bool ninety = false, MaskRcnnOptions? options = null)
    {
        var files = ninety ? NinetyFiles : ThreeFiles;
        return MaskRcnnDetector.Load(files.Weights, files.TextGraph, LabelMap.Load(files.Labels), options);
    }

    public string TempFile(string name) => Path.Combine(Root, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the folder is under the system temp directory.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SyntheticModelsDefinition : ICollectionFixture<SyntheticModels>
{
    public const string Name = "synthetic models";
}
