using MaskRcnn.Coco;
using MaskRcnn.Synthetic;
using MaskRcnn.Tests.Models;
using OpenCvSharp;

namespace MaskRcnn.Tests.Coco;

/// <summary>
/// The bundled demo model run at a 320 x 320 network input, and small synthetic COCO datasets laid out on its grid
/// (320 x 320 images, so one cell of the proposal grid is 16 image pixels), written once per test class.
/// </summary>
public sealed class DemoCocoData : IDisposable
{
    public const int InputSide = 320;

    private readonly TempFolder _temp = new();

    public DemoCocoData()
    {
        Grid = SyntheticCocoDataset.Write(Path.Combine(Root, "grid"), Options(32, polygons: 0.3), seed: 11);
        GridDataset = CocoDataset.Load(Grid.AnnotationsPath);
    }

    public string Root => _temp.Path;

    /// <summary>32 images of rectangles and ellipses, about a third of the rectangles annotated as polygons, no crowds.</summary>
    public SyntheticCocoDatasetFiles Grid { get; }

    public CocoDataset GridDataset { get; }

    public static SyntheticCocoDatasetOptions Options(int images, double polygons = 0, double crowds = 0, SceneBackground background = SceneBackground.Dark) => new()
    {
        ImageCount = images,
        Scenes = new SceneGeneratorOptions
        {
            ImageSize = new Size(InputSide, InputSide),
            InputSize = new Size(InputSide, InputSide),
            MaxCells = 8,
            Background = background,
        },
        MinObjects = 1,
        MaxObjects = 5,
        PolygonFraction = polygons,
        CrowdFraction = crowds,
    };

    public static MaskRcnnDetector LoadDemo()
    {
        var demo = RepositoryPaths.Combine("models", "demo");
        return MaskRcnnDetector.Load(Path.Combine(demo, "weights.pb"), Path.Combine(demo, "graph.pbtxt"), LabelMap.Load(Path.Combine(demo, "labels.txt")),
            MaskRcnnOptions.Default with { DefaultDetectOptions = DetectOptions.Default with { InputSize = new Size(InputSide, InputSide) } });
    }

    public string NewFolder(string name)
    {
        var path = Path.Combine(Root, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A copy of the grid dataset's images, to damage.</summary>
    public string CopyGridImages()
    {
        var folder = NewFolder("images");
        foreach (var file in Directory.GetFiles(Grid.ImagesFolder))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        return folder;
    }

    /// <summary>
    /// AR with one detection per image when every object is found, with an IoU above every threshold and nothing else:
    /// per category, the images that have the category (one hit each) over its objects; then the mean over categories.
    /// </summary>
    public static double ExpectedRecallAtOne(CocoDataset dataset, ISet<long>? missedImages = null)
    {
        var perCategory = new List<double>();
        foreach (var category in dataset.Categories)
        {
            var objects = dataset.Annotations.Where(a => a.CategoryId == category.Id && !a.IsCrowd).ToList();
            if (objects.Count == 0) continue;
            var hits = objects.Select(a => a.ImageId).Distinct().Count(i => missedImages?.Contains(i) != true);
            perCategory.Add((double)hits / objects.Count);
        }
        return perCategory.Average();
    }

    /// <summary>AR with 100 detections per image when every object of the images not missed is found (as above).</summary>
    public static double ExpectedRecall(CocoDataset dataset, ISet<long> missedImages) =>
        dataset.Categories
            .Select(c => dataset.Annotations.Where(a => a.CategoryId == c.Id && !a.IsCrowd).ToList())
            .Where(objects => objects.Count > 0)
            .Average(objects => (double)objects.Count(a => !missedImages.Contains(a.ImageId)) / objects.Count);

    public void Dispose() => _temp.Dispose();
}
