using System.Buffers.Binary;
using OpenCvSharp;

namespace MaskRcnn.Preprocessing;

/// <summary>
/// Reads and decodes image files as the detector does: the size is taken from the file's header first, so an image
/// larger than the pixel limit is refused before OpenCV allocates memory for it.
/// </summary>
/// <remarks>
/// The header is read for PNG, JPEG, BMP, GIF, WebP, TIFF and PNM (PBM/PGM/PPM). Other formats OpenCV reads are
/// decoded first and checked afterwards, within OpenCV's own limit (2^30 pixels unless
/// <c>OPENCV_IO_MAX_IMAGE_PIXELS</c> says otherwise).
/// </remarks>
public static class ImageFile
{
    /// <summary>Largest encoded image read into memory (the limit of a .NET array).</summary>
    private const long MaxFileBytes = int.MaxValue;

    /// <summary>Reads an image file as stored (8/16-bit, gray, BGR or BGRA); the caller owns the Mat.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidImageException">The file cannot be read, is not a decodable image, or has more than <paramref name="maxPixels"/> pixels.</exception>
    public static Mat Read(string path, long maxPixels = 100_000_000)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) throw new InvalidImageException("is a folder, not an image file.");
        if (!File.Exists(path)) throw new FileNotFoundException($"Image file not found: {path}", path);
        if (Runtime.FileKind.DescribeSpecial(path) is { } kind)
            throw new InvalidImageException($"is {kind}, not an image file; reading it could block or never end.");
        byte[] bytes;
        try
        {
            if (new FileInfo(path).Length > MaxFileBytes)
                throw new InvalidImageException($"is larger than {MaxFileBytes} bytes, more than any image the detector accepts.");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidImageException($"cannot be read ({e.Message}).", e);
        }
        return Decode(bytes, maxPixels);
    }

    /// <summary>Decodes an encoded image (PNG, JPEG, ...) as stored; the caller owns the Mat.</summary>
    /// <exception cref="InvalidImageException">The bytes are empty, not a decodable image, or an image of more than <paramref name="maxPixels"/> pixels.</exception>
    public static Mat Decode(byte[] encoded, long maxPixels = 100_000_000)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPixels, 1);
        if (encoded.Length == 0) throw new InvalidImageException("the image is empty (0 bytes).");
        if (TryReadSize(encoded) is var (width, height) && (long)width * height > maxPixels)
            throw new InvalidImageException(
                $"the image is {width}x{height} = {(long)width * height} pixels by its header, more than the limit of {maxPixels} " +
                "(MaskRcnnOptions.MaxImagePixels); it was not decoded. Downscale it first, or raise the limit.");
        Mat decoded;
        try
        {
            decoded = Cv2.ImDecode(encoded, ImreadModes.Unchanged);
        }
        catch (OpenCVException e)
        {
            throw new InvalidImageException($"not a decodable image. OpenCV: {e.Message}", e);
        }
        if (decoded.Empty())
        {
            decoded.Dispose();
            throw new InvalidImageException("not a decodable image. It is truncated, corrupt, or in a format OpenCV does not read.");
        }
        if ((long)decoded.Width * decoded.Height > maxPixels)
        {
            var (w, h) = (decoded.Width, decoded.Height);
            decoded.Dispose();
            throw new InvalidImageException(
                $"the image is {w}x{h} = {(long)w * h} pixels, more than the limit of {maxPixels} (MaskRcnnOptions.MaxImagePixels). Downscale it first, or raise the limit.");
        }
        return decoded;
    }

    /// <summary>
    /// The width and height written in the header of a PNG, JPEG, BMP, GIF, WebP, TIFF or PNM image, without
    /// decoding it; null for other formats and for headers too short or damaged to tell.
    /// </summary>
    public static (int Width, int Height)? TryReadSize(ReadOnlySpan<byte> encoded)
    {
        try
        {
            var size = Png(encoded) ?? Jpeg(encoded) ?? Gif(encoded) ?? Bmp(encoded) ?? WebP(encoded) ?? Tiff(encoded) ?? Pnm(encoded);
            return size is var (w, h) && w > 0 && h > 0 ? size : null;
        }
        catch (ArgumentOutOfRangeException)
        {
            // A header cut short: let the decoder say what is wrong with it.
            return null;
        }
    }

    private static (int, int)? Png(ReadOnlySpan<byte> b)
    {
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (b.Length < 24 || !b.StartsWith(signature) || !b.Slice(12, 4).SequenceEqual("IHDR"u8)) return null;
        return (Clamp(BinaryPrimitives.ReadUInt32BigEndian(b[16..])), Clamp(BinaryPrimitives.ReadUInt32BigEndian(b[20..])));
    }

    private static (int, int)? Jpeg(ReadOnlySpan<byte> b)
    {
        if (b.Length < 4 || b[0] != 0xFF || b[1] != 0xD8) return null;
        var i = 2;
        while (i + 4 <= b.Length)
        {
            if (b[i] != 0xFF) return null;
            var marker = b[i + 1];
            if (marker == 0xFF) { i++; continue; }
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) { i += 2; continue; }
            var length = BinaryPrimitives.ReadUInt16BigEndian(b[(i + 2)..]);
            // Start-of-frame markers C0..CF, except DHT (C4), JPG (C8) and DAC (CC), carry the image size.
            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
                return i + 9 <= b.Length ? (BinaryPrimitives.ReadUInt16BigEndian(b[(i + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(b[(i + 5)..])) : null;
            if (marker is 0xD9 or 0xDA || length < 2) return null;
            i += 2 + length;
        }
        return null;
    }

    private static (int, int)? Gif(ReadOnlySpan<byte> b) =>
        b.Length >= 10 && (b.StartsWith("GIF87a"u8) || b.StartsWith("GIF89a"u8))
            ? (BinaryPrimitives.ReadUInt16LittleEndian(b[6..]), BinaryPrimitives.ReadUInt16LittleEndian(b[8..]))
            : null;

    private static (int, int)? Bmp(ReadOnlySpan<byte> b)
    {
        if (b.Length < 26 || b[0] != 'B' || b[1] != 'M') return null;
        var headerSize = BinaryPrimitives.ReadUInt32LittleEndian(b[14..]);
        if (headerSize == 12) return (BinaryPrimitives.ReadUInt16LittleEndian(b[18..]), BinaryPrimitives.ReadUInt16LittleEndian(b[20..]));
        // Height is negative for top-down bitmaps.
        return (Math.Abs(Math.Max(BinaryPrimitives.ReadInt32LittleEndian(b[18..]), -int.MaxValue)),
            Math.Abs(Math.Max(BinaryPrimitives.ReadInt32LittleEndian(b[22..]), -int.MaxValue)));
    }

    private static (int, int)? WebP(ReadOnlySpan<byte> b)
    {
        if (b.Length < 30 || !b.StartsWith("RIFF"u8) || !b.Slice(8, 4).SequenceEqual("WEBP"u8)) return null;
        var chunk = b.Slice(12, 4);
        if (chunk.SequenceEqual("VP8 "u8))
            return (BinaryPrimitives.ReadUInt16LittleEndian(b[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(b[28..]) & 0x3FFF);
        if (chunk.SequenceEqual("VP8L"u8))
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(b[21..]);
            return ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }
        if (chunk.SequenceEqual("VP8X"u8))
            return (1 + (b[24] | b[25] << 8 | b[26] << 16), 1 + (b[27] | b[28] << 8 | b[29] << 16));
        return null;
    }

    private static (int, int)? Tiff(ReadOnlySpan<byte> b)
    {
        if (b.Length < 8) return null;
        bool little;
        if (b[0] == 'I' && b[1] == 'I' && b[2] == 42 && b[3] == 0) little = true;
        else if (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && b[3] == 42) little = false;
        else return null;
        var ifd = U32(b, little, 4);
        if (ifd > int.MaxValue - 2) return null;
        var count = U16(b, little, (int)ifd);
        if (ifd + 2 + 12L * count > b.Length) return null;
        int? width = null, height = null;
        for (var k = 0; k < count; k++)
        {
            var entry = (int)ifd + 2 + 12 * k;
            var tag = U16(b, little, entry);
            if (tag is not (256 or 257)) continue;
            // ImageWidth/ImageLength are SHORT (3) or LONG (4), stored in the entry itself.
            var value = U16(b, little, entry + 2) == 3 ? U16(b, little, entry + 8) : Clamp(U32(b, little, entry + 8));
            if (tag == 256) width = value; else height = value;
        }
        return width is { } w && height is { } h ? (w, h) : null;
    }

    private static uint U32(ReadOnlySpan<byte> b, bool little, int at) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt32BigEndian(b[at..]);

    private static ushort U16(ReadOnlySpan<byte> b, bool little, int at) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt16BigEndian(b[at..]);

    private static (int, int)? Pnm(ReadOnlySpan<byte> b)
    {
        if (b.Length < 3 || b[0] != 'P' || b[1] is < (byte)'1' or > (byte)'6') return null;
        var i = 2;
        var numbers = new long[2];
        for (var n = 0; n < 2; n++)
        {
            while (i < b.Length && (char.IsWhiteSpace((char)b[i]) || b[i] == '#'))
            {
                if (b[i] == '#') while (i < b.Length && b[i] != '\n') i++;
                else i++;
            }
            if (i >= b.Length || !char.IsAsciiDigit((char)b[i])) return null;
            long value = 0;
            while (i < b.Length && char.IsAsciiDigit((char)b[i]) && value < int.MaxValue) value = value * 10 + (b[i++] - '0');
            numbers[n] = value;
        }
        return (Clamp((ulong)numbers[0]), Clamp((ulong)numbers[1]));
    }

    private static int Clamp(ulong value) => (int)Math.Min(value, int.MaxValue);
}
