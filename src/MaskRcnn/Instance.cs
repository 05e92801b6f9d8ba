using System.Runtime.Intrinsics;
using OpenCvSharp;

namespace MaskRcnn;

/// <summary>
/// One detected object: class, score, box and mask, all in managed memory (nothing to dispose). The mask is kept at
/// box resolution; full-image masks, outlines and Mats are made on demand.
/// </summary>
public sealed class Instance
{
    private readonly byte[] _boxMask;
    private readonly float[] _maskProbabilities;

    /// <summary>Creates an instance. <paramref name="boxMask"/> is row-major, <c>Box.Width * Box.Height</c> bytes of 0/1.</summary>
    public Instance(int detectionIndex, int classId, string label, float score, BoxF boxF, Rect box,
        int imageWidth, int imageHeight, float[] maskProbabilities, int maskSize, byte[] boxMask)
    {
        ArgumentNullException.ThrowIfNull(maskProbabilities);
        ArgumentNullException.ThrowIfNull(boxMask);
        if (maskProbabilities.Length != maskSize * maskSize)
            throw new ArgumentException($"Mask probabilities hold {maskProbabilities.Length} values, expected {maskSize}x{maskSize}.", nameof(maskProbabilities));
        if (boxMask.Length != box.Width * box.Height)
            throw new ArgumentException($"Box mask holds {boxMask.Length} bytes, expected {box.Width}x{box.Height}.", nameof(boxMask));
        DetectionIndex = detectionIndex;
        ClassId = classId;
        Label = label;
        Score = score;
        BoxF = boxF;
        Box = box;
        ImageWidth = imageWidth;
        ImageHeight = imageHeight;
        _maskProbabilities = maskProbabilities;
        MaskSize = maskSize;
        _boxMask = boxMask;
        Area = boxMask.Length - boxMask.AsSpan().Count((byte)0);
    }

    /// <summary>The row of <c>detection_out_final</c> (and of <c>detection_masks</c>) this instance came from.</summary>
    public int DetectionIndex { get; }

    /// <summary>Class id as the network outputs it (0-based, background excluded).</summary>
    public int ClassId { get; }

    /// <summary>Class name from the label map.</summary>
    public string Label { get; }

    /// <summary>Confidence, in (0, 1].</summary>
    public float Score { get; }

    /// <summary>The box in pixel coordinates as the network gave it, clipped to the image.</summary>
    public BoxF BoxF { get; }

    /// <summary>The pixels of the box (<see cref="BoxF"/> edges rounded to pixel boundaries).</summary>
    public Rect Box { get; }

    /// <summary>Width of the image the instance was found in.</summary>
    public int ImageWidth { get; }

    /// <summary>Height of the image the instance was found in.</summary>
    public int ImageHeight { get; }

    /// <summary>The network's mask probabilities for this class, <see cref="MaskSize"/> x <see cref="MaskSize"/>,
    /// row-major, covering the box. A view without copying; <see cref="MaskProbabilitiesMemory"/> is the same for
    /// async code and lambdas, <see cref="MaskProbabilitiesToArray"/> a copy.</summary>
    public ReadOnlySpan<float> MaskProbabilities => _maskProbabilities;

    /// <summary><see cref="MaskProbabilities"/> as memory, without copying.</summary>
    public ReadOnlyMemory<float> MaskProbabilitiesMemory => _maskProbabilities;

    /// <summary>A copy of <see cref="MaskProbabilities"/>.</summary>
    public float[] MaskProbabilitiesToArray() => (float[])_maskProbabilities.Clone();

    /// <summary>Side of <see cref="MaskProbabilities"/>.</summary>
    public int MaskSize { get; }

    /// <summary>The binary mask at box resolution: row-major, <c>Box.Width * Box.Height</c> values of 0 or 1. A view
    /// without copying; <see cref="BoxMaskMemory"/> is the same for async code and lambdas, <see cref="BoxMaskToArray"/>
    /// a copy.</summary>
    public ReadOnlySpan<byte> BoxMask => _boxMask;

    /// <summary><see cref="BoxMask"/> as memory, without copying.</summary>
    public ReadOnlyMemory<byte> BoxMaskMemory => _boxMask;

    /// <summary>A copy of <see cref="BoxMask"/>.</summary>
    public byte[] BoxMaskToArray() => (byte[])_boxMask.Clone();

    /// <summary>Number of mask pixels.</summary>
    public int Area { get; }

    /// <summary>True when pixel (x, y) of the image belongs to the instance.</summary>
    public bool Contains(int x, int y)
    {
        var bx = x - Box.X;
        var by = y - Box.Y;
        return bx >= 0 && by >= 0 && bx < Box.Width && by < Box.Height && _boxMask[by * Box.Width + bx] != 0;
    }

    /// <summary>The binary mask over the whole image: row-major, <c>ImageWidth * ImageHeight</c> values of 0 or 1.</summary>
    public byte[] FullMask()
    {
        var full = new byte[ImageWidth * ImageHeight];
        for (var y = 0; y < Box.Height; y++)
            _boxMask.AsSpan(y * Box.Width, Box.Width).CopyTo(full.AsSpan((Box.Y + y) * ImageWidth + Box.X, Box.Width));
        return full;
    }

    /// <summary>A new 8-bit single-channel Mat of the box mask (values 0/255); the caller owns it.</summary>
    public Mat BoxMaskToMat() => ToMat(0, 0, Box.Width, Box.Height);

    /// <summary>A new 8-bit single-channel Mat of the full-image mask (values 0/255); the caller owns it.</summary>
    public Mat FullMaskToMat() => ToMat(Box.X, Box.Y, ImageWidth, ImageHeight);

    /// <summary>A new 32-bit float Mat of <see cref="MaskProbabilities"/>; the caller owns it.</summary>
    public Mat MaskProbabilitiesToMat()
    {
        var mat = new Mat(MaskSize, MaskSize, MatType.CV_32FC1);
        System.Runtime.InteropServices.Marshal.Copy(_maskProbabilities, 0, mat.Data, MaskSize * MaskSize);
        return mat;
    }

    /// <summary>The outer outline(s) of the mask in image coordinates, one polygon per connected part.</summary>
    /// <param name="epsilon">Douglas-Peucker tolerance in pixels; 0 keeps every boundary pixel.</param>
    public IReadOnlyList<Point[]> Polygons(double epsilon = 0)
    {
        if (Area == 0) return [];
        using var mat = BoxMaskToMat();
        Cv2.FindContours(mat, out var contours, out _, RetrievalModes.External, ContourApproximationModes.ApproxSimple, new Point(Box.X, Box.Y));
        return epsilon > 0 ? contours.Select(c => Cv2.ApproxPolyDP(c, epsilon, true)).ToArray() : contours;
    }

    // Writes the box mask as 0/255 straight into the Mat's own memory, placed at (x, y) of a zeroed width x height Mat:
    // no managed copy of the full image is made.
    private unsafe Mat ToMat(int x, int y, int width, int height)
    {
        var mat = new Mat(Math.Max(height, 0), Math.Max(width, 0), MatType.CV_8UC1, Scalar.All(0));
        if (_boxMask.Length == 0) return mat;
        var data = new Span<byte>((void*)mat.Data, checked((int)(mat.Step() * mat.Rows)));
        var step = (int)mat.Step();
        for (var row = 0; row < Box.Height; row++)
        {
            var source = _boxMask.AsSpan(row * Box.Width, Box.Width);
            var target = data.Slice((y + row) * step + x, Box.Width);
            var i = 0;
            for (; i <= source.Length - Vector128<byte>.Count; i += Vector128<byte>.Count)
                Vector128.OnesComplement(Vector128.Equals(Vector128.Create(source.Slice(i, Vector128<byte>.Count)), Vector128<byte>.Zero))
                    .CopyTo(target.Slice(i));
            for (; i < source.Length; i++) target[i] = source[i] != 0 ? (byte)255 : (byte)0;
        }
        return mat;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Label} {Score:0.000} [{Box.X},{Box.Y},{Box.Width}x{Box.Height}] area {Area}";
}
