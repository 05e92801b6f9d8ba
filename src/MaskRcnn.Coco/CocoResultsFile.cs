using System.Globalization;
using System.Text.Json;

namespace MaskRcnn.Coco;

/// <summary>Reads and writes COCO results files: JSON lists of detections as pycocotools' <c>loadRes</c> reads them.</summary>
public static class CocoResultsFile
{
    /// <summary>Reads a results file lazily, one result at a time, in file order.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The results; the file is open while they are enumerated.</returns>
    /// <exception cref="FormatException">(While enumerating.) The file is not a valid results list.</exception>
    public static IEnumerable<CocoResult> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ReadFile(path);
    }

    /// <summary>Reads results from a stream lazily, one result at a time, in stream order.</summary>
    /// <param name="stream">The stream; left open.</param>
    /// <returns>The results.</returns>
    /// <exception cref="FormatException">(While enumerating.) The data is not a valid results list.</exception>
    public static IEnumerable<CocoResult> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadStream(stream);
    }

    /// <summary>Writes results to a file (see <see cref="CocoResultWriter"/>).</summary>
    /// <param name="path">The file to create or overwrite.</param>
    /// <param name="results">The results.</param>
    /// <returns>The number of results written.</returns>
    public static long Write(string path, IEnumerable<CocoResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        using var writer = new CocoResultWriter(path);
        writer.WriteRange(results);
        return writer.Count;
    }

    /// <summary>Writes results to a stream (see <see cref="CocoResultWriter"/>).</summary>
    /// <param name="stream">The stream; left open.</param>
    /// <param name="results">The results.</param>
    /// <returns>The number of results written.</returns>
    public static long Write(Stream stream, IEnumerable<CocoResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        using var writer = new CocoResultWriter(stream, leaveOpen: true);
        writer.WriteRange(results);
        return writer.Count;
    }

    private static IEnumerable<CocoResult> ReadFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        foreach (var result in ReadStream(stream))
        {
            yield return result;
        }
    }

    private static IEnumerable<CocoResult> ReadStream(Stream stream)
    {
        using var reader = new JsonStreamReader(stream, leaveOpen: true);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new FormatException("A results file must be a JSON list of result objects.");
        }

        int index = 0;
        while (true)
        {
            CocoResult result;
            using (var document = reader.ReadArrayItem())
            {
                if (document is null)
                {
                    yield break;
                }

                result = Parse(document.RootElement, index++);
            }

            yield return result;
        }
    }

    private static CocoResult Parse(JsonElement element, int index)
    {
        string context = string.Create(CultureInfo.InvariantCulture, $"results[{index}]");
        CocoJson.RequireObject(element, context);
        long imageId = CocoJson.GetId(element, "image_id", context);
        long categoryId = CocoJson.GetId(element, "category_id", context);
        double score = CocoJson.ToDouble(CocoJson.Require(element, "score", context), $"{context}: 'score'");
        var box = CocoJson.ReadBox(element, context);
        var segmentation = CocoJson.ReadSegmentation(element, context);
        return new CocoResult(imageId, categoryId, score, box, segmentation);
    }
}
