using System.Runtime.InteropServices;

namespace MaskRcnn.Runtime;

/// <summary>
/// Tells regular files from named pipes, devices and sockets before they are opened: reading a FIFO blocks until
/// something writes to it and a device such as <c>/dev/zero</c> never ends, and .NET reports both as ordinary files.
/// </summary>
internal static partial class FileKind
{
    private const int AtFdCwd = -100, StatxType = 0x1;
    private const int TypeMask = 0xF000, Regular = 0x8000, Directory = 0x4000;

    /// <summary>
    /// What the path is when it is not a regular file or a folder ("a named pipe (FIFO)", "a character device", ...);
    /// null for regular files, folders, missing paths, and where the check is not available (only Linux has it).
    /// </summary>
    public static string? DescribeSpecial(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        Span<byte> buffer = stackalloc byte[256];
        try
        {
            // statx's layout is the same on every Linux architecture: stx_mode is the 16-bit field at byte 28.
            if (statx(AtFdCwd, path, 0, StatxType, ref MemoryMarshal.GetReference(buffer)) != 0) return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        var type = MemoryMarshal.Read<ushort>(buffer[28..]) & TypeMask;
        return type switch
        {
            Regular or Directory => null,
            0x1000 => "a named pipe (FIFO)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, ref byte buffer);
}
