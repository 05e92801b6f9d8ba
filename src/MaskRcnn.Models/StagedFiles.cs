namespace MaskRcnn.Models;

/// <summary>
/// Files written next to their final place under temporary names and renamed into place together at the end, so a
/// failed run leaves no partial final file. Temporary files not committed are deleted on dispose.
/// </summary>
internal sealed class StagedFiles : IDisposable
{
    private readonly List<string> _temporary = [];
    private readonly List<(string Temporary, string Final)> _ready = [];

    /// <summary>A new temporary name in the folder of <paramref name="finalPath"/>.</summary>
    public string NewTemporary(string finalPath)
    {
        var path = $"{finalPath}.{Guid.NewGuid():N}.tmp";
        _temporary.Add(path);
        return path;
    }

    /// <summary>Marks a complete temporary file to be renamed to its final path on <see cref="Commit"/>.</summary>
    public void Ready(string temporary, string finalPath) => _ready.Add((temporary, finalPath));

    /// <summary>Deletes a temporary file now.</summary>
    public static void Discard(string temporary) => TryDelete(temporary);

    /// <summary>Renames every ready file into place.</summary>
    public void Commit()
    {
        foreach (var (temporary, final) in _ready)
        {
            try
            {
                File.Move(temporary, final, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ModelDownloadException($"{final}: cannot move the finished file into place ({e.Message}). Check the cache folder's permissions and free space.", e)
                {
                    FilePath = final,
                };
            }
        }
        _ready.Clear();
    }

    public void Dispose()
    {
        foreach (var path in _temporary) TryDelete(path);
        _temporary.Clear();
    }

    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temporary file is harmless and is named as such.
        }
    }
}
