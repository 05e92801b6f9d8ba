using System.Text.Json;
using MaskRcnn.Coco;

namespace MaskRcnn.Overlay;

/// <summary>Writes the tool's machine-readable results: one JSON file per image, one JSON line per video frame.</summary>
internal static class ResultJson
{
    private static readonly byte[] NewLine = [(byte)'\n'];

    /// <summary>The result for one image, as an indented JSON document.</summary>
    public static void Write(Stream stream, string imagePath, DetectionResult result)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("image", imagePath);
        WriteBody(w, result, null);
        w.WriteEndObject();
    }

    /// <summary>The result for one video frame, as one line of JSON; each instance carries its track id.</summary>
    public static void WriteFrame(Stream stream, string videoPath, int frame, double timeMs, DetectionResult result, IReadOnlyList<int> tracks)
    {
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
