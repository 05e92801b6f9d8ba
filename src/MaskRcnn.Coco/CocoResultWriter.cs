using System.Text.Json;

namespace MaskRcnn.Coco;

/// <summary>
/// Writes a COCO results file (a JSON list of <see cref="CocoResult"/>) one result at a time, so result sets of any
/// size can be written without holding them. Disposing the writer closes the list.
/// </summary>
public sealed class CocoResultWriter : IDisposable
{
    private const int FlushThreshold = 1 << 16;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly Utf8JsonWriter _writer;
    private bool _disposed;

    /// <summary>Starts a results file on a stream.</summary>
    /// <param name="stream">The stream to write to.</param>
    /// <param name="leaveOpen">Whether to leave the stream open when the writer is disposed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public CocoResultWriter(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        _writer = new Utf8JsonWriter(stream, CocoJson.WriterOptions);
        _writer.WriteStartArray();
    }

    /// <summary>Starts a results file at a path, creating or overwriting it.</summary>
    /// <param name="path">The file.</param>
    public CocoResultWriter(string path)
        : this(new FileStream(path ?? throw new ArgumentNullException(nameof(path)), FileMode.Create, FileAccess.Write, FileShare.None))
    {
    }

    /// <summary>Gets how many results have been written.</summary>
    public long Count { get; private set; }

    /// <summary>
    /// Writes one result as <c>{"image_id", "category_id", "bbox", "score", "segmentation"}</c>; <c>bbox</c> and
    /// <c>segmentation</c> are left out when null. An RLE segmentation is written as pycocotools writes it
    /// (<c>{"size": [h, w], "counts": "..."}</c> for the compressed form).
    /// </summary>
    /// <param name="result">The result.</param>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> is null.</exception>
    /// <exception cref="ArgumentException">The score or a box value is NaN or infinite.</exception>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    public void Write(CocoResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CocoJson.CheckFinite(result.Score, "The score");
        if (result.Bbox is { } box)
        {
            CocoJson.CheckFinite(box.X, "bbox x");
            CocoJson.CheckFinite(box.Y, "bbox y");
            CocoJson.CheckFinite(box.Width, "bbox width");
            CocoJson.CheckFinite(box.Height, "bbox height");
        }

        _writer.WriteStartObject();
        _writer.WriteNumber("image_id", result.ImageId);
        _writer.WriteNumber("category_id", result.CategoryId);
        if (result.Bbox is { } b)
        {
            CocoJson.WriteBox(_writer, b);
        }

        _writer.WriteNumber("score", result.Score);
        if (result.Segmentation is not null)
        {
            CocoJson.WriteSegmentation(_writer, result.Segmentation);
        }

        _writer.WriteEndObject();
        Count++;
        if (_writer.BytesPending > FlushThreshold)
        {
            _writer.Flush();
        }
    }

    /// <summary>Writes several results.</summary>
    /// <param name="results">The results.</param>
    public void WriteRange(IEnumerable<CocoResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        foreach (var result in results)
        {
            Write(result);
        }
    }

    /// <summary>Pushes everything written so far to the stream.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _writer.Flush();
        _stream.Flush();
    }

    /// <summary>Closes the JSON list, flushes, and closes the stream unless it was to be left open.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _writer.WriteEndArray();
        _writer.Flush();
        _writer.Dispose();
        _stream.Flush();
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }
}
