using MaskRcnn.Coco;
using MaskRcnn.Postprocessing;

namespace MaskRcnn.Tests.Coco;

public sealed class InstanceCocoExtensionsTests
{
    [Theory]
    [InlineData(1, 0f, 0f, 1f, 1f)]
    [InlineData(2, 0.1f, 0.2f, 0.6f, 0.9f)]
    [InlineData(3, 0.5f, 0f, 1f, 0.3f)]
    [InlineData(4, 0f, 0.7f, 0.05f, 1f)]
    public void The_rle_built_from_the_box_mask_equals_encoding_the_full_mask(int seed, float x1, float y1, float x2, float y2)
    {
        var random = new Random(seed);
        const int size = 9;
        var detections = new float[] { 0, 0, 0.9f, x1, y1, x2, y2 };
        var masks = Enumerable.Range(0, size * size).Select(_ => (float)random.NextDouble()).ToArray();
        var instance = Assert.Single(MaskRcnnPostprocessor.Decode(detections, masks, 1, size, 57, 43, DetectOptions.Default));

        var rle = instance.ToCocoRle();
        var expected = CocoRle.Encode(instance.FullMask(), 43, 57);

        Assert.Equal(expected.ToCompressedString(), rle.ToCompressedString());
        Assert.Equal(instance.Area, rle.Area());
        var result = instance.ToCocoResult(7, 18);
        Assert.Equal((7L, 18L), (result.ImageId, result.CategoryId));
        Assert.Equal(instance.BoxF.X1, result.Bbox!.Value.X, 5);
        Assert.Equal(instance.BoxF.Width, result.Bbox!.Value.Width, 5);
    }
}
