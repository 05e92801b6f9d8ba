using System.Text.Json;
using MaskRcnn.Coco;

namespace MaskRcnn.Overlay;

/// <summary>Writes the tool's machine-readable result for one image.</summary>
internal static class ResultJson
{
    public static void Write(Stream stream, string imagePath, DetectionResult result)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("image", imagePath);
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
        foreach (var inst in result.Instances)
        {
            w.WriteStartObject();
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
        w.WriteEndObject();
    }
}
