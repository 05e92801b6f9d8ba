using System.Runtime.InteropServices;
using MaskRcnn.Synthetic;
using OpenCvSharp;

namespace MaskRcnn.Tests.Synthetic;

public sealed class SceneBuilderTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "maskrcnn-scenes-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Pixels_are_the_background_except_where_a_mask_says_an_object_is_drawn_in_its_band_gray()
    {
        var scene = new SceneBuilder(320, 240)
            .AddRectangle(new Rect(16, 16, 64, 48), 0)
            .AddEllipse(new Rect(112, 32, 96, 64), 1)
            .AddPolygon([new Point(240, 20), new Point(300, 100), new Point(230, 180)], 2)
            .Build();

        byte[] grays = [SyntheticPalette.Gray(0, 3), SyntheticPalette.Gray(1, 3), SyntheticPalette.Gray(2, 3)];
        Assert.True(SyntheticPalette.BackgroundMax < grays[0] && grays[0] < grays[1] && grays[1] < grays[2], string.Join(",", grays));
        for (var p = 0; p < scene.Width * scene.Height; p++)
        {
            var owner = scene.Objects.Select((o, i) => (o, i)).Where(t => t.o.Mask[p] == 1).Select(t => t.i).ToList();
            Assert.True(owner.Count <= 1, $"pixel {p} belongs to {owner.Count} objects");
            var expected = owner.Count == 0 ? SceneBuilder.DarkGray : grays[scene.Objects[owner[0]].Band];
            for (var c = 0; c < 3; c++)
                if (scene.Bgr[p * 3 + c] != expected) Assert.Fail($"pixel {p} channel {c}: {scene.Bgr[p * 3 + c]}, expected {expected}");
        }
        Assert.All(scene.Objects, o => Assert.Equal(o.Mask.Count(b => b == 1), o.Area));
        Assert.All(scene.Objects, o => Assert.All(o.Mask, b => Assert.True(b <= 1)));
    }

    [Fact]
    public void Masks_equal_the_same_OpenCV_drawing_calls_made_directly_on_a_color_image()
    {
        var scene = new SceneBuilder(400, 300).WithBackground(SceneBackground.Black)
            .AddRectangle(new Rect(10, 20, 100, 60), 0)
            .AddEllipse(new Rect(150, 40, 161, 97), 2)
            .AddPolygon([new Point(30, 150), new Point(180, 170), new Point(120, 290), new Point(40, 260)], 1)
            .Build();

        // Each shape drawn on its own black 3-channel image in white, Link8, filled.
        var expected = new List<byte[]>();
        foreach (var draw in new Action<Mat>[]
                 {
                     m => Cv2.Rectangle(m, new Point(10, 20), new Point(109, 79), Scalar.All(255), -1, LineTypes.Link8),
                     m => Cv2.Ellipse(m, new RotatedRect(new Point2f(230f, 88f), new Size2f(160, 96), 0), Scalar.All(255), -1, LineTypes.Link8),
                     m => Cv2.FillPoly(m, [[new Point(30, 150), new Point(180, 170), new Point(120, 290), new Point(40, 260)]], Scalar.All(255), LineTypes.Link8),
                 })
        {
            using var m = new Mat(300, 400, MatType.CV_8UC3, Scalar.All(0));
            draw(m);
            var bgr = new byte[400 * 300 * 3];
            Marshal.Copy(m.Data, bgr, 0, bgr.Length);
            expected.Add(Enumerable.Range(0, 400 * 300).Select(p => bgr[p * 3] == 255 && bgr[p * 3 + 1] == 255 && bgr[p * 3 + 2] == 255 ? (byte)1 : (byte)0).ToArray());
        }

        for (var i = 0; i < 3; i++) Assert.Equal(expected[i], scene.Objects[i].Mask);
    }

    [Fact]
    public void Boxes_are_tight_around_the_drawn_pixels()
    {
        var scene = new SceneBuilder(800, 800)
            .AddRectangle(new Rect(160, 160, 160, 96), 0)
            .AddEllipse(new Rect(240, 464, 320, 192), 1)
            .AddEllipse(new Rect(600, 100, 33, 17), 2)
            .AddPolygon([new Point(500, 300), new Point(700, 350), new Point(520, 420)], 2)
            .Build();

        Assert.Equal(new Rect(160, 160, 160, 96), scene.Objects[0].Box);
        Assert.Equal(160 * 96, scene.Objects[0].Area);
        // The inscribed ellipse touches all four sides of its box.
        Assert.Equal(new Rect(240, 464, 320, 192), scene.Objects[1].Box);
        Assert.Equal(new Rect(600, 100, 33, 17), scene.Objects[2].Box);
        Assert.Equal(new Rect(500, 300, 201, 121), scene.Objects[3].Box);
        Assert.Equal(scene.Objects[3].Source.Box, scene.Objects[3].Box);
        foreach (var o in scene.Objects) AssertTight(o, scene.Width);
        // An ellipse covers about pi/4 of its box.
        Assert.InRange(scene.Objects[1].Area / (320.0 * 192), Math.PI / 4 - 0.01, Math.PI / 4 + 0.01);
    }

    [Fact]
    public void A_later_object_hides_an_earlier_one_and_takes_its_pixels()
    {
        var scene = new SceneBuilder(200, 200)
            .AddRectangle(new Rect(10, 10, 100, 100), 0)
            .AddRectangle(new Rect(60, 60, 100, 100), 2)
            .AddRectangle(new Rect(20, 20, 20, 20), 1)
            .AddRectangle(new Rect(15, 15, 30, 30), 2) // hides the previous one completely
            .Build();

        var (a, b, hidden, top) = (scene.Objects[0], scene.Objects[1], scene.Objects[2], scene.Objects[3]);
        Assert.Equal(100 * 100 - 50 * 50 - 30 * 30, a.Area);
        Assert.Equal(new Rect(10, 10, 100, 100), a.Box);
        Assert.Equal(100 * 100, b.Area);
        Assert.Equal(0, hidden.Area);
        Assert.Equal(default, hidden.Box);
        Assert.Equal(30 * 30, top.Area);
        Assert.Equal(0, a.Mask[70 * 200 + 70]);
        Assert.Equal(1, b.Mask[70 * 200 + 70]);
        Assert.Equal(SyntheticPalette.Gray(2, 3), scene.Bgr[(70 * 200 + 70) * 3]);
    }

    [Fact]
    public void Shapes_past_the_border_are_clipped_to_the_image()
    {
        var scene = new SceneBuilder(100, 80)
            .AddRectangle(new Rect(-20, 60, 50, 50), 0)
            .AddEllipse(new Rect(70, -30, 60, 60), 1)
            .Build();

        Assert.Equal(new Rect(0, 60, 30, 20), scene.Objects[0].Box);
        Assert.Equal(30 * 20, scene.Objects[0].Area);
        var e = scene.Objects[1].Box;
        Assert.Equal((70, 0, 100, 30), (e.X, e.Y, e.Right, e.Bottom));
        AssertTight(scene.Objects[1], scene.Width);
    }

    [Fact]
    public void Backgrounds_stay_at_or_below_the_background_maximum_and_noise_is_seeded()
    {
        var black = new SceneBuilder(64, 48).WithBackground(SceneBackground.Black).Build();
        var dark = new SceneBuilder(64, 48).WithBackground(SceneBackground.Dark).Build();
        Assert.All(black.Bgr, b => Assert.Equal(0, b));
        Assert.All(dark.Bgr, b => Assert.Equal(SceneBuilder.DarkGray, b));
        Assert.True(SceneBuilder.DarkGray <= SyntheticPalette.BackgroundMax);

        var noisy = new SceneBuilder(640, 480).WithBackground(SceneBackground.Noisy, seed: 5).Build();
        var again = new SceneBuilder(640, 480).WithBackground(SceneBackground.Noisy, seed: 5).Build();
        var other = new SceneBuilder(640, 480).WithBackground(SceneBackground.Noisy, seed: 6).Build();
        Assert.Equal(0, noisy.Bgr.Min());
        Assert.Equal(SyntheticPalette.BackgroundMax, noisy.Bgr.Max());
        Assert.Equal(noisy.Bgr, again.Bgr);
        Assert.NotEqual(noisy.Bgr, other.Bgr);
        // Roughly uniform: every level 0..60 appears, none more than twice as often as the average.
        var counts = new int[SyntheticPalette.BackgroundMax + 1];
        foreach (var b in noisy.Bgr) counts[b]++;
        var average = noisy.Bgr.Length / (double)counts.Length;
        Assert.All(counts, c => Assert.InRange(c, average / 2, average * 2));
        // The three channels are drawn independently.
        Assert.True(Enumerable.Range(0, 1000).Count(p => noisy.Bgr[p * 3] != noisy.Bgr[p * 3 + 1]) > 900);
    }

    [Fact]
    public void Class_ids_follow_the_models_band_mapping()
    {
        var coco = new SceneBuilder(100, 100, new SyntheticModelOptions { NumClasses = 90 })
            .AddRectangle(new Rect(0, 0, 10, 10), 0)
            .AddRectangle(new Rect(20, 0, 10, 10), 1)
            .AddRectangle(new Rect(40, 0, 10, 10), 2)
            .Build();
        Assert.Equal([0, 2, 17], coco.Objects.Select(o => o.ClassId));

        var custom = new SceneBuilder(100, 100, new SyntheticModelOptions { NumClasses = 5, BandClassIds = [4, 1] });
        Assert.Equal(2, custom.BandCount);
        var scene = custom.AddRectangle(new Rect(0, 0, 10, 10), 1).AddRectangle(new Rect(20, 0, 10, 10), 0).Build();
        Assert.Equal([1, 4], scene.Objects.Select(o => o.ClassId));
        Assert.Equal(SyntheticPalette.Gray(1, 2), scene.Bgr[0]);
        Assert.Equal(SyntheticPalette.Gray(0, 2), scene.Bgr[20 * 3]);
    }

    [Fact]
    public void ToMat_copies_the_pixels_and_Save_writes_a_lossless_png()
    {
        var scene = SceneGenerator.Random(new SceneGeneratorOptions
        {
            ImageSize = new Size(333, 211),
            CellSize = new Size2d(16, 16),
            ObjectCount = 3,
            Background = SceneBackground.Noisy,
        }, 3);

        using (var mat = scene.ToMat())
        {
            Assert.Equal(new Size(333, 211), mat.Size());
            Assert.Equal(MatType.CV_8UC3, mat.Type());
            Assert.Equal(scene.Bgr, ReadBytes(mat));
            mat.SetTo(Scalar.All(255));
        }
        Assert.NotEqual((byte)255, scene.Bgr.Min());

        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "scene.png");
        scene.Save(path);
        using (var read = Cv2.ImRead(path, ImreadModes.Color))
            Assert.Equal(scene.Bgr, ReadBytes(read));
        using (var mask = scene.MaskMat(1))
        {
            Assert.Equal(MatType.CV_8UC1, mask.Type());
            Assert.Equal(scene.Objects[1].Mask, ReadBytes(mask));
        }

        Assert.Throws<ArgumentException>(() => scene.Save(Path.Combine(_directory, "scene.jpg")));
    }

    [Fact]
    public void Invalid_objects_are_rejected_when_added()
    {
        var builder = new SceneBuilder(100, 100);
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddRectangle(new Rect(0, 0, 10, 10), 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddEllipse(new Rect(0, 0, 10, 10), -1));
        Assert.Throws<ArgumentException>(() => builder.AddRectangle(new Rect(0, 0, 0, 10), 0));
        Assert.Throws<ArgumentException>(() => builder.AddPolygon([new Point(0, 0), new Point(5, 5)], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SceneBuilder(0, 10));
        Assert.Throws<ArgumentException>(() => new SceneBuilder(10, 10, new SyntheticModelOptions { NumClasses = 3, BandClassIds = [0, 3] }));
        Assert.Empty(builder.Objects);
    }

    private static void AssertTight(GroundTruthObject o, int width)
    {
        int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1;
        for (var p = 0; p < o.Mask.Length; p++)
        {
            if (o.Mask[p] == 0) continue;
            int x = p % width, y = p / width;
            minX = Math.Min(minX, x);
            maxX = Math.Max(maxX, x);
            minY = Math.Min(minY, y);
            maxY = Math.Max(maxY, y);
        }
        Assert.Equal(new Rect(minX, minY, maxX - minX + 1, maxY - minY + 1), o.Box);
    }

    private static byte[] ReadBytes(Mat mat)
    {
        var rows = mat.Rows;
        var rowBytes = mat.Cols * mat.ElemSize();
        var bytes = new byte[rowBytes * rows];
        for (var y = 0; y < rows; y++) Marshal.Copy(mat.Ptr(y), bytes, y * rowBytes, rowBytes);
        return bytes;
    }
}
