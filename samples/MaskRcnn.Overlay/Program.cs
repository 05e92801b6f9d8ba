using MaskRcnn.Runtime;

namespace MaskRcnn.Overlay;

/// <summary>The <c>maskrcnn</c> command-line tool.</summary>
internal static class Program
{
    private const string Usage = """
        maskrcnn: Mask R-CNN instance segmentation over OpenCV's DNN module.

        Commands:
          detect <inputs...>              detect instances; write overlays (and --json results)
                                          inputs: images, videos (.mp4 .avi .mkv .mov), folders, and patterns
                                          such as 'photos/*.jpg' or 'shots/**/*.png' (quote them)
              --output DIR          output folder (default maskrcnn-output); inputs are never overwritten
              --json                also write <name>.json per image and <name>.jsonl (a line per frame) per video
              --no-overlay          write no overlay images or videos
              --recursive           search folders recursively
              --video-codec C       overlay video: mjpg (.avi, default), mp4v (.mp4) or ffv1 (.mkv, lossless)
              --workers N           images (or video frames) detected in parallel, one net each (default 1)
              --progress P          auto (default: a redrawn line on a terminal, else plain lines), line, plain, none
              --model M             a catalogue model name (see 'models list'; must be downloaded) or a .pb file
                                    (default: the bundled synthetic demo model)
              --cache DIR           model cache folder for catalogue names (default: MASKRCNN_MODEL_CACHE or per-user)
              --text-graph FILE     OpenCV text graph (.pbtxt) for the model
              --labels FILE         labels: one per line, or a TF label_map.pbtxt
              --score X             minimum score, 0..1 (default 0.5)
              --mask-threshold X    mask threshold, 0..1 (default 0.5)
              --classes A,B         only these class ids or labels
              --max-instances N     most instances per image (default 100)
              --size WxH            fixed network input size (default 800x800)
              --keep-aspect MIN:MAX keep-aspect input size (e.g. 800:1365)
              --device D            cpu, opencl, opencl-fp16, cuda, cuda-fp16 (default cpu)
              --fallback fail|cpu   when the device is unavailable (default fail)
              --threads N           OpenCV worker threads (process-wide; default: OpenCV's choice)
              --bgr                 feed BGR instead of RGB to the network
          eval --annotations instances.json (--images DIR [--output results.json] | --results results.json)
                                          COCO bbox and segm evaluation of the model (or of a results file);
                                          takes the model options above
          models list [--cache DIR]       the model catalogue, its checksums and what is in the cache
          models download NAME [--cache DIR] [--force] [--keep-archive] [--no-text-graph]
                                          download a catalogue model into the cache
          models path NAME [--cache DIR]  print the model's cache folder (exit 3 when not downloaded)
          info                            OpenCV version, backends, the bundled model
          synthesize DIR [--classes N] [--mask-size S] [--realistic-cost] [--sample FILE.png]
                                          write a synthetic Mask R-CNN model (and a sample image);
                                          --realistic-cost gives it the forward cost of mask_rcnn_inception_v2
          synthesize-coco DIR             write a COCO dataset of generated scenes for the demo model
              --images N            number of images (default 100)
              --image-size WxH      image size (default 800x800)
              --input-size WxH      network input size the objects are laid out for (default 800x800;
                                    evaluate with the same --size)
              --objects MIN:MAX     objects per image (default 1:6)
              --shapes LIST         rectangle,ellipse,polygon (default rectangle,ellipse)
              --background B        dark or noisy (default dark)
              --polygons X          share of rectangles annotated as polygons, 0..1 (default 0)
              --crowds X            share of objects annotated as crowd regions, 0..1 (default 0)
              --seed N              the same seed gives the same files (default 0)
          help                            this text

        Environment: MASKRCNN_MODEL_CACHE moves the model cache; MASKRCNN_MODEL_BASE_URL makes 'models download'
        fetch from a mirror laid out like the original servers.
        Exit codes: 0 success, 1 unexpected error, 2 bad arguments, 3 model error (or failed download),
        4 some inputs failed, 130 interrupted (Ctrl+C; outputs written so far are kept).
        """;

    public static int Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl+C finishes the current image or frame and stops; a second one ends the process.
            if (cancellation.IsCancellationRequested) return;
            e.Cancel = true;
            cancellation.Cancel();
        };
        try
        {
            OpenCvRuntime.EnsureLoaded();
            // The tool detects image after image: keep freed native memory for the next one instead of faulting it in again.
            NativeAllocator.RetainFreedMemory();
            return args.FirstOrDefault() switch
            {
                "detect" => DetectCommand.Run(args[1..], new ToolConsole(Console.Out, Console.Error, Console.IsOutputRedirected ? ProgressMode.Plain : ProgressMode.Line), cancellation.Token),
                "models" => ModelsCommand.Run(args[1..], Console.Out, Console.Error, !Console.IsErrorRedirected, cancellation.Token),
                "info" => InfoCommand.Run(Console.Out),
                "synthesize" => SynthesizeCommand.Run(args[1..], Console.Out),
                "eval" => EvalCommand.Run(args[1..], Console.Out, Console.Error, cancellation.Token),
                "synthesize-coco" => SynthesizeCocoCommand.Run(args[1..], Console.Out, Console.Error, cancellation.Token),
                "help" or "--help" or "-h" => PrintUsage(Console.Out, ExitCodes.Success),
                null => PrintUsage(Console.Error, ExitCodes.BadArguments),
                var other => throw new UsageException($"Unknown command '{other}'."),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine("Run 'maskrcnn help' for usage.");
            return ExitCodes.BadArguments;
        }
        catch (NativeRuntimeException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.ModelError;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The last resort: the documented exit code 1, with the details, rather than the runtime's abort (134).
            Console.Error.WriteLine($"error: unexpected failure: {e}");
            return ExitCodes.Unexpected;
        }
    }

    private static int PrintUsage(TextWriter writer, int code)
    {
        writer.WriteLine(Usage);
        return code;
    }
}
