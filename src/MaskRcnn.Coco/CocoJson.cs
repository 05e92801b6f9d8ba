using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MaskRcnn.Coco;

/// <summary>Shared reading and writing of the COCO JSON fields.</summary>
internal static class CocoJson
{
    /// <summary>Writer options: compressed RLE strings contain '&lt;', '&gt;', '\' and '`', kept readable.</summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    public static JsonElement Require(JsonElement obj, string name, string context)
    {
        if (!TryGet(obj, name, out var value))
        {
            throw new FormatException($"{context} has no '{name}'.");
        }

        return value;
    }

    public static void RequireObject(JsonElement element, string context)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{context} is not a JSON object.");
        }
    }

    public static long GetId(JsonElement obj, string name, string context) => ToInt64(Require(obj, name, context), $"{context}: '{name}'");

    public static long ToInt64(JsonElement value, string context)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (value.TryGetInt64(out long result))
            {
                return result;
            }

            double d = value.GetDouble();
            if (Math.Floor(d) == d && d >= long.MinValue && d < 9.2e18)
            {
                return (long)d;
            }
        }

        throw new FormatException($"{context} must be an integer but is {Describe(value)}.");
    }

    public static int ToInt32(JsonElement value, string context)
    {
        long result = ToInt64(value, context);
        if (result is < int.MinValue or > int.MaxValue)
        {
            throw new FormatException($"{context} is {result}, out of range.");
        }

        return (int)result;
    }

    public static double ToDouble(JsonElement value, string context)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.GetDouble();
        }

        throw new FormatException($"{context} must be a number but is {Describe(value)}.");
    }

    public static bool ToBool(JsonElement value, string context) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => value.GetDouble() != 0,
        _ => throw new FormatException($"{context} must be 0, 1, true or false but is {Describe(value)}."),
    };

    public static string GetString(JsonElement obj, string name)
    {
        return TryGet(obj, name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;
    }

    /// <summary>Reads a <c>bbox</c>; an empty list counts as absent, as pycocotools' <c>loadRes</c> treats it.</summary>
    public static CocoBox? ReadBox(JsonElement obj, string context)
    {
        if (!TryGet(obj, "bbox", out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{context}: 'bbox' must be a list [x, y, w, h] but is {Describe(value)}.");
        }

        int length = value.GetArrayLength();
        if (length == 0)
        {
            return null;
        }

        if (length != 4)
        {
            throw new FormatException($"{context}: 'bbox' must have 4 numbers but has {length}.");
        }

        return new CocoBox(
            ToDouble(value[0], $"{context}: bbox[0]"),
            ToDouble(value[1], $"{context}: bbox[1]"),
            ToDouble(value[2], $"{context}: bbox[2]"),
            ToDouble(value[3], $"{context}: bbox[3]"));
    }

    public static CocoSegmentation? ReadSegmentation(JsonElement obj, string context)
    {
        if (!TryGet(obj, "segmentation", out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            var polygons = new List<double[]>(value.GetArrayLength());
            int i = 0;
            foreach (var polygon in value.EnumerateArray())
            {
                if (polygon.ValueKind != JsonValueKind.Array)
                {
                    throw new FormatException($"{context}: segmentation polygon {i} must be a list of numbers but is {Describe(polygon)}.");
                }

                var xy = new double[polygon.GetArrayLength()];
                int j = 0;
                foreach (var number in polygon.EnumerateArray())
                {
                    xy[j] = ToDouble(number, $"{context}: segmentation polygon {i}[{j}]");
                    j++;
                }

                polygons.Add(xy);
                i++;
            }

            return CocoSegmentation.FromPolygons(polygons);
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{context}: 'segmentation' must be a polygon list or an RLE object but is {Describe(value)}.");
        }

        var size = Require(value, "size", $"{context}: segmentation");
        if (size.ValueKind != JsonValueKind.Array || size.GetArrayLength() != 2)
        {
            throw new FormatException($"{context}: segmentation 'size' must be [height, width].");
        }

        int height = ToInt32(size[0], $"{context}: segmentation size[0]");
        int width = ToInt32(size[1], $"{context}: segmentation size[1]");
        if (height < 0 || width < 0)
        {
            throw new FormatException($"{context}: segmentation size [{height}, {width}] is negative.");
        }

        var counts = Require(value, "counts", $"{context}: segmentation");
        try
        {
            if (counts.ValueKind == JsonValueKind.String)
            {
                return CocoSegmentation.FromRle(CocoRle.FromCompressedString(counts.GetString()!, height, width));
            }

            if (counts.ValueKind == JsonValueKind.Array)
            {
                var runs = new int[counts.GetArrayLength()];
                int j = 0;
                foreach (var run in counts.EnumerateArray())
                {
                    runs[j] = ToInt32(run, $"{context}: segmentation counts[{j}]");
                    j++;
                }

                return CocoSegmentation.FromRle(CocoRle.FromCounts(runs, height, width), compressed: false);
            }
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"{context}: invalid RLE segmentation: {ex.Message}", ex);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{context}: invalid RLE segmentation: {ex.Message}", ex);
        }

        throw new FormatException($"{context}: segmentation 'counts' must be a string or a list of integers but is {Describe(counts)}.");
    }

    public static void WriteBox(Utf8JsonWriter writer, CocoBox box)
    {
        writer.WriteStartArray("bbox");
        writer.WriteNumberValue(box.X);
        writer.WriteNumberValue(box.Y);
        writer.WriteNumberValue(box.Width);
        writer.WriteNumberValue(box.Height);
        writer.WriteEndArray();
    }

    public static void WriteSegmentation(Utf8JsonWriter writer, CocoSegmentation segmentation)
    {
        writer.WritePropertyName("segmentation");
        if (segmentation.Kind == CocoSegmentationKind.Polygons)
        {
            writer.WriteStartArray();
            foreach (var polygon in segmentation.Polygons)
            {
                writer.WriteStartArray();
                foreach (double v in polygon)
                {
                    writer.WriteNumberValue(v);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            return;
        }

        var rle = segmentation.Rle!;
        writer.WriteStartObject();
        writer.WriteStartArray("size");
        writer.WriteNumberValue(rle.Height);
        writer.WriteNumberValue(rle.Width);
        writer.WriteEndArray();
        if (segmentation.Kind == CocoSegmentationKind.Rle)
        {
            writer.WriteString("counts", rle.ToCompressedString());
        }
        else
        {
            writer.WriteStartArray("counts");
            foreach (int run in rle.Counts)
            {
                writer.WriteNumberValue(run);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    public static void CheckFinite(double value, string what)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{what} is {value}; JSON cannot hold it."));
        }
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Truncate(value.GetString()!)}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "...");
}
