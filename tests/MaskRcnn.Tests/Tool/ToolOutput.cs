using System.Text.Json;
using MaskRcnn.Coco;
using MaskRcnn.Synthetic;
using MaskRcnn.Tests.Synthetic;
using OpenCvSharp;

namespace MaskRcnn.Tests.Tool;

/// <summary>One instance as the tool's JSON reports it.</summary>
internal sealed record JsonInstance(int? Track, int ClassId, string Label, double Score, Rect Box, Rect2d BoxF, byte[] Mask);

/// <summary>Reads the tool's outputs and checks them against a scene's ground truth.</summary>
internal static class ToolOutput
{
    public static List<JsonInstance> Instances(JsonElement root)
    {
        var width = root.GetProperty("width").GetInt32();
        var height = root.GetProperty("height").GetInt32();
        var list = new List<JsonInstance>();
        foreach (var i in root.GetProperty("instances").EnumerateArray())
        {
            var box = i.GetProperty("box").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            var f = i.GetProperty("boxF").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var seg = i.GetProperty("segmentation");
            var size = seg.GetProperty("size").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            Assert.Equal([height, width], size);
            var mask = CocoRle.FromCompressedString(seg.GetProperty("counts").GetString()!, height, width).Decode();
            Assert.Equal(i.GetProperty("area").GetInt32(), mask.Count(b => b != 0));
            list.Add(new JsonInstance(
                i.TryGetProperty("track", out var track) ? track.GetInt32() : null,
                i.GetProperty("classId").GetInt32(),
                i.GetProperty("label").GetString()!,
                i.GetProperty("score").GetDouble(),
                new Rect(box[0], box[1], box[2], box[3]),
                new Rect2d(f[0], f[1], f[2] - f[0], f[3] - f[1]),
                mask));
        }
        return list;
    }

    /// <summary>
    /// Every object found once, in its class, with a box IoU of at least 0.99 (the objects are aligned to the demo
    /// model's grid) and, for rectangles, a mask IoU of at least 0.99; no other detection; the counts per class equal.
    /// Returns the detection of each object.
    /// </summary>
    public static JsonInstance[] AssertMatches(Scene scene, IReadOnlyList<JsonInstance> detections, Func<int, string> labelOf)
    {
        Assert.Equal(scene.Objects.Count, detections.Count);
        Assert.Equal(
            scene.Objects.GroupBy(o => labelOf(o.ClassId)).ToDictionary(g => g.Key, g => g.Count()),
            detections.GroupBy(d => d.Label).ToDictionary(g => g.Key, g => g.Count()));
        var matched = new JsonInstance[scene.Objects.Count];
        for (var k = 0; k < scene.Objects.Count; k++)
        {
            var o = scene.Objects[k];
            var candidates = detections.Where(d => Overlap.Box(d.BoxF, o.Box) >= 0.5).ToList();
            Assert.True(candidates.Count == 1, $"object {k} ({o.Shape} {o.Box}): {candidates.Count} detections overlap it");
            var d = candidates[0];
            Assert.Equal(o.ClassId, d.ClassId);
            Assert.Equal(labelOf(o.ClassId), d.Label);
            Assert.InRange(d.Score, 0.5, 1.0);
            var boxIou = Overlap.Box(d.BoxF, o.Box);
            Assert.True(boxIou >= 0.99, $"object {k} ({o.Shape} {o.Box}): box IoU {boxIou:F4}, reported {d.BoxF}");
            if (o.Shape == SceneShape.Rectangle)
            {
                var maskIou = Overlap.Mask(d.Mask, o.Mask);
                Assert.True(maskIou >= 0.99, $"object {k} ({o.Box}): mask IoU {maskIou:F4}");
            }
            matched[k] = d;
        }
        Assert.Equal(detections.Count, matched.Distinct().Count());
        return matched;
    }

    /// <summary>The caption rectangles (with a 2-pixel margin), placed as <see cref="Rendering.OverlayRenderer"/> places
    /// them: above the box when there is room, else inside its top edge; moved left to stay in the image.</summary>
    public static Rect[] CaptionZones(IReadOnlyList<JsonInstance> detections, int width, int height)
    {
        var shortSide = Math.Min(width, height);
        var thickness = Math.Max(1, (int)Math.Round(shortSide / 400.0));
        var fontScale = Math.Max(0.4, shortSide / 1000.0);
        return [.. detections.Select(d =>
        {
            var text = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{d.Label} {d.Score:0.00}");
            var size = Cv2.GetTextSize(text, HersheyFonts.HersheySimplex, fontScale, thickness, out var baseline);
            var pad = Math.Max(2, thickness * 2);
            var w = size.Width + 2 * pad;
            var h = size.Height + baseline + 2 * pad;
            var x = Math.Clamp(d.Box.X, 0, Math.Max(0, width - w));
            var y = d.Box.Y - h >= 0 ? d.Box.Y - h : Math.Min(d.Box.Y, Math.Max(0, height - h));
            return new Rect(x - 2, y - 2, w + 4, h + 4);
        })];
    }

    /// <summary>
    /// Pixels of each object's mask (shrunk by 4 pixels, away from outlines, and outside caption zones) differ from the
    /// input; pixels more than 8 pixels from every box and outside every caption zone are byte-identical. Returns the
    /// number of pixels checked each way.
    /// </summary>
    public static (int Inside, int Outside) AssertTinted(Scene scene, Mat input, Mat overlay, IReadOnlyList<JsonInstance> detections)
    {
        var boxes = detections.Select(d => d.Box).ToList();
        Assert.Equal(input.Size(), overlay.Size());
        Assert.Equal(MatType.CV_8UC3, overlay.Type());
        var zones = CaptionZones(detections, scene.Width, scene.Height);
        var far = boxes.Select(b => new Rect(b.X - 8, b.Y - 8, b.Width + 16, b.Height + 16)).ToArray();
        bool InZone(int x, int y) => zones.Any(z => z.Contains(x, y));

        var inside = 0;
        foreach (var o in scene.Objects)
        {
            using var mask = scene.MaskMat(scene.Objects.ToList().IndexOf(o));
            using var eroded = new Mat();
            Cv2.Erode(mask, eroded, Cv2.GetStructuringElement(MorphShapes.Rect, new Size(9, 9)));
            for (var y = 0; y < scene.Height; y++)
            {
                for (var x = 0; x < scene.Width; x++)
                {
                    if (eroded.At<byte>(y, x) == 0 || InZone(x, y)) continue;
                    var a = input.At<Vec3b>(y, x);
                    var b = overlay.At<Vec3b>(y, x);
                    Assert.True(a != b, $"pixel ({x}, {y}) inside object {o.Source.Box} is not tinted: {a}");
                    inside++;
                }
            }
        }

        var outside = 0;
        for (var y = 0; y < scene.Height; y++)
        {
            for (var x = 0; x < scene.Width; x++)
            {
                if (far.Any(r => r.Contains(x, y)) || InZone(x, y)) continue;
                var a = input.At<Vec3b>(y, x);
                var b = overlay.At<Vec3b>(y, x);
                Assert.True(a == b, $"pixel ({x}, {y}) far from every object changed: {a} -> {b}");
                outside++;
            }
        }
        Assert.True(inside > 500, $"only {inside} pixels inside objects were checked");
        Assert.True(outside > scene.Width * scene.Height / 5, $"only {outside} pixels outside objects were checked");
        return (inside, outside);
    }

    /// <summary>The mean colour of <paramref name="image"/> over the object's mask shrunk by 4 pixels, outside caption zones.</summary>
    public static Vec3d MeanInside(Mat image, Scene scene, int index, IReadOnlyList<JsonInstance> detections)
    {
        var zones = CaptionZones(detections, scene.Width, scene.Height);
        using var mask = scene.MaskMat(index);
        using var eroded = new Mat();
        Cv2.Erode(mask, eroded, Cv2.GetStructuringElement(MorphShapes.Rect, new Size(9, 9)));
        double b = 0, g = 0, r = 0;
        var n = 0;
        for (var y = 0; y < scene.Height; y++)
        {
            for (var x = 0; x < scene.Width; x++)
            {
                if (eroded.At<byte>(y, x) == 0 || zones.Any(z => z.Contains(x, y))) continue;
                var p = image.At<Vec3b>(y, x);
                b += p.Item0;
                g += p.Item1;
                r += p.Item2;
                n++;
            }
        }
        Assert.True(n > 100, $"only {n} pixels inside object {index}");
        return new Vec3d(b / n, g / n, r / n);
    }

    public static double MaxChannelDifference(Vec3d a, Vec3d b) =>
        Math.Max(Math.Abs(a.Item0 - b.Item0), Math.Max(Math.Abs(a.Item1 - b.Item1), Math.Abs(a.Item2 - b.Item2)));
}
