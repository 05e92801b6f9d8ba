using System.Globalization;
using MaskRcnn.Coco;
using MaskRcnn.IO;

namespace MaskRcnn.Synthetic;

/// <summary>
/// Writes a COCO dataset of generated scenes: <c>images/000001.png</c>, ... and <c>instances.json</c> with the exact
/// ground truth of every object, so a detector (a synthetic model above all) can be evaluated end to end.
/// </summary>
/// <remarks>
/// <para>
/// Categories are named after the model's labels, with id = class id + 1 (the zoo models' convention, which
/// <see cref="CocoCategoryMap"/> also follows). Each object becomes one annotation: a compressed RLE of its exact mask,
/// its tight box, its pixel count as <c>area</c> and <c>iscrowd</c> 0; optionally some rectangles get a polygon and some
/// objects are marked as crowd regions (see <see cref="SyntheticCocoDatasetOptions"/>). Image ids and annotation ids
/// count from 1.
/// </para>
/// <para>
/// The output depends only on the options and the seed, byte for byte. Image <c>i</c> depends only on the seed, the
/// scene options, the object count range and <c>i</c>, so a larger <see cref="SyntheticCocoDatasetOptions.ImageCount"/> adds images without
/// changing the first ones, and the polygon and crowd choices never change the images. Scenes are generated,
/// saved and annotated one at a time: memory does not grow with the number of images.
/// </para>
/// </remarks>
public static class SyntheticCocoDataset
{
    /// <summary>The annotations file written in the dataset folder.</summary>
    public const string AnnotationsFileName = "instances.json";

    /// <summary>The folder, inside the dataset folder, that holds the images.</summary>
    public const string ImagesFolderName = "images";

    private const string NoCategoryName = "N/A";

    /// <summary>Scenes tried per image before giving up when the objects do not fit.</summary>
    private const int MaxSceneAttempts = 100;

    /// <summary>The file name of image <paramref name="imageId"/> (1-based): <c>000001.png</c>, ...</summary>
    public static string ImageFileName(long imageId) => string.Create(CultureInfo.InvariantCulture, $"{imageId:D6}.png");

    /// <summary>
    /// Generates <see cref="SyntheticCocoDatasetOptions.ImageCount"/> scenes and writes them to
    /// <paramref name="folder"/> as a COCO dataset. Existing files of the same names are overwritten;
    /// <c>instances.json</c> appears only once complete.
    /// </summary>
    /// <param name="folder">The dataset folder; created when missing.</param>
    /// <param name="options">What to generate; null for the defaults.</param>
    /// <param name="seed">The seed: the same options and seed give the same files.</param>
    /// <param name="progress">Receives the number of images written so far.</param>
    /// <param name="cancellationToken">Stops between images; <c>instances.json</c> is then not written.</param>
    /// <returns>Where the files are and what they hold.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">A scene's objects could not be placed (see
    /// <see cref="SceneGenerator.Random(SceneGeneratorOptions, int)"/>); ask for fewer or smaller objects.</exception>
    /// <exception cref="IOException">A file could not be written.</exception>
    public static SyntheticCocoDatasetFiles Write(string folder, SyntheticCocoDatasetOptions? options = null, int seed = 0,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        folder = Path.GetFullPath(folder);
        options = (options ?? new SyntheticCocoDatasetOptions()).Validate();
        var model = (options.Scenes.Model ?? new SyntheticModelOptions()).Validate();
        var labels = options.Labels ?? SyntheticLabels.For(model.NumClasses);
        var size = options.Scenes.ImageSize;

        var imagesFolder = Path.Combine(folder, ImagesFolderName);
        Directory.CreateDirectory(imagesFolder);
        var annotationsPath = Path.Combine(folder, AnnotationsFileName);
        var choiceRandom = new Random(MixSeed(seed, 0, 0));
        int annotations = 0, polygons = 0, crowds = 0;
        using (var pending = PendingFile.Begin(annotationsPath))
        {
            using (var writer = new CocoDatasetWriter(new FileStream(pending.TemporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None),
                       string.Create(CultureInfo.InvariantCulture, $"MaskRcnn.Synthetic scenes: {options.ImageCount} images of {size.Width}x{size.Height}, seed {seed}")))
            {
                for (var id = 1; id <= options.ImageCount; id++) writer.WriteImage(new CocoImage(id, size.Width, size.Height, ImageFileName(id)));
                for (var imageId = 1; imageId <= options.ImageCount; imageId++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var scene = GenerateScene(options, seed, imageId);
                    scene.Save(Path.Combine(imagesFolder, ImageFileName(imageId)));
                    foreach (var truth in scene.Objects)
                    {
                        // Both draws happen for every object, so one fraction never changes the other's choices.
                        var crowd = choiceRandom.NextDouble() < options.CrowdFraction;
                        var polygon = choiceRandom.NextDouble() < options.PolygonFraction;
                        if (truth.Area == 0) continue;
                        var annotation = Annotation(++annotations, imageId, truth, scene, crowd, polygon && !crowd && truth.Shape == SceneShape.Rectangle);
                        writer.WriteAnnotation(annotation);
                        if (annotation.Segmentation!.Kind == CocoSegmentationKind.Polygons) polygons++;
                        if (crowd) crowds++;
                    }
                    progress?.Report(imageId);
                }
                for (var classId = 0; classId < labels.Count; classId++)
                    if (HasCategory(labels[classId])) writer.WriteCategory(new CocoCategory(classId + 1, labels[classId], "shape"));
            }
            pending.Commit();
        }
        return new SyntheticCocoDatasetFiles(folder, annotationsPath, imagesFolder, options.ImageCount, annotations, polygons, crowds);
    }

    /// <summary>
    /// The scene of image <paramref name="imageId"/>: its object count and scene seed come from a generator seeded with
    /// the dataset seed and the image id. When the objects do not fit, the next scene seed of that generator is tried,
    /// up to <see cref="MaxSceneAttempts"/> times.
    /// </summary>
    private static Scene GenerateScene(SyntheticCocoDatasetOptions options, int seed, int imageId)
    {
        var random = new Random(MixSeed(seed, imageId, 1));
        var sceneOptions = options.Scenes with { ObjectCount = random.Next(options.MinObjects, options.MaxObjects + 1) };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return SceneGenerator.Random(sceneOptions, random.Next());
            }
            catch (InvalidOperationException) when (attempt < MaxSceneAttempts)
            {
                // Too crowded for this layout: try the next scene seed.
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"Image {imageId}: {sceneOptions.ObjectCount} objects did not fit in {MaxSceneAttempts} scenes; lower MaxObjects or Scenes.MaxCells. {e.Message}"), e);
            }
        }
    }

    // SplitMix64's finaliser over the seed and the image id: a fixed function (unlike string.GetHashCode), so seeds
    // are the same in every process and on every platform.
    private static int MixSeed(int seed, int imageId, int stream)
    {
        var z = unchecked(((ulong)(uint)seed << 32 | (uint)imageId) + (ulong)stream * 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (int)(z & int.MaxValue);
    }

    /// <summary>Whether a label gets a category: not empty and not COCO's <c>N/A</c> placeholder.</summary>
    internal static bool HasCategory(string? label) => !string.IsNullOrWhiteSpace(label) && label != NoCategoryName;

    /// <summary>One object's annotation: its exact mask as a compressed RLE (uncompressed for a crowd region, as COCO
    /// stores those), or as a polygon when asked for and the rectangle's polygon gives exactly the same pixels.</summary>
    private static CocoAnnotation Annotation(int id, int imageId, GroundTruthObject truth, Scene scene, bool crowd, bool polygon)
    {
        var rle = CocoRle.Encode(truth.Mask, scene.Height, scene.Width);
        var box = truth.Box;
        var segmentation = CocoSegmentation.FromRle(rle, compressed: !crowd);
        if (polygon)
        {
            double[] corners = [box.X, box.Y, box.X + box.Width, box.Y, box.X + box.Width, box.Y + box.Height, box.X, box.Y + box.Height];
            if (CocoRle.FromPolygon(corners, scene.Height, scene.Width).Equals(rle)) segmentation = CocoSegmentation.FromPolygons([corners]);
        }
        return new CocoAnnotation(id, imageId, truth.ClassId + 1, segmentation, truth.Area, new CocoBox(box.X, box.Y, box.Width, box.Height), crowd);
    }
}

/// <summary>A synthetic COCO dataset written by <see cref="SyntheticCocoDataset.Write"/>.</summary>
/// <param name="Folder">The dataset folder (full path).</param>
/// <param name="AnnotationsPath">The annotations file, <c>instances.json</c>.</param>
/// <param name="ImagesFolder">The folder holding the images (the folder to pass to an evaluation).</param>
/// <param name="ImageCount">Images written.</param>
/// <param name="AnnotationCount">Annotations written, crowd regions included.</param>
/// <param name="PolygonCount">Annotations whose segmentation is a polygon.</param>
/// <param name="CrowdCount">Annotations that are crowd regions.</param>
public sealed record SyntheticCocoDatasetFiles(string Folder, string AnnotationsPath, string ImagesFolder, int ImageCount,
    int AnnotationCount, int PolygonCount, int CrowdCount);
