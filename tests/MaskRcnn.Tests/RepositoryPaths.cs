namespace MaskRcnn.Tests;

/// <summary>Finds files of the repository the tests were built from.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MaskRcnn.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No MaskRcnn.sln above {AppContext.BaseDirectory}.");
    }
}
