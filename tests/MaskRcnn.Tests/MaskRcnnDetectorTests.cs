using MaskRcnn.Synthetic;
using OpenCvSharp;

namespace MaskRcnn.Tests;

/// <summary>The detector end to end through real OpenCV on synthetic models and scenes with known answers.</summary>
[Collection(SyntheticModelsDefinition.Name)]
public sealed class MaskRcnnDetectorTests(SyntheticModels models)
{
    /// <summary>
    /// A scene of grid-aligned shapes for an image of the given size: boxes are whole multiples of the model's
    /// 16-pixel input grid (five cells, so coordinates stay whole pixels for every size used here).
    /// </summary>
    private static Scene GridScene(int width, int height, Size input, SyntheticModelOptions model, SceneBackground background = SceneBackground.Dark)
    {
        var cx = 16.0 * width / input.Width;
        var cy = 16.0 * height / input.Height;
        Rect Cells(int x, int y, int w, int h) =>
            new((int)Math.Round(x * cx), (int)Math.Round(y * cy), (int)Math.Round((x + w) * cx) - (int)Math.Round(x * cx), (int)Math.Round((y + h) * cy) - (int)Math.Round(y * cy));
        var bands = model.ResolvedBandClassIds.Count;
        var gx = input.Width / 16;
        var gy = input.Height / 16;
        return new SceneBuilder(width, height, model)
            .WithBackground(background, seed: width + height)
            .AddRectangle(Cells(5, 5, 10, 5), band: 0)
            .AddRectangle(Cells(gx - 15, 5, 10, 15), band: 1 % bands)
            .AddEllipse(Cells(5, gy - 20, 20, 15), band: 2 % bands)
            .AddRectangle(Cells(gx - 15, gy - 15, 5, 10), band: 0)
            .Build();
    }

    private static void AssertMatches(Scene scene, DetectionResult result, LabelMap labels)
    {
        Assert.Equal(scene.Width, result.ImageWidth);
        Assert.Equal(scene.Height, result.ImageHeight);
        Assert.Equal(scene.Objects.Count, result.Instances.Count);
        Assert.Equal(
            scene.Objects.GroupBy(o => o.ClassId).ToDictionary(g => g.Key, g => g.Count()).OrderBy(p => p.Key),
            result.Instances.GroupBy(i => i.ClassId).ToDictionary(g => g.Key, g => g.Count()).OrderBy(p => p.Key));
        foreach (var truth in scene.Objects)
        {
            var match = result.Instances.MaxBy(i => Geometry.BoxIoU(i.Box, truth.Box))!;
            Assert.Equal(truth.ClassId, match.ClassId);
            Assert.Equal(labels.NameOf(truth.ClassId), match.Label);
            Assert.InRange(match.Score, float.Epsilon, 1f);
            var maskIoU = Geometry.MaskIoU(truth.Mask, match.FullMask());
            if (truth.Shape == SceneShape.Rectangle)
            {
                Assert.True(Geometry.BoxIoU(truth.Box, match.Box) >= 0.99, $"box {match.Box} vs truth {truth.Box}");
                Assert.True(maskIoU >= 0.99, $"rectangle mask IoU {maskIoU:F4} for {truth.Box}");
            }
            else
            {
                Assert.True(maskIoU >= 0.9, $"ellipse mask IoU {maskIoU:F4} for {truth.Box}");
            }
        }
    }

    [Theory]
    [InlineData(800, 800, false)]
    [InlineData(640, 480, false)]
    [InlineData(1280, 720, false)]
    [InlineData(1600, 1200, false)]
    [InlineData(800, 800, true)]
    [InlineData(1280, 720, true)]
    public void Finds_every_object_with_its_class_box_and_mask_at_a_fixed_input_size(int width, int height, bool ninety)
    {
        using var detector = models.Load(ninety);
        var model = ninety ? models.Ninety : models.Three;
        var scene = GridScene(width, height, new Size(800, 800), model.Options, SceneBackground.Noisy);
        using var image = scene.ToMat();

        var result = detector.Detect(image);

        AssertMatches(scene, result, detector.Labels!);
        Assert.Equal((800, 800), (result.InputWidth, result.InputHeight));
    }

    [Theory]
    [InlineData(1200, 800, 1200, 800)]
    [InlineData(1600, 1000, 1280, 800)]
    public void Finds_every_object_in_keep_aspect_mode(int width, int height, int inputWidth, int inputHeight)
    {
        var options = MaskRcnnOptions.Default with { DefaultDetectOptions = DetectOptions.Default with { InputMode = InputSizeMode.KeepAspect } };
        using var detector = models.Load(options: options);
        var scene = GridScene(width, height, new Size(inputWidth, inputHeight), models.Three.Options);
        using var image = scene.ToMat();

        var result = detector.Detect(image);

        Assert.Equal((inputWidth, inputHeight), (result.InputWidth, result.InputHeight));
        AssertMatches(scene, result, detector.Labels!);
    }

    [Fact]
    public void Full_image_masks_are_exact_for_objects_touching_the_image_border()
    {
        using var detector = models.Load();
        var scene = new SceneBuilder(800, 800, models.Three.Options)
            .AddRectangle(new Rect(0, 0, 160, 96), 0)
            .AddRectangle(new Rect(640, 320, 160, 480), 1)
            .AddRectangle(new Rect(0, 704, 320, 96), 2)
            .Build();
        using var image = scene.ToMat();

        var result = detector.Detect(image);

        AssertMatches(scene, result, detector.Labels!);
        var corner = result.Instances.Single(i => i.ClassId == 1).FullMask();
        Assert.Equal(1, corner[799 * 800 + 799]);
        Assert.Equal(0, corner[799 * 800 + 639]);
    }

    [Fact]
    public void An_empty_image_yields_no_instance()
    {
        using var detector = models.Load();
        var scene = new SceneBuilder(800, 600, models.Three.Options).WithBackground(SceneBackground.Noisy, 3).Build();
        using var image = scene.ToMat();
        Assert.Empty(detector.Detect(image).Instances);
    }

    [Fact]
    public void Reports_what_it_learned_about_the_model()
    {
        using var detector = models.Load();
        Assert.Equal(3, detector.NumClasses);
        Assert.Null(detector.MaskSize);
        detector.Warmup();
        Assert.Equal(15, detector.MaskSize);
        Assert.Equal("image_tensor", MaskRcnnDetector.InputName);
        Assert.Equal(InferenceDevice.Cpu, detector.Device);
        Assert.Null(detector.FallbackReason);
        Assert.Equal(models.ThreeFiles.Weights, detector.ModelName);
    }

    [Fact]
    public void The_three_model_forms_and_byte_and_stream_loading_give_identical_results()
    {
        var scene = GridScene(800, 600, new Size(800, 800), models.Three.Options, SceneBackground.Noisy);
        using var image = scene.ToMat();
        var labels = LabelMap.Load(models.ThreeFiles.Labels);
        using var split = MaskRcnnDetector.Load(models.ThreeFiles.Weights, models.ThreeFiles.TextGraph, labels);
        using var frozen = MaskRcnnDetector.Load(models.ThreeFiles.FrozenGraph, null, labels);
        using var bytes = MaskRcnnDetector.Load(File.ReadAllBytes(models.ThreeFiles.Weights), File.ReadAllBytes(models.ThreeFiles.TextGraph), labels);
        using var pbStream = File.OpenRead(models.ThreeFiles.FrozenGraph);
        using var streamed = MaskRcnnDetector.Load(ModelInput.FromStream(pbStream, "demo frozen graph"), null, labels);
        Assert.Equal(models.ThreeFiles.Weights, split.ModelName);
        Assert.Equal("model bytes", bytes.ModelName);
        Assert.Equal("demo frozen graph", streamed.ModelName);

        var reference = Describe(split.Detect(image));
        Assert.NotEmpty(reference);
        Assert.Equal(reference, Describe(frozen.Detect(image)));
        Assert.Equal(reference, Describe(bytes.Detect(image)));
        Assert.Equal(reference, Describe(streamed.Detect(image)));
    }

    [Fact]
    public void Paths_bytes_and_streams_give_the_same_result_as_the_Mat()
    {
        using var detector = models.Load();
        var scene = GridScene(800, 600, new Size(800, 800), models.Three.Options);
        var path = models.TempFile("paths-bytes-streams.png");
        scene.Save(path);
        using var image = Cv2.ImRead(path);

        var reference = Describe(detector.Detect(image));
        Assert.Equal(scene.Objects.Count, reference.Count);
        Assert.Equal(reference, Describe(detector.Detect(path)));
        Assert.Equal(reference, Describe(detector.Detect(File.ReadAllBytes(path))));
        using var stream = File.OpenRead(path);
        Assert.Equal(reference, Describe(detector.Detect(ImageInput.FromStream(stream))));
    }

    [Fact]
    public void Gray_bgra_and_16_bit_inputs_are_converted_and_the_input_is_never_modified()
    {
        using var detector = models.Load();
        var scene = GridScene(800, 600, new Size(800, 800), models.Three.Options);
        using var bgr = scene.ToMat();
        using var before = bgr.Clone();
        var reference = Describe(detector.Detect(bgr));
        Assert.Equal(0, Cv2.Norm(bgr, before, NormTypes.L1));

        using var gray = new Mat();
        Cv2.CvtColor(bgr, gray, ColorConversionCodes.BGR2GRAY);
        using var bgra = new Mat();
        Cv2.CvtColor(bgr, bgra, ColorConversionCodes.BGR2BGRA);
        using var sixteen = new Mat();
        bgr.ConvertTo(sixteen, MatType.CV_16UC3, 257);
        using var grayBefore = gray.Clone();

        Assert.Equal(reference, Describe(detector.Detect(gray)));
        Assert.Equal(reference, Describe(detector.Detect(bgra)));
        Assert.Equal(reference, Describe(detector.Detect(sixteen)));
        Assert.Equal(0, Cv2.Norm(gray, grayBefore, NormTypes.L1));
    }

    [Fact]
    public void Bad_images_get_typed_errors()
    {
        using var detector = models.Load();
        using var empty = new Mat();
        Assert.Throws<InvalidImageException>(() => detector.Detect(empty));
        var corrupt = new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 4, 5 };
        Assert.Contains("not a decodable image", Assert.Throws<InvalidImageException>(() => detector.Detect(corrupt)).Message);
        Assert.Throws<InvalidImageException>(() => detector.Detect(Array.Empty<byte>()));
        Assert.Throws<ImageNotFoundException>(() => detector.Detect(models.TempFile("no-such-image.png")));
        using var floats = new Mat(10, 10, MatType.CV_32FC3, Scalar.All(0.5));
        Assert.Contains("ConvertTo", Assert.Throws<InvalidImageException>(() => detector.Detect(floats)).Message);
        using var huge = new Mat(100, 100, MatType.CV_8UC3, Scalar.All(0));
        using var limited = models.Load(options: MaskRcnnOptions.Default with { MaxImagePixels = 5000 });
        Assert.Contains("MaxImagePixels", Assert.Throws<InvalidImageException>(() => limited.Detect(huge)).Message);
    }

    [Fact]
    public void One_bad_image_does_not_end_a_batch()
    {
        using var detector = models.Load();
        var scene = GridScene(800, 600, new Size(800, 800), models.Three.Options);
        var good = models.TempFile("batch-good.png");
        scene.Save(good);
        var bad = models.TempFile("batch-bad.png");
        File.WriteAllBytes(bad, [1, 2, 3]);

        var outcomes = detector.DetectBatch([good, bad, models.TempFile("batch-missing.png"), good]);

        Assert.Equal([true, false, false, true], outcomes.Select(o => o.Succeeded));
        Assert.IsType<InvalidImageException>(outcomes[1].Error);
        Assert.IsType<ImageNotFoundException>(outcomes[2].Error);
        Assert.Equal(scene.Objects.Count, outcomes[3].Result!.Instances.Count);
        Assert.Equal(bad, outcomes[1].Source);
    }

    [Fact]
    public void A_disposed_detector_throws_ObjectDisposedException()
    {
        var detector = models.Load();
        detector.Dispose();
        detector.Dispose();
        using var image = new Mat(100, 100, MatType.CV_8UC3, Scalar.All(0));
        Assert.Throws<ObjectDisposedException>(() => detector.Detect(image));
    }

    internal static List<string> Describe(DetectionResult result) =>
        result.Instances.Select(i => $"{i.DetectionIndex}:{i.ClassId}:{i.Score:R}:{i.Box}:{i.Area}:{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(i.BoxMask))}").ToList();

    [Fact]
    public void One_loaded_detector_serves_a_threshold_sweep_and_native_size_images_of_mixed_sizes()
    {
        using var detector = models.Load();
        var labels = LabelMap.Load(models.ThreeFiles.Labels);

        // Native size: each image fed at its own size, multiples of 16 or not, through the same net.
        var native = DetectOptions.Default with { InputMode = InputSizeMode.Native };
        foreach (var (width, height) in new[] { (800, 600), (817, 611), (1024, 768), (671, 603), (1280, 720) })
        {
            var scene = GridScene(width, height, new Size(width, height), models.Three.Options);
            using var image = scene.ToMat();
            var result = detector.Detect(image, native);
            Assert.Equal((width, height), (result.InputWidth, result.InputHeight));
            AssertMatches(scene, result, labels);
        }

        // A sweep over score and mask thresholds, class filters and instance limits, on one scene, the same net.
        var sweepScene = GridScene(800, 600, new Size(800, 800), models.Three.Options);
        using var sweepImage = sweepScene.ToMat();
        var all = detector.Detect(sweepImage, DetectOptions.Default with { ScoreThreshold = 0 });
        Assert.Equal(sweepScene.Objects.Count, all.Instances.Count);
        var scores = all.Instances.Select(i => i.Score).Distinct().Order().ToList();
        foreach (var threshold in scores.Concat([0f, 0.3f, 1f]))
        {
            var kept = detector.Detect(sweepImage, DetectOptions.Default with { ScoreThreshold = threshold });
            Assert.Equal(all.Instances.Where(i => i.Score >= threshold).Select(i => (i.ClassId, i.Box)), kept.Instances.Select(i => (i.ClassId, i.Box)));
        }
        var previousArea = long.MaxValue;
        foreach (var maskThreshold in new[] { 0.05f, 0.3f, 0.5f, 0.7f, 0.95f })
        {
            var area = detector.Detect(sweepImage, DetectOptions.Default with { MaskThreshold = maskThreshold }).Instances.Sum(i => (long)i.Area);
            Assert.True(area <= previousArea, $"mask threshold {maskThreshold}: area {area} grew from {previousArea}");
            previousArea = area;
        }
        var onlyClass = detector.Detect(sweepImage, DetectOptions.Default with { ClassIds = new HashSet<int> { 0 } });
        Assert.Equal(sweepScene.Objects.Count(o => o.ClassId == 0), onlyClass.Instances.Count);
        Assert.All(onlyClass.Instances, i => Assert.Equal(0, i.ClassId));
        Assert.Single(detector.Detect(sweepImage, DetectOptions.Default with { MaxInstances = 1 }).Instances);
        // A call without options keeps the detector's defaults.
        Assert.Equal(all.Instances.Count(i => i.Score >= 0.5f), detector.Detect(sweepImage).Instances.Count);
    }
}
