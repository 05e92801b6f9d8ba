namespace MaskRcnn.Pipeline;

/// <summary>What a <see cref="DetectionPipeline"/> run did.</summary>
/// <param name="Succeeded">Inputs detected and handed to the sink.</param>
/// <param name="Failed">Inputs that failed alone (their error was handed to the sink).</param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
public sealed record DetectionPipelineSummary(int Succeeded, int Failed, TimeSpan Elapsed)
{
    /// <summary>Inputs (succeeded or failed) per second of wall-clock time.</summary>
    public double ItemsPerSecond => Elapsed > TimeSpan.Zero ? (Succeeded + Failed) / Elapsed.TotalSeconds : 0;
}
