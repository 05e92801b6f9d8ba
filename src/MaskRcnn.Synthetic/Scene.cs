using System.Runtime.InteropServices;
using OpenCvSharp;

namespace MaskRcnn.Synthetic;

/// <summary>
/// A synthetic image and the exact ground truth of the objects drawn in it. Everything is held in managed memory, so a
/// scene needs no disposal; <see cref="ToMat"/> makes an OpenCV image on demand.
/// </summary>
public sealed class Scene
{
    /// <summary>Creates a scene from its pixels and objects (normally done by <see cref="SceneBuilder.Build"/>).</summary>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="bgr">Pixels, row-major, 3 bytes (B, G, R) per pixel; the scene keeps this array.</param>
    /// <param name="objects">The ground truth of each object, in drawing order; each mask must be <c>width * height</c> bytes.</param>
    /// <param name="background">The background the image was drawn on.</param>
    public Scene(int width, int height, byte[] bgr, IReadOnlyList<GroundTruthObject> objects, SceneBackground background)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(bgr);
        ArgumentNullException.ThrowIfNull(objects);
        if (bgr.Length != checked(width * height * 3))
            throw new ArgumentException($"A {width}x{height} BGR image has {width * height * 3} bytes but {bgr.Length} were given.", nameof(bgr));
        foreach (var o in objects)
        {
            if (o.Mask.Length != width * height)
                throw new ArgumentException($"An object mask has {o.Mask.Length} bytes; a {width}x{height} image needs {width * height}.", nameof(objects));
        }
        Width = width;
        Height = height;
        Bgr = bgr;
        Objects = [.. objects];
        Background = background;
    }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>The image size.</summary>
    public Size Size => new(Width, Height);

    /// <summary>Pixels, row-major, 3 bytes (B, G, R) per pixel. Treat as read-only: the scene shares this array.</summary>
#pragma warning disable CA1819 // A plain pixel buffer is the point: tests index it directly.
    public byte[] Bgr { get; }
#pragma warning restore CA1819

    /// <summary>The objects in drawing order (a later object hides an earlier one where they overlap).</summary>
    public IReadOnlyList<GroundTruthObject> Objects { get; }

    /// <summary>The background the image was drawn on.</summary>
    public SceneBackground Background { get; }

    /// <summary>A new 8-bit, 3-channel BGR image holding a copy of the pixels; the caller owns and disposes it.</summary>
    public Mat ToMat() => CopyToMat(Bgr, MatType.CV_8UC3, 3);

    /// <summary>Saves the image losslessly as PNG (the ground truth stays exact; a lossy format would not keep it).</summary>
    /// <param name="path">Destination; must end in <c>.png</c>.</param>
    /// <exception cref="ArgumentException">The path does not end in <c>.png</c>.</exception>
    /// <exception cref="IOException">OpenCV could not write the file.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"Scenes are saved as PNG so their pixels stay exact; '{path}' does not end in .png.", nameof(path));
        using var mat = ToMat();
        if (!Cv2.ImWrite(path, mat))
            throw new IOException($"OpenCV could not write '{path}'.");
    }

    /// <summary>The mask of object <paramref name="index"/> as a new 8-bit single-channel image (0 or 1); the caller disposes it.</summary>
    public Mat MaskMat(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Objects.Count);
        return CopyToMat(Objects[index].Mask, MatType.CV_8UC1, 1);
    }

    /// <summary>A new Mat of this scene's size holding a copy of row-major pixels; a failed copy disposes it.</summary>
    private Mat CopyToMat(byte[] pixels, MatType type, int channels)
    {
        var mat = new Mat(Height, Width, type);
        try
        {
            var rowBytes = Width * channels;
            for (var y = 0; y < Height; y++)
                Marshal.Copy(pixels, y * rowBytes, mat.Ptr(y), rowBytes);
            return mat;
        }
        catch
        {
            mat.Dispose();
            throw;
        }
    }
}
