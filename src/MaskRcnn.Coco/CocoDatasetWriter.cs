using System.Text.Json;

namespace MaskRcnn.Coco;

/// <summary>
/// Writes a COCO annotations file (<c>instances.json</c>) one entry at a time, so datasets of any size can be written
/// without holding them: images first, then annotations, then categories, as the sections of the file. Disposing the
/// writer closes the open section and the file's object.
/// </summary>
public sealed class CocoDatasetWriter : IDisposable
{
    private static readonly string[] Sections = ["images", "annotations", "categories"];

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly Utf8JsonWriter _writer;
    private int _section = -1;
    private bool _disposed;

    /// <summary>Starts a file on a stream.</summary>
    /// <param name="stream">The stream to write to.</param>
    /// <param name="description">When set, an <c>info</c> object with this description and version 1.0 is written first.</param>
    /// <param name="leaveOpen">Whether to leave the stream open when the writer is disposed.</param>
    public CocoDatasetWriter(Stream stream, string? description = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        _writer = new Utf8JsonWriter(stream, CocoJson.WriterOptions);
        _writer.WriteStartObject();
        if (description is null) return;
        _writer.WriteStartObject("info");
        _writer.WriteString("description", description);
        _writer.WriteString("version", "1.0");
        _writer.WriteEndObject();
    }

    /// <summary>Writes an entry of <c>images</c>.</summary>
    /// <exception cref="InvalidOperationException">Annotations or categories were already written.</exception>
    public void WriteImage(CocoImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Enter(0);
        _writer.WriteStartObject();
        _writer.WriteNumber("id", image.Id);
        _writer.WriteNumber("width", image.Width);
        _writer.WriteNumber("height", image.Height);
        _writer.WriteString("file_name", image.FileName);
        _writer.WriteEndObject();
    }

    /// <summary>Writes an entry of <c>annotations</c> (<c>segmentation</c> and <c>bbox</c> left out when null).</summary>
    /// <exception cref="InvalidOperationException">Categories were already written.</exception>
    public void WriteAnnotation(CocoAnnotation annotation)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        Enter(1);
        _writer.WriteStartObject();
        _writer.WriteNumber("id", annotation.Id);
        _writer.WriteNumber("image_id", annotation.ImageId);
        _writer.WriteNumber("category_id", annotation.CategoryId);
        if (annotation.Segmentation is not null) CocoJson.WriteSegmentation(_writer, annotation.Segmentation);
        _writer.WriteNumber("area", annotation.Area);
        if (annotation.Bbox is { } box) CocoJson.WriteBox(_writer, box);
        _writer.WriteNumber("iscrowd", annotation.IsCrowd ? 1 : 0);
        _writer.WriteEndObject();
        if (_writer.BytesPending > 1 << 16) _writer.Flush();
    }

    /// <summary>Writes an entry of <c>categories</c>.</summary>
    public void WriteCategory(CocoCategory category)
    {
        ArgumentNullException.ThrowIfNull(category);
        Enter(2);
        _writer.WriteStartObject();
        _writer.WriteNumber("id", category.Id);
        _writer.WriteString("name", category.Name);
        if (category.Supercategory is not null) _writer.WriteString("supercategory", category.Supercategory);
        _writer.WriteEndObject();
    }

    /// <summary>Opens <paramref name="section"/>, closing the one before and writing empty lists for any skipped.</summary>
    private void Enter(int section)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (section < _section)
            throw new InvalidOperationException($"COCO {Sections[section]} must be written before {Sections[_section]}.");
        while (_section < section)
        {
            if (_section >= 0) _writer.WriteEndArray();
            _section++;
            _writer.WriteStartArray(Sections[_section]);
        }
    }

    /// <summary>Closes the sections (writing empty lists for those never written), the object, and the stream unless
    /// it was to be left open.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        Enter(Sections.Length - 1);
        _disposed = true;
        _writer.WriteEndArray();
        _writer.WriteEndObject();
        _writer.Flush();
        _writer.Dispose();
        _stream.Flush();
        if (!_leaveOpen) _stream.Dispose();
    }
}
