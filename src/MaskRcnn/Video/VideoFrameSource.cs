using MaskRcnn.Preprocessing;
using OpenCvSharp;

namespace MaskRcnn.Video;

/// <summary>
/// The frames of a video file, read through OpenCV (FFmpeg), as 8-bit BGR Mats for a
/// <see cref="Pipeline.DetectionPipeline"/> or a detector. Dispose it to close the file.
/// </summary>
/// <example><c>using var video = VideoFrameSource.Open("clip.mp4"); pipeline.Run(video.Frames(), item =&gt; ...);</c></example>
public sealed class VideoFrameSource : IDisposable
{
    /// <summary>The frame rate used when the container announces none (or an implausible one).</summary>
    public const double DefaultFps = 25;

    private readonly VideoCapture _capture;

    private VideoFrameSource(string path, VideoCapture capture)
    {
        Path = path;
        _capture = capture;
        var fps = capture.Fps;
        Fps = fps is > 0 and < 1000 ? fps : DefaultFps;
        var count = (long)capture.FrameCount;
        AnnouncedFrameCount = count > 0 ? count : null;
    }

    /// <summary>The video file.</summary>
    public string Path { get; }

    /// <summary>Frames per second, as the container says (or <see cref="DefaultFps"/>).</summary>
    public double Fps { get; }

    /// <summary>The frame count the container announces, when it does; containers may announce fewer than they hold.</summary>
    public long? AnnouncedFrameCount { get; }

    /// <summary>Opens a video file.</summary>
    /// <exception cref="ImageNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidImageException">OpenCV cannot open it as a video.</exception>
    public static VideoFrameSource Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new ImageNotFoundException(path);
        var capture = new VideoCapture(path);
        if (!capture.IsOpened())
        {
            capture.Dispose();
            throw new InvalidImageException(path, "OpenCV cannot open it as a video (it reads videos such as .mp4, .avi, .mkv and .mov through FFmpeg).");
        }
        return new VideoFrameSource(path, capture);
    }

    /// <summary>
    /// The frames from the current position to the end, read one at a time as they are asked for, each a new 8-bit
    /// BGR Mat the consumer owns (a <see cref="Pipeline.DetectionPipeline"/> disposes them itself).
    /// </summary>
    public IEnumerable<Mat> Frames()
    {
        while (true)
        {
            var mat = new Mat();
            if (!_capture.Read(mat) || mat.Empty())
            {
                mat.Dispose();
                yield break;
            }
            if (mat.Type() == MatType.CV_8UC3)
            {
                yield return mat;
                continue;
            }
            var bgr = BgrImage.ToBgr8(mat);
            mat.Dispose();
            yield return bgr;
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _capture.Dispose();
}
