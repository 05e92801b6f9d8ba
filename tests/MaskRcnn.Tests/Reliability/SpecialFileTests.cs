using System.Diagnostics;
using MaskRcnn.Runtime;

namespace MaskRcnn.Tests.Reliability;

/// <summary>Named pipes and devices given as model, labels or image files are refused at once instead of blocking in
/// the read (a FIFO) or reading forever (<c>/dev/zero</c>).</summary>
[Collection(SyntheticModelsDefinition.Name)]
public sealed class SpecialFileTests(SyntheticModels models)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private string Fifo()
    {
        var path = models.TempFile($"pipe-{Guid.NewGuid():N}");
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    // Runs off the test thread, so a regression that blocks fails the test instead of hanging the run.
    private static TException Refused<TException>(Action action) where TException : Exception
    {
        var task = Task.Run(action);
        Assert.True(((IAsyncResult)task).AsyncWaitHandle.WaitOne(Bound), $"still reading after {Bound.TotalSeconds} s");
        var error = Assert.IsType<AggregateException>(task.Exception).InnerException;
        return Assert.IsType<TException>(error);
    }

    [Fact]
    public void A_named_pipe_as_model_labels_or_image_is_refused_without_blocking()
    {
        if (!OperatingSystem.IsLinux()) return; // the check uses Linux's statx
        var fifo = Fifo();
        Assert.Equal("a named pipe (FIFO)", FileKind.DescribeSpecial(fifo));

        var model = Refused<ModelLoadException>(() => MaskRcnnDetector.Load(fifo));
        Assert.Contains("named pipe", model.Message, StringComparison.Ordinal);
        var text = Refused<ModelLoadException>(() => MaskRcnnDetector.Load(models.ThreeFiles.Weights, fifo));
        Assert.Equal(fifo, text.FilePath);
        Assert.Contains("named pipe", Refused<LabelMapException>(() => LabelMap.Load(fifo)).Message, StringComparison.Ordinal);

        using var detector = models.Load();
        var image = Refused<InvalidImageException>(() => detector.Detect(fifo));
        Assert.Contains(fifo, image.Message, StringComparison.Ordinal);
        Assert.Contains("named pipe", image.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_device_that_never_ends_is_refused_and_ordinary_paths_pass()
    {
        if (!OperatingSystem.IsLinux()) return; // the check uses Linux's statx
        using var detector = models.Load();
        Assert.Contains("character device", Refused<InvalidImageException>(() => detector.Detect("/dev/zero")).Message, StringComparison.Ordinal);
        Assert.Contains("character device", Refused<ModelLoadException>(() => MaskRcnnDetector.Load("/dev/zero")).Message, StringComparison.Ordinal);

        Assert.Null(FileKind.DescribeSpecial(models.ThreeFiles.Weights));
        Assert.Null(FileKind.DescribeSpecial(models.Root));
        Assert.Null(FileKind.DescribeSpecial(models.TempFile("missing.png")));
    }
}
