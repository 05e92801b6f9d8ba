using Microsoft.Extensions.Logging;

namespace MaskRcnn.Detection;

/// <summary>The detector's log messages.</summary>
internal static partial class DetectorLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "{Reason}")]
    public static partial void DeviceFallback(ILogger logger, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Loaded {Model}: {Classes} classes, {Layers} layers, on {Backend}/{Target}.")]
    public static partial void Loaded(ILogger logger, string model, int classes, int layers, OpenCvSharp.Dnn.Backend backend, OpenCvSharp.Dnn.Target target);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Detection failed for {Source}")]
    public static partial void DetectionFailed(ILogger logger, Exception error, string source);
}
