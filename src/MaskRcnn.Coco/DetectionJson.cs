using System.Text.Json;
namespace MaskRcnn.Coco;

/// <summary>
/// The JSON form of a <see cref="DetectionResult"/>, as the <c>maskrcnn</c> tool writes it: image and network input
/// size, per-stage timings in milliseconds, and per instance class id, label, score, box (<c>[x, y, w, h]</c>
/// pixels), float box (<c>[x1, y1, x2, y2]</c>), area, the mask as a compressed COCO RLE
/// (<c>{"size": [h, w], "counts": "..."}</c>) and the outline polygons (<c>[x0, y0, x1, y1, ...]</c> each).
/// </summary>
public static class DetectionJson
{
    private static readonly byte[] NewLine = [(byte)'\n'];

    /// <summary>Writes the result for one image as an indented JSON document whose <c>image</c> names it.</summary>
    /// <param name="stream">Where to write; left open.</param>
    /// <param name="imagePath">The image's path (or any name), written as <c>image</c>.</param>
    /// <param name="result">The result.</param>
    public static void Write(Stream stream, string imagePath, DetectionResult result)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(result);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("image", imagePath);
        WriteBody(w, result, null);
        w.WriteEndObject();
    }

    /// <summary>Writes the result for one video frame as one line of JSON (JSON Lines): <c>video</c>, <c>frame</c>,
    /// <c>timeMs</c>, and for each instance its track id (<see cref="Tracking.InstanceTracker"/>).</summary>
    /// <param name="stream">Where to write; left open.</param>
    /// <param name="videoPath">The video's path (or any name).</param>
    /// <param name="frame">The frame's index, from 0.</param>
    /// <param name="timeMs">The frame's time in the video.</param>
    /// <param name="result">The frame's result.</param>
    /// <param name="tracks">The track id of each instance, in the order of <see cref="DetectionResult.Instances"/>.</param>
    public static void WriteFrame(Stream stream, string videoPath, int frame, double timeMs, DetectionResult result, IReadOnlyList<int> tracks)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(tracks);
        if (tracks.Count != result.Instances.Count)
            throw new ArgumentException($"{tracks.Count} track ids for {result.Instances.Count} instances.", nameof(tracks));
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("video", videoPath);
            w.WriteNumber("frame", frame);
            w.WriteNumber("timeMs", Math.Round(timeMs, 3));
            WriteBody(w, result, tracks);
            w.WriteEndObject();
        }
        stream.Write(NewLine);
    }

    private static void WriteBody(Utf8JsonWriter w, DetectionResult result, IReadOnlyList<int>? tracks)
    {
        w.WriteNumber("width", result.ImageWidth);
        w.WriteNumber("height", result.ImageHeight);
        w.WriteNumber("inputWidth", result.InputWidth);
        w.WriteNumber("inputHeight", result.InputHeight);
        w.WriteStartObject("timingsMs");
        w.WriteNumber("preprocess", Math.Round(result.Timings.Preprocess.TotalMilliseconds, 3));
        w.WriteNumber("forward", Math.Round(result.Timings.Forward.TotalMilliseconds, 3));
        w.WriteNumber("postprocess", Math.Round(result.Timings.Postprocess.TotalMilliseconds, 3));
        w.WriteEndObject();
        w.WriteStartArray("instances");
        for (var n = 0; n < result.Instances.Count; n++)
        {
            var inst = result.Instances[n];
            w.WriteStartObject();
            if (tracks is not null) w.WriteNumber("track", tracks[n]);
            w.WriteNumber("classId", inst.ClassId);
            w.WriteString("label", inst.Label);
            w.WriteNumber("score", Math.Round(inst.Score, 6));
            w.WriteStartArray("box");
            w.WriteNumberValue(inst.Box.X);
            w.WriteNumberValue(inst.Box.Y);
            w.WriteNumberValue(inst.Box.Width);
            w.WriteNumberValue(inst.Box.Height);
            w.WriteEndArray();
            w.WriteStartArray("boxF");
            w.WriteNumberValue(Math.Round(inst.BoxF.X1, 3));
            w.WriteNumberValue(Math.Round(inst.BoxF.Y1, 3));
            w.WriteNumberValue(Math.Round(inst.BoxF.X2, 3));
            w.WriteNumberValue(Math.Round(inst.BoxF.Y2, 3));
            w.WriteEndArray();
            w.WriteNumber("area", inst.Area);
            var rle = inst.ToCocoRle();
            w.WriteStartObject("segmentation");
            w.WriteStartArray("size");
            w.WriteNumberValue(rle.Height);
            w.WriteNumberValue(rle.Width);
            w.WriteEndArray();
            w.WriteString("counts", rle.ToCompressedString());
            w.WriteEndObject();
            w.WriteStartArray("polygons");
            foreach (var polygon in inst.Polygons())
            {
                w.WriteStartArray();
                foreach (var p in polygon)
                {
                    w.WriteNumberValue(p.X);
                    w.WriteNumberValue(p.Y);
                }
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
