using MaskRcnn.Synthetic;
using OpenCvSharp;

namespace MaskRcnn.Overlay;

/// <summary>
/// <c>maskrcnn synthesize-coco</c>: writes a COCO dataset of generated scenes for the demo model (images and
/// <c>instances.json</c> with exact ground truth), the same for the same arguments, to try <c>maskrcnn eval</c> on.
/// </summary>
internal static class SynthesizeCocoCommand
{
    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr, CancellationToken cancellation)
    {
        var args = Arguments.Parse(argv, new HashSet<string>(),
            new HashSet<string>(["--images", "--image-size", "--input-size", "--objects", "--shapes", "--background", "--polygons", "--crowds", "--seed"]));
        if (args.Positional.Count != 1) throw new UsageException("synthesize-coco needs one output folder, e.g. maskrcnn synthesize-coco coco-demo");
        var imageSize = Size(args, "--image-size");
        var inputSize = Size(args, "--input-size");
        var (minObjects, maxObjects) = args.Value("--objects") is { } objects ? ModelArguments.ParsePair(objects, ':', "--objects", "MIN:MAX, e.g. 1:6") : (1, 6);
        SyntheticCocoDatasetOptions options;
        try
        {
            options = new SyntheticCocoDatasetOptions
            {
                ImageCount = args.Integer("--images", 100, 0, 1_000_000),
                Scenes = new SceneGeneratorOptions
                {
                    ImageSize = imageSize,
                    InputSize = inputSize,
                    Shapes = Shapes(args.Value("--shapes") ?? "rectangle,ellipse"),
                    Background = (args.Value("--background") ?? "dark") switch
                    {
                        "dark" => SceneBackground.Dark,
                        "noisy" => SceneBackground.Noisy,
                        var b => throw new UsageException($"--background must be 'dark' or 'noisy', not '{b}'."),
                    },
                },
                MinObjects = minObjects,
                MaxObjects = maxObjects,
                PolygonFraction = args.Number("--polygons", 0, 0, 1),
                CrowdFraction = args.Number("--crowds", 0, 0, 1),
            }.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        SyntheticCocoDatasetFiles files;
        try
        {
            files = SyntheticCocoDataset.Write(args.Positional[0], options, args.Integer("--seed", 0, int.MinValue, int.MaxValue), null, cancellation);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        catch (InvalidOperationException e)
        {
            throw new UsageException(e.Message);
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("Stopped.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.BadArguments;
        }
        stdout.WriteLine($"Wrote {files.AnnotationsPath}: {files.ImageCount} images, {files.AnnotationCount} annotations " +
                         $"({files.PolygonCount} polygons, {files.CrowdCount} crowd regions); images in {files.ImagesFolder}");
        var size = inputSize == new Size(800, 800) ? "" : $" --size {inputSize.Width}x{inputSize.Height}";
        stdout.WriteLine($"Evaluate the demo model: maskrcnn eval --annotations {files.AnnotationsPath} --images {files.ImagesFolder}{size}");
        return ExitCodes.Success;
    }

    private static Size Size(Arguments args, string name)
    {
        if (args.Value(name) is not { } text) return new Size(800, 800);
        var (w, h) = ModelArguments.ParsePair(text, 'x', name, "WxH, e.g. 800x800");
        if (w is < 32 or > 8192 || h is < 32 or > 8192) throw new UsageException($"{name} must be 32..8192 pixels a side, not '{text}'.");
        return new Size(w, h);
    }

    private static SceneShape[] Shapes(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant() switch
        {
            "rectangle" => SceneShape.Rectangle,
            "ellipse" => SceneShape.Ellipse,
            "polygon" => SceneShape.Polygon,
            _ => throw new UsageException($"--shapes takes rectangle, ellipse and polygon, separated by commas, not '{s}'."),
        }).ToArray();
}
