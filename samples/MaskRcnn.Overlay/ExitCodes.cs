namespace MaskRcnn.Overlay;

/// <summary>The tool's exit codes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Unexpected = 1;
    public const int BadArguments = 2;
    public const int ModelError = 3;
    public const int SomeInputsFailed = 4;
    public const int Cancelled = 130;
}
