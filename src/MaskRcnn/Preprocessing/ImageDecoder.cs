using OpenCvSharp;

namespace MaskRcnn.Preprocessing;

/// <summary>Reads and decodes image files the way the detector does, with the detector's error messages.</summary>
internal static class ImageDecoder
{
    /// <summary>Reads an image file (any format OpenCV decodes, unchanged depth and channels); the caller owns the Mat.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidImageException">The file cannot be read or is not a decodable image.</exception>
    public static Mat Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Image file not found: {path}", path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InvalidImageException($"{path}: cannot be read ({e.Message}).", nameof(path), e);
        }
        return Decode(bytes, path);
    }

    /// <summary>Decodes an encoded image; <paramref name="source"/> names it in errors. The caller owns the Mat.</summary>
    /// <exception cref="InvalidImageException">The bytes are empty or not a decodable image.</exception>
    public static Mat Decode(byte[] bytes, string source)
    {
        if (bytes.Length == 0) throw new InvalidImageException($"{source}: the image is empty (0 bytes).", nameof(bytes));
        Mat decoded;
        try
        {
            decoded = Cv2.ImDecode(bytes, ImreadModes.Unchanged);
        }
        catch (OpenCVException e)
        {
            throw new InvalidImageException($"{source}: OpenCV could not decode the image ({e.Message}).", nameof(bytes), e);
        }
        if (decoded.Empty())
        {
            decoded.Dispose();
            throw new InvalidImageException($"{source}: not a decodable image (truncated, corrupt, or a format OpenCV does not read).", nameof(bytes));
        }
        return decoded;
    }
}
