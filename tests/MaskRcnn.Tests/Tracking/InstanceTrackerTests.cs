using MaskRcnn.Tracking;
using OpenCvSharp;

namespace MaskRcnn.Tests.Tracking;

public sealed class InstanceTrackerTests
{
    private const int Width = 200;
    private const int Height = 100;

    /// <summary>An instance whose mask fills its box, or follows <paramref name="mask"/> (row-major over the box).</summary>
    private static Instance Make(int classId, Rect box, byte[]? mask = null, float score = 0.9f) =>
        new(0, classId, $"class {classId}", score, new BoxF(box.X, box.Y, box.X + box.Width, box.Y + box.Height), box,
            Width, Height, [1f], 1, mask ?? Enumerable.Repeat((byte)1, box.Width * box.Height).ToArray());

    private static DetectionResult Frame(params Instance[] instances) =>
        new(Width, Height, 800, 800, instances, default);

    [Fact]
    public void Mask_iou_counts_pixels_of_the_masks_not_of_the_boxes()
    {
        var a = Make(0, new Rect(0, 0, 10, 10));
        var b = Make(0, new Rect(5, 0, 10, 10));
        Assert.Equal(50.0 / 150.0, InstanceTracker.MaskIoU(a, b), 12);
        Assert.Equal(InstanceTracker.MaskIoU(a, b), InstanceTracker.MaskIoU(b, a), 12);
        Assert.Equal(1.0, InstanceTracker.MaskIoU(a, Make(1, new Rect(0, 0, 10, 10))), 12);
        Assert.Equal(0.0, InstanceTracker.MaskIoU(a, Make(0, new Rect(10, 0, 10, 10))));

        // b's left half empty: the boxes overlap by 50 pixels but the masks do not overlap at all.
        var rightHalf = new byte[100];
        for (var y = 0; y < 10; y++)
            for (var x = 5; x < 10; x++) rightHalf[y * 10 + x] = 1;
        var c = Make(0, new Rect(5, 0, 10, 10), rightHalf);
        Assert.Equal(0.0, InstanceTracker.MaskIoU(a, c));
        // Shifted left by 5 it covers a's right half: 50 shared of 100 + 50 - 50.
        Assert.Equal(0.5, InstanceTracker.MaskIoU(a, Make(0, new Rect(0, 0, 10, 10), rightHalf)), 12);

        var empty = Make(0, new Rect(0, 0, 10, 10), new byte[100]);
        Assert.Equal(0.0, InstanceTracker.MaskIoU(empty, empty));
    }

    [Fact]
    public void The_first_frame_numbers_its_instances_in_order()
    {
        var tracker = new InstanceTracker();
        var ids = tracker.Update(Frame(Make(0, new Rect(0, 0, 20, 20)), Make(1, new Rect(50, 0, 20, 20)), Make(0, new Rect(100, 0, 20, 20))));
        Assert.Equal([0, 1, 2], ids);
        Assert.Equal(3, tracker.IdCount);
        Assert.Equal(1, tracker.FrameCount);
    }

    [Fact]
    public void Moving_objects_keep_their_ids_whatever_order_the_detector_returns_them_in()
    {
        var tracker = new InstanceTracker();
        Assert.Equal([0, 1, 2], tracker.Update(Frame(
            Make(0, new Rect(0, 0, 20, 20)), Make(1, new Rect(50, 0, 20, 20)), Make(2, new Rect(100, 50, 30, 30)))));
        // Each moved by 4 pixels; the order of the instances is reversed.
        Assert.Equal([2, 1, 0], tracker.Update(Frame(
            Make(2, new Rect(104, 50, 30, 30)), Make(1, new Rect(54, 0, 20, 20)), Make(0, new Rect(4, 0, 20, 20)))));
        Assert.Equal([1, 0, 2], tracker.Update(Frame(
            Make(1, new Rect(58, 0, 20, 20)), Make(0, new Rect(8, 0, 20, 20)), Make(2, new Rect(108, 50, 30, 30)))));
        Assert.Equal(3, tracker.IdCount);
        Assert.Equal(3, tracker.FrameCount);
    }

    [Fact]
    public void Another_class_or_too_little_overlap_is_a_new_object()
    {
        var tracker = new InstanceTracker(minIoU: 0.5);
        Assert.Equal([0, 1], tracker.Update(Frame(Make(0, new Rect(0, 0, 20, 20)), Make(0, new Rect(100, 0, 20, 20)))));
        // Same place, other class: new id. Second object moved by 8 of 20 pixels: IoU 12/28 = 0.43 < 0.5, new id.
        Assert.Equal([2, 3], tracker.Update(Frame(Make(1, new Rect(0, 0, 20, 20)), Make(0, new Rect(108, 0, 20, 20)))));
        // Moved by 4 more: IoU 16/24 = 0.67, continues object 3.
        Assert.Equal([3], tracker.Update(Frame(Make(0, new Rect(112, 0, 20, 20)))));
    }

    [Fact]
    public void Pairs_are_taken_greedily_from_the_highest_iou_down()
    {
        var tracker = new InstanceTracker(minIoU: 0.1);
        Assert.Equal([0, 1], tracker.Update(Frame(Make(0, new Rect(0, 0, 20, 20)), Make(0, new Rect(14, 0, 20, 20)))));
        // The first new instance (x 8..27) overlaps object 0 with IoU 12/28 and object 1 with 14/26; the second
        // (x 24..43) overlaps only object 1, with 10/30. Greedy: the best pair (first, object 1) is taken first, so the
        // second instance is a new object, although pairing (first, object 0) and (second, object 1) would sum higher.
        Assert.Equal([1, 2], tracker.Update(Frame(Make(0, new Rect(8, 0, 20, 20)), Make(0, new Rect(24, 0, 20, 20)))));
    }

    [Fact]
    public void Ties_go_to_the_earlier_previous_instance()
    {
        var tracker = new InstanceTracker(minIoU: 0.1);
        tracker.Update(Frame(Make(0, new Rect(0, 0, 20, 20)), Make(0, new Rect(20, 0, 20, 20))));
        // Exactly between them: IoU 10/30 with each.
        Assert.Equal([0], tracker.Update(Frame(Make(0, new Rect(10, 0, 20, 20)))));
    }

    [Fact]
    public void A_vanished_object_that_comes_back_gets_a_new_id_and_ids_are_never_reused()
    {
        var tracker = new InstanceTracker();
        Assert.Equal([0, 1], tracker.Update(Frame(Make(0, new Rect(0, 0, 20, 20)), Make(1, new Rect(50, 0, 20, 20)))));
        Assert.Equal([1], tracker.Update(Frame(Make(1, new Rect(50, 0, 20, 20)))));
        Assert.Equal([2, 1], tracker.Update(Frame(Make(0, new Rect(0, 0, 20, 20)), Make(1, new Rect(50, 0, 20, 20)))));
        Assert.Empty(tracker.Update(Frame()));
        Assert.Equal([3], tracker.Update(Frame(Make(1, new Rect(50, 0, 20, 20)))));
        Assert.Equal(4, tracker.IdCount);
    }

    [Fact]
    public void Reset_starts_again_from_id_zero()
    {
        var tracker = new InstanceTracker();
        tracker.Update(Frame(Make(0, new Rect(0, 0, 20, 20)), Make(1, new Rect(50, 0, 20, 20))));
        tracker.Reset();
        Assert.Equal(0, tracker.FrameCount);
        Assert.Equal(0, tracker.IdCount);
        // Object 1 of before is not remembered: it is numbered as in a first frame.
        Assert.Equal([0], tracker.Update(Frame(Make(1, new Rect(50, 0, 20, 20)))));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void The_least_iou_must_be_in_zero_to_one(double minIoU) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new InstanceTracker(minIoU));
}
