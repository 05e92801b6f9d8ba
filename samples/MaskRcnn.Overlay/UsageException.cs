namespace MaskRcnn.Overlay;

/// <summary>A bad command line found after parsing (a combination of options that makes no sense); the message says
/// what is wrong and what to write instead. The tool exits with <see cref="ExitCodes.BadArguments"/>.</summary>
internal sealed class UsageException(string message) : Exception(message);
