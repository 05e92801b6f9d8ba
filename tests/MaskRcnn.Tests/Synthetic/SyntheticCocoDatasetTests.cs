using MaskRcnn.Coco;
using MaskRcnn.Synthetic;
using MaskRcnn.Tests.Models;
using OpenCvSharp;

namespace MaskRcnn.Tests.Synthetic;

public sealed class SyntheticCocoDatasetTests
{
    private static SyntheticCocoDatasetOptions Small(int images, double polygons = 0, double crowds = 0) => new()
    {
        ImageCount = images,
        Scenes = new SceneGeneratorOptions { ImageSize = new Size(320, 240), InputSize = new Size(320, 240), MaxCells = 6 },
        MinObjects = 1,
        MaxObjects = 5,
        PolygonFraction = polygons,
        CrowdFraction = crowds,
    };

    [Fact]
    public void Annotations_are_exactly_the_drawn_pixels_of_each_object()
    {
        using var temp = new TempFolder();
        var files = SyntheticCocoDataset.Write(temp.Path, Small(10, polygons: 0.5, crowds: 0.2), seed: 5);

        var dataset = CocoDataset.Load(files.AnnotationsPath);
        Assert.Equal(Path.Combine(temp.Path, "instances.json"), files.AnnotationsPath);
        Assert.Equal(Path.Combine(temp.Path, "images"), files.ImagesFolder);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), dataset.Images.Select(i => i.Id));
        Assert.All(dataset.Images, i => Assert.Equal((320, 240, $"{i.Id:D6}.png"), (i.Width, i.Height, i.FileName)));
        Assert.Equal([(1L, "dim"), (2L, "medium"), (3L, "bright")], dataset.Categories.Select(c => (c.Id, c.Name)));
        Assert.Equal(files.AnnotationCount, dataset.Annotations.Count);
        Assert.Equal(Enumerable.Range(1, files.AnnotationCount).Select(i => (long)i), dataset.Annotations.Select(a => a.Id));
        Assert.Equal(files.CrowdCount, dataset.Annotations.Count(a => a.IsCrowd));
        Assert.Equal(files.PolygonCount, dataset.Annotations.Count(a => a.Segmentation!.Kind == CocoSegmentationKind.Polygons));
        // Ten images with 1..5 objects each, half the rectangles as polygons and a fifth of the objects crowds: some of each.
        Assert.InRange(files.AnnotationCount, 10, 50);
        Assert.InRange(files.PolygonCount, 1, files.AnnotationCount - 1);
        Assert.InRange(files.CrowdCount, 1, files.AnnotationCount - 1);

        foreach (var image in dataset.Images)
        {
            using var pixels = Cv2.ImRead(Path.Combine(files.ImagesFolder, image.FileName), ImreadModes.Grayscale);
            Assert.Equal((320, 240), (pixels.Width, pixels.Height));
            Assert.True(pixels.GetArray(out byte[] gray));
            var covered = new int[gray.Length];
            foreach (var a in dataset.Annotations.Where(a => a.ImageId == image.Id))
            {
                var kind = a.Segmentation!.Kind;
                Assert.Equal(a.IsCrowd ? CocoSegmentationKind.UncompressedRle : kind == CocoSegmentationKind.Polygons ? kind : CocoSegmentationKind.Rle, kind);
                var rle = a.Segmentation.ToRle(240, 320);
                Assert.Equal(a.Area, rle.Area());
                Assert.Equal(rle.ToBoundingBox(), a.Bbox);
                if (kind == CocoSegmentationKind.Polygons)
                    Assert.Equal(a.Area, a.Bbox!.Value.Area); // only rectangles get polygons
                var mask = rle.Decode();
                var expected = SyntheticPalette.Gray((int)a.CategoryId - 1, 3);
                for (var p = 0; p < mask.Length; p++)
                {
                    if (mask[p] == 0) continue;
                    covered[p]++;
                    Assert.Equal(expected, gray[p]);
                }
            }
            // Every pixel that is not background belongs to exactly one annotation, and no background pixel to any.
            for (var p = 0; p < gray.Length; p++)
                Assert.Equal(gray[p] == SceneBuilder.DarkGray ? 0 : 1, covered[p]);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_bytes_and_more_images_keep_the_first_ones()
    {
        using var temp = new TempFolder();
        string Folder(string name) => Path.Combine(temp.Path, name);
        var a = SyntheticCocoDataset.Write(Folder("a"), Small(6, 0.5, 0.2), seed: 3);
        var b = SyntheticCocoDataset.Write(Folder("b"), Small(6, 0.5, 0.2), seed: 3);
        var shorter = SyntheticCocoDataset.Write(Folder("shorter"), Small(4, 0.5, 0.2), seed: 3);
        var plain = SyntheticCocoDataset.Write(Folder("plain"), Small(6), seed: 3);
        var other = SyntheticCocoDataset.Write(Folder("other"), Small(6, 0.5, 0.2), seed: 4);

        byte[] Image(SyntheticCocoDatasetFiles files, int id) => File.ReadAllBytes(Path.Combine(files.ImagesFolder, SyntheticCocoDataset.ImageFileName(id)));
        Assert.Equal(File.ReadAllBytes(a.AnnotationsPath), File.ReadAllBytes(b.AnnotationsPath));
        for (var id = 1; id <= 6; id++)
        {
            Assert.Equal(Image(a, id), Image(b, id));
            Assert.Equal(Image(a, id), Image(plain, id)); // polygon and crowd choices leave the images alone
            if (id <= 4) Assert.Equal(Image(a, id), Image(shorter, id));
        }
        Assert.Equal(6, Directory.GetFiles(a.ImagesFolder).Length);
        Assert.Equal(0, plain.PolygonCount + plain.CrowdCount);
        Assert.Equal(a.AnnotationCount, plain.AnnotationCount);
        Assert.NotEqual(File.ReadAllBytes(a.AnnotationsPath), File.ReadAllBytes(other.AnnotationsPath));
        Assert.NotEqual(Image(a, 1), Image(other, 1));
    }

    [Fact]
    public void Ninety_class_scenes_get_the_eighty_coco_categories()
    {
        using var temp = new TempFolder();
        var options = new SyntheticCocoDatasetOptions
        {
            ImageCount = 3,
            Scenes = new SceneGeneratorOptions { ImageSize = new Size(400, 400), InputSize = new Size(400, 400), Model = new SyntheticModelOptions { NumClasses = 90 } },
        };
        var dataset = CocoDataset.Load(SyntheticCocoDataset.Write(temp.Path, options, seed: 1).AnnotationsPath);

        Assert.Equal(80, dataset.Categories.Count);
        Assert.Equal(90, dataset.Categories[^1].Id);
        Assert.Equal("toothbrush", dataset.Categories[^1].Name);
        Assert.DoesNotContain(dataset.Categories, c => c.Id == 12 || c.Name == "N/A");
        Assert.NotEmpty(dataset.Annotations);
        Assert.All(dataset.Annotations, a => Assert.Contains(a.CategoryId, new long[] { 1, 3, 18 })); // person, car, dog
    }

    [Fact]
    public void Images_without_objects_are_allowed_and_crowded_layouts_are_retried()
    {
        using var temp = new TempFolder();
        var empty = SyntheticCocoDataset.Write(Path.Combine(temp.Path, "empty"), Small(3) with { MinObjects = 0, MaxObjects = 0 }, seed: 1);
        Assert.Equal(0, empty.AnnotationCount);
        Assert.Equal(3, CocoDataset.Load(empty.AnnotationsPath).Images.Count);

        // Six objects of up to 12 cells do not always fit on a 20 x 20 cell grid; another layout is tried.
        var dense = new SyntheticCocoDatasetOptions
        {
            ImageCount = 20,
            Scenes = new SceneGeneratorOptions { ImageSize = new Size(320, 320), InputSize = new Size(320, 320) },
            MinObjects = 6,
            MaxObjects = 6,
        };
        Assert.Equal(120, SyntheticCocoDataset.Write(Path.Combine(temp.Path, "dense"), dense, seed: 1).AnnotationCount);

        var impossible = dense with { MinObjects = 40, MaxObjects = 40 };
        var e = Assert.Throws<InvalidOperationException>(() => SyntheticCocoDataset.Write(Path.Combine(temp.Path, "impossible"), impossible, seed: 1));
        Assert.StartsWith("Image 1: 40 objects did not fit in 100 scenes", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(temp.Path, "impossible", "instances.json")));
        Assert.False(File.Exists(Path.Combine(temp.Path, "impossible", "instances.json.partial")));
    }

    [Fact]
    public void Progress_is_reported_per_image_and_cancelling_leaves_no_annotations_file()
    {
        using var temp = new TempFolder();
        var reports = new List<int>();
        SyntheticCocoDataset.Write(temp.Path, Small(4), 2, new SynchronousProgress(reports.Add));
        Assert.Equal([1, 2, 3, 4], reports);

        var folder = Path.Combine(temp.Path, "cancelled");
        using var cancellation = new CancellationTokenSource();
        var seen = 0;
        Assert.Throws<OperationCanceledException>(() => SyntheticCocoDataset.Write(folder, Small(10), 2,
            new SynchronousProgress(n => { seen = n; if (n == 3) cancellation.Cancel(); }), cancellation.Token));
        Assert.Equal(3, seen);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(folder, "images")).Length);
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Theory]
    [InlineData(-1, 1, 6, 0, 0, "ImageCount")]
    [InlineData(5, 3, 2, 0, 0, "MinObjects")]
    [InlineData(5, 1, 6, 1.5, 0, "PolygonFraction")]
    [InlineData(5, 1, 6, 0, -0.1, "CrowdFraction")]
    [InlineData(5, 1, 6, double.NaN, 0, "PolygonFraction")]
    public void Invalid_options_are_rejected_by_name(int images, int min, int max, double polygons, double crowds, string name)
    {
        var options = new SyntheticCocoDatasetOptions { ImageCount = images, MinObjects = min, MaxObjects = max, PolygonFraction = polygons, CrowdFraction = crowds };
        var e = Assert.Throws<ArgumentException>(() => SyntheticCocoDataset.Write(Path.Combine(Path.GetTempPath(), "never-written"), options));
        Assert.Equal(name, e.ParamName);
    }

    [Fact]
    public void Labels_must_name_every_class_the_scenes_contain()
    {
        Assert.Equal("Labels", Assert.Throws<ArgumentException>(() => new SyntheticCocoDatasetOptions { Labels = ["a", "b"] }.Validate()).ParamName);
        var e = Assert.Throws<ArgumentException>(() => new SyntheticCocoDatasetOptions { Labels = ["a", "N/A", "c"] }.Validate());
        Assert.Contains("Class 1", e.Message, StringComparison.Ordinal);
        var options = Small(1);
        Assert.Same(options, options.Validate());
    }

    [Fact]
    public void Custom_labels_name_the_categories_and_an_empty_dataset_is_valid()
    {
        using var temp = new TempFolder();
        var files = SyntheticCocoDataset.Write(temp.Path, new SyntheticCocoDatasetOptions { ImageCount = 0, Labels = ["low", "mid", "high"] });
        var dataset = CocoDataset.Load(files.AnnotationsPath);
        Assert.Empty(dataset.Images);
        Assert.Empty(dataset.Annotations);
        Assert.Equal([(1L, "low"), (2L, "mid"), (3L, "high")], dataset.Categories.Select(c => (c.Id, c.Name)));
    }

    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
