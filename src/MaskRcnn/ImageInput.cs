using System.Diagnostics.CodeAnalysis;
using MaskRcnn.Preprocessing;
using OpenCvSharp;

namespace MaskRcnn;

/// <summary>
/// An image to detect in: a file, encoded bytes (PNG, JPEG, ...), a stream, or an already decoded Mat, with the name
/// that results and errors use. A string converts to a file path, a byte array to encoded bytes and a Mat to itself,
/// so <c>detector.Detect("street.jpg")</c>, <c>Detect(bytes)</c> and <c>Detect(mat)</c> all read as they look.
/// </summary>
/// <remarks>A Mat is borrowed: it is neither modified nor disposed. Files, bytes and streams are decoded as
/// <see cref="ImageFile"/> does, refusing images over <see cref="MaskRcnnOptions.MaxImagePixels"/> by their header.</remarks>
public sealed class ImageInput
{
    private readonly string? _path;
    private readonly byte[]? _bytes;
    private readonly Stream? _stream;
    private readonly Mat? _mat;
    private readonly bool _named;

    private ImageInput(string? name, string? path = null, byte[]? bytes = null, Stream? stream = null, Mat? mat = null)
    {
        Name = name ?? "image";
        _named = name is not null;
        _path = path;
        _bytes = bytes;
        _stream = stream;
        _mat = mat;
    }

    /// <summary>The name errors and batch outcomes use: the path, or the name given; <c>image</c> for a Mat passed
    /// without one (in a batch, <c>image #i</c> by its position).</summary>
    public string Name { get; }

    /// <summary>An image file (any format OpenCV decodes).</summary>
    public static ImageInput FromFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new ImageInput(path, path: path);
    }

    /// <summary>An encoded image in memory, named for messages.</summary>
    public static ImageInput FromBytes(byte[] encoded, string name = "image bytes")
    {
        ArgumentNullException.ThrowIfNull(encoded);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new ImageInput(name, bytes: encoded);
    }

    /// <summary>An encoded image read from a stream to its end when detected (the stream is not closed), named for messages.</summary>
    public static ImageInput FromStream(Stream stream, string name = "image stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new ImageInput(name, stream: stream);
    }

    /// <summary>A decoded image (8/16-bit, gray, BGR or BGRA), borrowed, named for messages (by default <c>image</c>,
    /// or <c>image #i</c> in a batch).</summary>
    public static ImageInput FromMat(Mat image, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (name is not null) ArgumentException.ThrowIfNullOrEmpty(name);
        return new ImageInput(name, mat: image);
    }

    /// <summary>The files, named by their paths, for a batch.</summary>
    public static IReadOnlyList<ImageInput> FromFiles(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return paths.Select(FromFile).ToList();
    }

    /// <summary>The Mats, named <c>image #0</c>, <c>image #1</c>, ..., for a batch.</summary>
    public static IReadOnlyList<ImageInput> FromMats(IEnumerable<Mat> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return images.Select((m, i) => FromMat(m, $"image #{i}")).ToList();
    }

    /// <summary>An image file; null stays null.</summary>
    [return: NotNullIfNotNull(nameof(path))]
    public static implicit operator ImageInput?(string? path) => path is null ? null : FromFile(path);

    /// <summary>An encoded image, named <c>image bytes</c>; null stays null.</summary>
    [return: NotNullIfNotNull(nameof(encoded))]
    public static implicit operator ImageInput?(byte[]? encoded) => encoded is null ? null : FromBytes(encoded);

    /// <summary>A decoded image, borrowed, named <c>image</c>; null stays null.</summary>
    [return: NotNullIfNotNull(nameof(image))]
    public static implicit operator ImageInput?(Mat? image) => image is null ? null : FromMat(image);

    /// <summary>The name.</summary>
    public override string ToString() => Name;

    /// <summary>The name, or <c>image #index</c> for a Mat passed without one.</summary>
    internal string NameAt(int index) => _named ? Name : $"image #{index}";

    /// <summary>The same image under the name it has at <paramref name="index"/> of a batch.</summary>
    internal ImageInput At(int index) => _named ? this : new ImageInput(NameAt(index), _path, _bytes, _stream, _mat);

    /// <summary>Decodes the image, passes it to <paramref name="use"/> and disposes it afterwards if it was decoded here.</summary>
    internal T Use<T>(long maxPixels, Func<Mat, T> use)
    {
        var mat = Open(maxPixels, out var owned);
        try
        {
            return use(mat);
        }
        finally
        {
            if (owned) mat.Dispose();
        }
    }

    /// <summary>The decoded image: the borrowed Mat itself (<paramref name="owned"/> false) or a new one the caller disposes.</summary>
    /// <exception cref="InvalidImageException">The image is missing, unreadable, undecodable or too large; the message names it.</exception>
    internal Mat Open(long maxPixels, out bool owned)
    {
        owned = _mat is null;
        if (_mat is not null) return _mat;
        try
        {
            if (_path is not null) return ImageFile.Read(_path, maxPixels);
            if (_bytes is not null) return ImageFile.Decode(_bytes, maxPixels);
            using var copy = new MemoryStream();
            _stream!.CopyTo(copy);
            return ImageFile.Decode(copy.ToArray(), maxPixels);
        }
        catch (FileNotFoundException e)
        {
            throw new ImageNotFoundException(Name, e);
        }
        catch (IOException e) when (_stream is not null)
        {
            throw new InvalidImageException(Name, $"the stream failed while reading ({e.Message}).", e);
        }
        catch (InvalidImageException e) when (e.Source != Name)
        {
            throw new InvalidImageException(Name, e.Message, e.InnerException);
        }
    }
}
