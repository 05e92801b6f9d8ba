using System.CommandLine;
using MaskRcnn.Synthetic;

namespace MaskRcnn.Overlay;

/// <summary>
/// <c>maskrcnn synthesize</c>: writes a synthetic Mask R-CNN model, and optionally the sample image, byte for byte the
/// same on every run (this is how <c>models/demo</c> and <c>samples/images/shapes.png</c> are made).
/// </summary>
internal static class SynthesizeCommand
{
    private static readonly Argument<string> Folder = new("folder") { Description = "The folder to write the model into." };
    private static readonly Option<int?> Classes = Options.Integer("--classes", "Number of classes (default 3).", 1, 1000);
    private static readonly Option<int?> MaskSize = Options.Integer("--mask-size", "Side of the masks (default 15).", 2, 128);
    private static readonly Option<bool> RealisticCost = Options.Flag("--realistic-cost", "Give the model the forward cost of mask_rcnn_inception_v2.");
    private static readonly Option<string?> Sample = Options.Text("--sample", "Also draw the demo scene (the default model only) into this .png.", "FILE.png");

    /// <summary>The <c>synthesize</c> command.</summary>
    public static Command Create(Func<TextWriter> stdout)
    {
        var command = new Command("synthesize", "Write a synthetic Mask R-CNN model (and a sample image).") { Folder, Classes, MaskSize, RealisticCost, Sample };
        command.SetAction(args => Run(args, stdout()));
        return command;
    }

    private static int Run(ParseResult args, TextWriter stdout)
    {
        SyntheticModelOptions options;
        try
        {
            options = new SyntheticModelOptions
            {
                NumClasses = args.GetValue(Classes) ?? 3,
                MaskSize = args.GetValue(MaskSize) ?? 15,
                RealisticForwardCost = args.GetValue(RealisticCost),
            }.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        var samplePath = args.GetValue(Sample);
        if (samplePath is not null && options != DemoAssets.ModelOptions)
            throw new UsageException("--sample draws the demo scene, which is made for the default 3-class model; drop --classes/--mask-size/--realistic-cost or --sample.");
        var model = options == DemoAssets.ModelOptions ? DemoAssets.BuildModel() : SyntheticModelBuilder.Build(options);
        var files = model.WriteTo(args.GetValue(Folder)!);
        stdout.WriteLine($"Wrote {files.FrozenGraph}, {files.Weights}, {files.TextGraph}, {files.Labels}");
        if (samplePath is not null)
        {
            DemoAssets.SampleScene().Save(samplePath);
            stdout.WriteLine($"Wrote {samplePath}");
        }
        return ExitCodes.Success;
    }
}
