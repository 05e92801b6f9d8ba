namespace MaskRcnn.Pipeline;

/// <summary>
/// How a <see cref="DetectionPipeline"/> spreads work: how many nets run, how many OpenCV threads each forward pass
/// may use, how many inputs are decoded at once and how many images may be held in memory. Immutable;
/// <see cref="Validate"/> checks every value and is called by the pipeline.
/// </summary>
public sealed record DetectionPipelineOptions
{
    /// <summary>The options measured best for this machine's core count (<see cref="ForProcessors"/> of
    /// <see cref="Environment.ProcessorCount"/>).</summary>
    public static DetectionPipelineOptions Default { get; } = ForProcessors(Environment.ProcessorCount);

    /// <summary>Number of nets (<see cref="MaskRcnnDetector"/>s), i.e. forward passes run at once. At least 1.</summary>
    public int Detectors { get; init; } = 1;

    /// <summary>
    /// OpenCV worker threads (<c>cv::setNumThreads</c>, process-wide) set when the pipeline is loaded; 0 runs each
    /// forward pass on its calling thread only.
    /// </summary>
    public int OpenCvThreads { get; init; }

    /// <summary>Inputs read and decoded at once. At least 1.</summary>
    public int Readers { get; init; } = 1;

    /// <summary>
    /// Most images held at once, from decoding until the sink has returned (the back-pressure bound: readers wait when
    /// it is reached). At least <see cref="Detectors"/>, so every net can have an image.
    /// </summary>
    public int Capacity { get; init; } = 4;

    /// <summary>
    /// The configuration measured best for <paramref name="processorCount"/> cores (see the README's throughput
    /// table): one single-threaded net per core, one reader, and a window of two images per net plus two, so the next
    /// images are decoded and the previous ones drawn and written while every core runs a forward pass. On 2 cores it
    /// beat one net using both cores in three runs of four (light synthetic model: 1.63x, 1.75x and 1.64x against 1.50x,
    /// 1.61x and 1.62x the sequential loop; 1.23x against 1.68x in the fourth; cost-realistic model: 1.13x against 1.05x), at the price of a second net's memory. Nets are
    /// capped at 8 (each holds its own weights and buffers), with the remaining cores given to OpenCV's threads; that
    /// part is not measured here.
    /// </summary>
    public static DetectionPipelineOptions ForProcessors(int processorCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(processorCount, 1);
        return ForDetectors(Math.Min(processorCount, 8), processorCount);
    }

    /// <summary>
    /// <paramref name="detectors"/> nets sharing <paramref name="processorCount"/> cores: each forward pass gets the
    /// cores per net as OpenCV threads (none, i.e. its own thread only, when that is one core or less), one reader, and
    /// a window of two images per net plus two.
    /// </summary>
    public static DetectionPipelineOptions ForDetectors(int detectors, int processorCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(detectors, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(processorCount, 1);
        var perNet = processorCount / detectors;
        return new DetectionPipelineOptions
        {
            Detectors = detectors,
            OpenCvThreads = perNet >= 2 ? Math.Min(perNet, 1024) : 0,
            Readers = 1,
            Capacity = 2 * detectors + 2,
        };
    }

    /// <summary>Checks every value; throws <see cref="ArgumentException"/> naming the option, its value and the valid range.</summary>
    public DetectionPipelineOptions Validate()
    {
        if (Detectors is < 1 or > 64)
            throw new ArgumentException($"Detectors must be 1..64 but is {Detectors}.", nameof(Detectors));
        if (OpenCvThreads is < 0 or > 1024)
            throw new ArgumentException($"OpenCvThreads must be 0..1024 (0 = each forward pass on its own thread) but is {OpenCvThreads}.", nameof(OpenCvThreads));
        if (Readers is < 1 or > 64)
            throw new ArgumentException($"Readers must be 1..64 but is {Readers}.", nameof(Readers));
        if (Capacity < Detectors || Capacity > 4096)
            throw new ArgumentException($"Capacity must be within Detectors ({Detectors})..4096 but is {Capacity}; each net needs an image to work on.", nameof(Capacity));
        return this;
    }
}
