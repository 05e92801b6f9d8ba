namespace MaskRcnn.IO;

/// <summary>
/// A file written under a temporary name beside its target (hidden, with the target's extension, so encoders that
/// pick the format from the extension still work). <see cref="Commit"/> renames it into place; disposing without
/// committing deletes it. A reader of the target never sees a partial file.
/// </summary>
/// <example><c>PendingFile.Write("out/result.json", temp => File.WriteAllText(temp, json));</c></example>
public sealed class PendingFile : IDisposable
{
    private bool _committed;

    private PendingFile(string path, string temporaryPath)
    {
        Path = path;
        TemporaryPath = temporaryPath;
    }

    /// <summary>The target.</summary>
    public string Path { get; }

    /// <summary>Where to write until <see cref="Commit"/>.</summary>
    public string TemporaryPath { get; }

    /// <summary>Starts a file for <paramref name="path"/>, creating its folder when missing.</summary>
    /// <exception cref="IOException">The folder cannot be created.</exception>
    public static PendingFile Begin(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var name = System.IO.Path.GetFileName(path);
        var temporary = System.IO.Path.Combine(directory, $".{name}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp{System.IO.Path.GetExtension(path)}");
        return new PendingFile(path, temporary);
    }

    /// <summary>Writes a file through <paramref name="writeTo"/>, which receives the temporary path, then moves it
    /// into place; if <paramref name="writeTo"/> throws, the target is left as it was.</summary>
    public static void Write(string path, Action<string> writeTo)
    {
        ArgumentNullException.ThrowIfNull(writeTo);
        using var pending = Begin(path);
        writeTo(pending.TemporaryPath);
        pending.Commit();
    }

    /// <summary>Moves the written file into place, replacing any older one.</summary>
    /// <exception cref="IOException">The file cannot be moved (e.g. the target is a folder).</exception>
    public void Commit()
    {
        File.Move(TemporaryPath, Path, overwrite: true);
        _committed = true;
    }

    /// <summary>Deletes the temporary file unless it was committed.</summary>
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
