using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Help;
using MaskRcnn.Runtime;

namespace MaskRcnn.Overlay;

/// <summary>The <c>maskrcnn</c> command-line tool.</summary>
internal static class Program
{
    private const string Description = """
        maskrcnn: Mask R-CNN instance segmentation over OpenCV's DNN module.

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
        var root = Build(cancellation);
        // 'maskrcnn help [command]' is the same as '--help'.
        if (args is ["help", .. var rest]) args = [.. rest, "--help"];
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 || args.Length == 0)
        {
            Console.Error.WriteLine($"error: {(args.Length == 0 ? "a command is needed." : Describe(parsed))}");
            Console.Error.WriteLine($"Run 'maskrcnn {CommandPath(parsed)}--help' for usage.");
            return ExitCodes.BadArguments;
        }
        try
        {
            // Help and completion need no OpenCV.
            if (parsed.Action is not HelpAction && parsed.Action?.GetType().Namespace != typeof(SuggestDirective).Namespace)
            {
                OpenCvRuntime.EnsureLoaded();
                // The tool detects image after image: keep freed native memory for the next one instead of faulting it in again.
                NativeAllocator.RetainFreedMemory();
            }
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine($"Run 'maskrcnn {CommandPath(parsed)}--help' for usage.");
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

    /// <summary>The command tree: every option's parsing, help and completion come from these definitions.</summary>
    internal static RootCommand Build(CancellationTokenSource cancellation)
    {
        var console = () => new ToolConsole(Console.Out, Console.Error, Console.IsOutputRedirected ? ProgressMode.Plain : ProgressMode.Line);
        var token = () => cancellation.Token;
        var stdout = () => Console.Out;
        var stderr = () => Console.Error;
        return new RootCommand(Description)
        {
            DetectCommand.Create(console, token),
            EvalCommand.Create(stdout, stderr, token),
            ModelsCommand.Create(stdout, stderr, () => !Console.IsErrorRedirected, token),
            InfoCommand.Create(stdout),
            SynthesizeCommand.Create(stdout),
            SynthesizeCocoCommand.Create(stdout, stderr, token),
        };
    }

    /// <summary>The first parse error in the tool's words: an unknown option, command or argument says what it is.</summary>
    private static string Describe(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        if (parsed.UnmatchedTokens is [var token, ..])
        {
            if (token.StartsWith('-')) return $"Unknown option {token}. Run 'maskrcnn {CommandPath(parsed)}--help' for the options.";
            return command switch
            {
                RootCommand => $"Unknown command '{token}'.",
                { Name: "eval" } => $"eval takes no positional arguments (got '{token}').",
                { Name: "models" } => $"Unknown models subcommand '{token}'. models needs a subcommand: list, download NAME or path NAME.",
                _ => $"{command.Name} does not take '{token}'.",
            };
        }
        return parsed.Errors[0].Message;
    }

    private static string CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var result = parsed.CommandResult; result.Command is not RootCommand; result = (System.CommandLine.Parsing.CommandResult)result.Parent!)
            names.Insert(0, result.Command.Name);
        return names.Count == 0 ? "" : string.Join(' ', names) + " ";
    }
}
