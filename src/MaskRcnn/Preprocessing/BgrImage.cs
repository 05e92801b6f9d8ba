using OpenCvSharp;

namespace MaskRcnn.Preprocessing;

/// <summary>Pixel-format conversion as the detector does it, for callers that draw on the image they detected in.</summary>
public static class BgrImage
{
    /// <summary>
    /// A new 8-bit BGR copy of an 8- or 16-bit gray, BGR or BGRA image (16-bit values divided by 257); the caller owns it.
    /// </summary>
    /// <exception cref="InvalidImageException">The image is empty or of a type the detector does not accept.</exception>
    public static Mat ToBgr8(Mat image)
    {
        var bgr = ImagePreprocessor.ToBgr8(image, long.MaxValue, out var owned);
        return owned ? bgr : bgr.Clone();
    }
}
