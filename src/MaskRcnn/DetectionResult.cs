namespace MaskRcnn;

/// <summary>Everything one detection found in one image. Managed memory only: nothing to dispose.</summary>
public sealed class DetectionResult
{
    /// <summary>Creates a result.</summary>
    public DetectionResult(int imageWidth, int imageHeight, int inputWidth, int inputHeight, IReadOnlyList<Instance> instances, DetectionTimings timings)
    {
        ImageWidth = imageWidth;
        ImageHeight = imageHeight;
        InputWidth = inputWidth;
        InputHeight = inputHeight;
        Instances = instances ?? throw new ArgumentNullException(nameof(instances));
        Timings = timings;
    }

    /// <summary>Width of the image, in pixels.</summary>
    public int ImageWidth { get; }

    /// <summary>Height of the image, in pixels.</summary>
    public int ImageHeight { get; }

    /// <summary>Width of the network input the image was resized to.</summary>
    public int InputWidth { get; }

    /// <summary>Height of the network input the image was resized to.</summary>
    public int InputHeight { get; }

    /// <summary>The instances found, highest score first.</summary>
    public IReadOnlyList<Instance> Instances { get; }

    /// <summary>Time spent in each stage.</summary>
    public DetectionTimings Timings { get; }

    /// <summary>Number of instances per class label.</summary>
    public IReadOnlyDictionary<string, int> CountByLabel() =>
        Instances.GroupBy(i => i.Label).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
