using Microsoft.Extensions.Logging;

namespace MaskRcnn.Models;

/// <summary>The downloader's log messages.</summary>
internal static partial class ModelDownloadLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Warning,
        Message = "{File}: no checksum is known for {Url}, so it is UNVERIFIED. SHA-256 of what was received: {Sha256}")]
    public static partial void Unverified(ILogger logger, string file, Uri url, string sha256);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "{File}: {Algorithm} {Checksum} matches the catalogue.")]
    public static partial void Verified(ILogger logger, string file, string algorithm, string checksum);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Resuming {Url} from byte {Offset} into {File}.")]
    public static partial void Resuming(ILogger logger, Uri url, long offset, string file);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning,
        Message = "{Url} ignored the request to resume from byte {Offset}; downloading it again from the start.")]
    public static partial void RangeIgnored(ILogger logger, Uri url, long offset);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning,
        Message = "The transfer of {Url} was interrupted ({Reason}); resuming (attempt {Attempt} of {Max}).")]
    public static partial void Retrying(ILogger logger, Uri url, string reason, int attempt, int max);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning,
        Message = "There is no text graph for {Model} at {Url} (HTTP 404); continuing without it. Make one with OpenCV's samples/dnn/tf_text_graph_mask_rcnn.py and set CatalogModel.LocalTextGraphPath.")]
    public static partial void TextGraphMissing(ILogger logger, string model, Uri url);

    [LoggerMessage(EventId = 107, Level = LogLevel.Information, Message = "Using the archive already at {Path}.")]
    public static partial void UsingArchive(ILogger logger, string path);

    [LoggerMessage(EventId = 108, Level = LogLevel.Information, Message = "{Model} is ready in {Folder} (model: {Verification}).")]
    public static partial void Ready(ILogger logger, string model, string folder, VerificationStatus verification);

    [LoggerMessage(EventId = 109, Level = LogLevel.Warning, Message = "{Url} answered the resume request with a range starting at {Start}, not {Offset}; downloading again from the start.")]
    public static partial void RangeMismatch(ILogger logger, Uri url, long? start, long offset);
}
