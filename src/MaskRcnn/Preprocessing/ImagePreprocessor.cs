using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace MaskRcnn.Preprocessing;

/// <summary>Brings any supported image to 8-bit BGR and builds the network's input blob. Never modifies the input.</summary>
internal static class ImagePreprocessor
{
    /// <summary>Checks the image and returns it as 8-bit BGR: the input itself when it already is, else a new Mat.</summary>
    public static Mat ToBgr8(Mat image, long maxPixels, out bool owned)
    {
        ArgumentNullException.ThrowIfNull(image);
        ObjectDisposedException.ThrowIf(image.IsDisposed, image);
        if (image.Empty()) throw new InvalidImageException("The image is empty (0 pixels). Check that it was read successfully.");
        if (image.Dims != 2) throw new InvalidImageException($"The image has {image.Dims} dimensions; an image Mat has 2.");
        var (w, h) = (image.Width, image.Height);
        if ((long)w * h > maxPixels)
            throw new InvalidImageException($"The image is {w}x{h} = {(long)w * h} pixels, more than the limit of {maxPixels} (MaskRcnnOptions.MaxImagePixels). Downscale it first, or raise the limit.");
        var depth = image.Depth();
        var channels = image.Channels();
        if (channels is not (1 or 3 or 4))
            throw new InvalidImageException($"The image has {channels} channels; use 1 (gray), 3 (BGR) or 4 (BGRA).");

        owned = false;
        var current = image;
        if (depth == MatType.CV_16U)
        {
            var eight = new Mat();
            current.ConvertTo(eight, MatType.MakeType(MatType.CV_8U, channels), 1.0 / 257.0);
            current = eight;
            owned = true;
        }
        else if (depth != MatType.CV_8U)
        {
            throw new InvalidImageException(
                $"The image has pixel type {image.Type()}; use 8-bit or 16-bit unsigned pixels (e.g. convert floats in 0..1 with ConvertTo(dst, MatType.CV_8UC3, 255)).");
        }

        if (channels == 3) return current;
        var bgr = new Mat();
        Cv2.CvtColor(current, bgr, channels == 1 ? ColorConversionCodes.GRAY2BGR : ColorConversionCodes.BGRA2BGR);
        if (owned) current.Dispose();
        owned = true;
        return bgr;
    }

    /// <summary>The NCHW float blob of pixel values 0..255 the TF Object Detection API graphs expect.</summary>
    public static Mat Blob(Mat bgr, Size inputSize, bool swapRB) =>
        CvDnn.BlobFromImage(bgr, 1.0, inputSize, new Scalar(), swapRB, crop: false);
}
