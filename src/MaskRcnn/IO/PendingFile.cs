namespace MaskRcnn.Overlay;

/// <summary>Writes files so a reader never sees a partial one: into a temporary file beside the target, then renamed.</summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<string> writeTo)
    {
        using var pending = PendingFile.Begin(path);
        writeTo(pending.TemporaryPath);
        pending.Commit();
    }
}

/// <summary>
/// A file being written under a temporary name beside its target (hidden, same extension, so encoders that pick the
/// format from the extension still work). <see cref="Commit"/> renames it into place; disposing without committing
/// deletes it.
/// </summary>
internal sealed class PendingFile : IDisposable
{
    private bool _committed;

    private PendingFile(string path, string temporaryPath)
    {
        Path = path;
        TemporaryPath = temporaryPath;
    }

    /// <summary>The target.</summary>
    public string Path { get; }

    /// <summary>Where to write.</summary>
    public string TemporaryPath { get; }

    public static PendingFile Begin(string path)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var name = System.IO.Path.GetFileName(path);
        var temporary = System.IO.Path.Combine(directory, $".{name}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp{System.IO.Path.GetExtension(path)}");
        return new PendingFile(path, temporary);
    }

    /// <summary>Moves the written file into place, replacing any older one.</summary>
    public void Commit()
    {
        File.Move(TemporaryPath, Path, overwrite: true);
        _committed = true;
    }

    public void Dispose()
    {
        if (_committed) return;
        try
        {
            if (File.Exists(TemporaryPath)) File.Delete(TemporaryPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a hidden leftover is harmless.
        }
    }
}
