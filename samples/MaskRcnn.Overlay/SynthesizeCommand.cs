using MaskRcnn.Synthetic;

namespace MaskRcnn.Overlay;

/// <summary>
/// <c>maskrcnn synthesize</c>: writes a synthetic Mask R-CNN model, and optionally the sample image, byte for byte the
/// same on every run (this is how <c>models/demo</c> and <c>samples/images/shapes.png</c> are made).
/// </summary>
internal static class SynthesizeCommand
{
    public static int Run(IReadOnlyList<string> argv, TextWriter stdout)
    {
        var args = Arguments.Parse(argv, new HashSet<string>(["--realistic-cost"]), new HashSet<string>(["--classes", "--mask-size", "--sample"]));
        if (args.Positional.Count != 1) throw new UsageException("synthesize needs one output folder, e.g. maskrcnn synthesize models/demo");
        SyntheticModelOptions options;
        try
        {
            options = new SyntheticModelOptions
            {
                NumClasses = args.Integer("--classes", 3, 1, 1000),
                MaskSize = args.Integer("--mask-size", 15, 2, 128),
                RealisticForwardCost = args.Flag("--realistic-cost"),
            }.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        var samplePath = args.Value("--sample");
        if (samplePath is not null && options != DemoAssets.ModelOptions)
            throw new UsageException("--sample draws the demo scene, which is made for the default 3-class model; drop --classes/--mask-size/--realistic-cost or --sample.");
        var model = options == DemoAssets.ModelOptions ? DemoAssets.BuildModel() : SyntheticModelBuilder.Build(options);
        var files = model.WriteTo(args.Positional[0]);
        stdout.WriteLine($"Wrote {files.FrozenGraph}, {files.Weights}, {files.TextGraph}, {files.Labels}");
        if (samplePath is not null)
        {
            DemoAssets.SampleScene().Save(samplePath);
            stdout.WriteLine($"Wrote {samplePath}");
        }
        return ExitCodes.Success;
    }
}
