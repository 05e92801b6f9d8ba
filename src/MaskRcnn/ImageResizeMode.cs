namespace MaskRcnn;

/// <summary>How an image is resized to the network input.</summary>
public enum ImageResizeMode
{
    /// <summary>To a fixed size (<see cref="MaskRcnnOptions.ImageSize"/>, 800x800 by default, as OpenCV's sample).</summary>
    Fixed,
    /// <summary>Keeping the aspect ratio: the short side to <see cref="MaskRcnnOptions.ImageMinDim"/> unless the long
    /// side would pass <see cref="MaskRcnnOptions.ImageMaxDim"/> (TF's keep_aspect_ratio_resizer, 800/1365).</summary>
    KeepAspect,
}
