using System.Diagnostics.CodeAnalysis;
using MaskRcnn.Loading;

namespace MaskRcnn;

/// <summary>
/// A model file to load: a path, bytes or a stream, with the name that messages about it use. A string converts to
/// a path and a byte array to bytes, so <c>MaskRcnnDetector.Load("frozen_inference_graph.pb", "graph.pbtxt")</c> and
/// <c>Load(pbBytes)</c> read as they look.
/// </summary>
public sealed class ModelInput
{
    private readonly string? _path;
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly Stream? _stream;

    private ModelInput(string name, string? path, ReadOnlyMemory<byte> bytes, Stream? stream)
    {
        Name = name;
        _path = path;
        _bytes = bytes;
        _stream = stream;
    }

    /// <summary>The name messages use: the path, or the name given for bytes and streams.</summary>
    public string Name { get; }

    /// <summary>A model file on disk, read when the model is loaded.</summary>
    public static ModelInput FromFile(string path) => new(path ?? throw new ArgumentNullException(nameof(path)), path, default, null);

    /// <summary>A model in memory (e.g. an embedded resource), named for messages.</summary>
    public static ModelInput FromBytes(ReadOnlyMemory<byte> bytes, string name = "model bytes") => new(Named(name), null, bytes, null);

    /// <summary>A model read from a stream to its end when the model is loaded (the stream is not closed), named for messages.</summary>
    public static ModelInput FromStream(Stream stream, string name = "model stream") =>
        new(Named(name), null, default, stream ?? throw new ArgumentNullException(nameof(stream)));

    private static string Named(string name) => string.IsNullOrEmpty(name) ? throw new ArgumentException("A model needs a name for messages.", nameof(name)) : name;

    /// <summary>A model file on disk; null stays null.</summary>
    [return: NotNullIfNotNull(nameof(path))]
    public static implicit operator ModelInput?(string? path) => path is null ? null : FromFile(path);

    /// <summary>A model in memory, named <c>model bytes</c>; null stays null.</summary>
    [return: NotNullIfNotNull(nameof(bytes))]
    public static implicit operator ModelInput?(byte[]? bytes) => bytes is null ? null : FromBytes(bytes);

    /// <summary>The name.</summary>
    public override string ToString() => Name;

    /// <summary>Reads the model; <paramref name="role"/> (e.g. <c>text graph (.pbtxt)</c>) says in messages what it should be.</summary>
    internal ModelSource Read(string role) =>
        _path is not null ? ModelSource.FromFile(_path, role)
        : _stream is not null ? ModelSource.FromStream(_stream, Name, role)
        : ModelSource.FromBytes(_bytes.Span, Name, role);
}
