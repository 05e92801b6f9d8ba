namespace MaskRcnn;

/// <summary>How an image is sized for the network input.</summary>
public enum InputSizeMode
{
    /// <summary>Resized to a fixed size (<see cref="DetectOptions.InputSize"/>, 800x800 by default, as OpenCV's sample).</summary>
    Fixed,

    /// <summary>Resized keeping the aspect ratio: the short side to <see cref="DetectOptions.ImageMinDim"/> unless the
    /// long side would pass <see cref="DetectOptions.ImageMaxDim"/> (TF's keep_aspect_ratio_resizer, 800/1365).</summary>
    KeepAspect,

    /// <summary>
    /// Fed at its own size, without resizing. OpenCV runs the text graphs of TF Object Detection API Mask R-CNN models
    /// at any size: the first stage's anchors are placed every 16 input pixels and normalised by the input size, so no
    /// rounding to a multiple of 16 or 32 is needed (measured with the synthetic graphs, which use the same layers, from
    /// 1x1 to 817x611: sizes that are not multiples of 16 gave the same boxes). The cost of the forward pass grows with
    /// the image's pixel count.
    /// </summary>
    Native,
}
