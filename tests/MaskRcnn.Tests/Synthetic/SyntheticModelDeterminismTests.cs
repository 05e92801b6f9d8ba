using MaskRcnn.Synthetic;

namespace MaskRcnn.Tests.Synthetic;

public sealed class SyntheticModelDeterminismTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "maskrcnn-determinism-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData(3, 15)]
    [InlineData(90, 15)]
    [InlineData(3, 33)]
    public void Building_twice_gives_byte_identical_files(int numClasses, int maskSize)
    {
        var options = new SyntheticModelOptions { NumClasses = numClasses, MaskSize = maskSize };
        var first = SyntheticModelBuilder.Build(options).WriteTo(Path.Combine(_directory, "first"));
        var second = SyntheticModelBuilder.Build(options with { }).WriteTo(Path.Combine(_directory, "second"));

        foreach (var (a, b) in new[]
                 {
                     (first.FrozenGraph, second.FrozenGraph), (first.Weights, second.Weights),
                     (first.TextGraph, second.TextGraph), (first.Labels, second.Labels),
                 })
        {
            var bytesA = File.ReadAllBytes(a);
            Assert.NotEmpty(bytesA);
            Assert.Equal(bytesA, File.ReadAllBytes(b));
        }
    }

    [Fact]
    public void Different_options_give_different_graphs()
    {
        var three = SyntheticModelBuilder.Build(new SyntheticModelOptions { NumClasses = 3 });
        var ninety = SyntheticModelBuilder.Build(new SyntheticModelOptions { NumClasses = 90 });
        Assert.NotEqual(three.FrozenGraphBytes(), ninety.FrozenGraphBytes());
        Assert.NotEqual(three.TextGraphText(), ninety.TextGraphText());
    }
}
