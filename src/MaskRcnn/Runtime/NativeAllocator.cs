using System.Runtime.InteropServices;

namespace MaskRcnn.Runtime;

/// <summary>
/// Process-wide tuning of the C allocator that OpenCV allocates its images, blobs and layer outputs from.
/// </summary>
/// <remarks>
/// glibc's malloc hands large blocks back to the operating system as soon as they are freed (blocks over 128 KiB are
/// mapped and unmapped one by one, and the heap's free top is trimmed). A detection allocates and frees tens of MB
/// (the decoded image, the input blob, layer outputs), so the next one takes every page again as a fresh page fault.
/// On virtual machines page faults are expensive: on the machine the README's figures come from, the demo model took
/// about 75 ms per newly decoded image instead of 16 ms. <see cref="RetainFreedMemory"/> makes malloc keep freed
/// memory for reuse; the process then holds on to its peak native memory instead of returning it. The same can be had
/// without code by starting the process with
/// <c>GLIBC_TUNABLES=glibc.malloc.trim_threshold=4294967296:glibc.malloc.mmap_threshold=33554432</c>.
/// </remarks>
public static partial class NativeAllocator
{
    private const int TrimThreshold = -1, MmapThreshold = -3;

    /// <summary>glibc's largest accepted mmap threshold on 64-bit systems: blocks above it are still mapped.</summary>
    public const int MaxMmapThreshold = 32 * 1024 * 1024;

    /// <summary>
    /// Tells glibc's malloc to keep freed memory for reuse (no trimming, blocks up to
    /// <see cref="MaxMmapThreshold"/> from the heap). Returns false, changing nothing, where the C library is not glibc
    /// (Windows, macOS, musl); true when both settings were taken. Call it once at start-up, in an app that detects
    /// repeatedly; it affects every native allocation in the process.
    /// </summary>
    public static bool RetainFreedMemory()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // mallopt returns 1 on success, 0 on error.
            return mallopt(TrimThreshold, int.MaxValue) == 1 && mallopt(MmapThreshold, MaxMmapThreshold) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);
}
