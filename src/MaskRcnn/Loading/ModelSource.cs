namespace MaskRcnn.Loading;

/// <summary>The bytes of one model file and a name for messages (its path, or a description for streams).</summary>
internal sealed record ModelSource(string Name, byte[] Bytes, bool IsFile)
{
    /// <summary>Protobuf's own limit for one message; larger files cannot be graphs.</summary>
    private const long MaxBytes = int.MaxValue;

    public static ModelSource FromFile(string path, string role)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0) throw new ModelLoadException(null, $"The {role} path is empty. Pass the path of the {role} file.");
        if (Directory.Exists(path))
            throw new ModelLoadException(path, $"is a directory, not a {role} file. Pass the file inside it (e.g. frozen_inference_graph.pb).");
        if (!File.Exists(path))
            throw new ModelLoadException(path, $"the {role} file does not exist. Check the path (relative paths start at {Environment.CurrentDirectory}).");
        if (Runtime.FileKind.DescribeSpecial(path) is { } kind)
            throw new ModelLoadException(path, $"is {kind}, not a {role} file; reading it could block or never end. Pass the path of the file itself.");
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (info.Length > MaxBytes)
                throw new ModelLoadException(path, $"is {info.Length} bytes, more than a protobuf graph can hold (2 GiB); this is not a {role} file.");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(path, $"the {role} file cannot be read ({e.Message}). Check its permissions.", e);
        }
        if (bytes.Length == 0) throw new ModelLoadException(path, $"the {role} file is empty (0 bytes); the download or copy was probably interrupted.");
        return new ModelSource(path, bytes, true);
    }

    public static ModelSource FromBytes(ReadOnlySpan<byte> bytes, string name, string role)
    {
        if (bytes.IsEmpty) throw new ModelLoadException(null, $"The {role} ({name}) is empty (0 bytes).");
        return new ModelSource(name, bytes.ToArray(), false);
    }

    public static ModelSource FromStream(Stream stream, string name, string role)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead) throw new ModelLoadException(null, $"The {role} stream ({name}) is not readable.");
        using var copy = new MemoryStream();
        try
        {
            stream.CopyTo(copy);
        }
        catch (IOException e)
        {
            throw new ModelLoadException(null, $"The {role} stream ({name}) failed while reading: {e.Message}", e);
        }
        return FromBytes(copy.GetBuffer().AsSpan(0, (int)copy.Length), name, role);
    }
}
