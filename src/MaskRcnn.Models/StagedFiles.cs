using MaskRcnn.IO;

namespace MaskRcnn.Models;

/// <summary>
/// Files written beside their final place as <see cref="PendingFile"/>s and moved into place together at the end, so a
/// failed run leaves no partial final file. Files not committed are deleted on dispose.
/// </summary>
internal sealed class StagedFiles : IDisposable
{
    private readonly Dictionary<string, PendingFile> _pending = new(StringComparer.Ordinal);
    private readonly List<PendingFile> _ready = [];

    /// <summary>A new temporary name in the folder of <paramref name="finalPath"/>.</summary>
    public string NewTemporary(string finalPath)
    {
        var pending = PendingFile.Begin(finalPath);
        _pending[pending.TemporaryPath] = pending;
        return pending.TemporaryPath;
    }

    /// <summary>Marks a complete temporary file to be moved to its final path on <see cref="Commit"/>.</summary>
    public void Ready(string temporary, string finalPath)
    {
        var pending = _pending[temporary];
        if (pending.Path != finalPath) throw new ArgumentException($"{temporary} was begun for {pending.Path}, not {finalPath}.", nameof(finalPath));
        _ready.Add(pending);
    }

    /// <summary>Deletes a temporary file now.</summary>
    public static void Discard(string temporary) => TryDelete(temporary);

    /// <summary>Moves every ready file into place.</summary>
    public void Commit()
    {
        foreach (var pending in _ready)
        {
            try
            {
                pending.Commit();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ModelDownloadException($"{pending.Path}: cannot move the finished file into place ({e.Message}). Check the cache folder's permissions and free space.", e)
                {
                    FilePath = pending.Path,
                };
            }
        }
        _ready.Clear();
    }

    public void Dispose()
    {
        foreach (var pending in _pending.Values) pending.Dispose();
        _pending.Clear();
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
