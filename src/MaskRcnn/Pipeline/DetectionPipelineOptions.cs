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
    /// table): one net whose forward pass uses every core, one reader, and a window of four images, so the next image
    /// is decoded and the previous one drawn and written while the net runs. On 2 cores it matched two single-threaded
    /// nets within the run-to-run spread (light synthetic model: 1.50-1.68x against 1.23-1.63x the sequential loop;
    /// cost-realistic model: 1.05x against 1.13x) with half the memory and half the latency per image. Above 4 cores, one net per 4 cores (convolutions scale less than
    /// linearly over threads); that part is not measured here.
    /// </summary>
    public static DetectionPipelineOptions ForProcessors(int processorCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(processorCount, 1);
        var nets = Math.Clamp(processorCount / 4, 1, 64);
        return new DetectionPipelineOptions { Detectors = nets, OpenCvThreads = Math.Min(processorCount, 1024), Readers = 1, Capacity = 2 * nets + 2 };
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
