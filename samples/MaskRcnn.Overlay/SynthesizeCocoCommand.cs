using System.CommandLine;
using MaskRcnn.Synthetic;
using OpenCvSharp;

namespace MaskRcnn.Overlay;

/// <summary>
/// <c>maskrcnn synthesize-coco</c>: writes a COCO dataset of generated scenes for the demo model (images and
/// <c>instances.json</c> with exact ground truth), the same for the same arguments, to try <c>maskrcnn eval</c> on.
/// </summary>
internal static class SynthesizeCocoCommand
{
    private static readonly Dictionary<string, SceneBackground> Backgrounds = new(StringComparer.Ordinal)
    {
        ["dark"] = SceneBackground.Dark,
        ["noisy"] = SceneBackground.Noisy,
    };

    private static readonly Argument<string[]> Folder = new("folder") { Description = "The dataset folder to write.", Arity = ArgumentArity.ZeroOrMore };
    private static readonly Option<int?> Images = Options.Integer("--images", "Number of images (default 100).", 0, 1_000_000);
    private static readonly Option<(int A, int B)?> ImageSize = Options.Pair("--image-size", "Image size (default 800x800).", 'x', "WxH, e.g. 800x800");
    private static readonly Option<(int A, int B)?> InputSize = Options.Pair("--input-size",
        "Network input size the objects are laid out for (default 800x800; evaluate with the same --size).", 'x', "WxH, e.g. 800x800");
    private static readonly Option<(int A, int B)?> Objects = Options.Pair("--objects", "Objects per image (default 1:6).", ':', "MIN:MAX, e.g. 1:6");
    private static readonly Option<string?> ShapesOption = Options.Text("--shapes", "Shapes to draw: rectangle, ellipse, polygon, separated by commas (default rectangle,ellipse).", "LIST");
    private static readonly Option<SceneBackground> Background = Options.Choice("--background", "dark or noisy (default dark).", Backgrounds, "'dark' or 'noisy'");
    private static readonly Option<double?> Polygons = Options.Number("--polygons", "Share of rectangles annotated as polygons, 0..1 (default 0).", 0, 1);
    private static readonly Option<double?> Crowds = Options.Number("--crowds", "Share of objects annotated as crowd regions, 0..1 (default 0).", 0, 1);
    private static readonly Option<int?> Seed = Options.Integer("--seed", "The same seed gives the same files (default 0).", int.MinValue, int.MaxValue);

    /// <summary>The <c>synthesize-coco</c> command.</summary>
    public static Command Create(Func<TextWriter> stdout, Func<TextWriter> stderr, Func<CancellationToken> cancellation)
    {
        var command = new Command("synthesize-coco", "Write a COCO dataset of generated scenes for the demo model.")
        {
            Folder, Images, ImageSize, InputSize, Objects, ShapesOption, Background, Polygons, Crowds, Seed,
        };
        command.SetAction(args => Run(args, stdout(), stderr(), cancellation()));
        return command;
    }

    private static int Run(ParseResult args, TextWriter stdout, TextWriter stderr, CancellationToken cancellation)
    {
        var folder = args.GetValue(Folder) ?? [];
        if (folder.Length != 1) throw new UsageException("synthesize-coco needs one output folder, e.g. maskrcnn synthesize-coco coco-demo");
        var imageSize = Size(args.GetValue(ImageSize), "--image-size");
        var inputSize = Size(args.GetValue(InputSize), "--input-size");
        var (minObjects, maxObjects) = args.GetValue(Objects) ?? (1, 6);
        SyntheticCocoDatasetOptions options;
        try
        {
            options = new SyntheticCocoDatasetOptions
            {
                ImageCount = args.GetValue(Images) ?? 100,
                Scenes = new SceneGeneratorOptions
                {
                    ImageSize = imageSize,
                    InputSize = inputSize,
                    Shapes = Shapes(args.GetValue(ShapesOption) ?? "rectangle,ellipse"),
                    Background = args.GetValue(Background),
                },
                MinObjects = minObjects,
                MaxObjects = maxObjects,
                PolygonFraction = args.GetValue(Polygons) ?? 0,
                CrowdFraction = args.GetValue(Crowds) ?? 0,
            }.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        SyntheticCocoDatasetFiles files;
        try
        {
            files = SyntheticCocoDataset.Write(folder[0], options, args.GetValue(Seed) ?? 0, null, cancellation);
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

    private static Size Size((int W, int H)? value, string name)
    {
        if (value is not var (w, h)) return new Size(800, 800);
        if (w is < 32 or > 8192 || h is < 32 or > 8192) throw new UsageException($"{name} must be 32..8192 pixels a side, not '{w}x{h}'.");
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
