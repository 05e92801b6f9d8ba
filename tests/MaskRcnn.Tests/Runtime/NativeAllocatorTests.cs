using MaskRcnn.Runtime;

namespace MaskRcnn.Tests.Runtime;

public sealed class NativeAllocatorTests
{
    [Fact]
    public void Glibc_takes_the_settings_and_other_systems_are_left_alone()
    {
        // The test machines run glibc Linux; elsewhere the call must change nothing and say so.
        var glibc = OperatingSystem.IsLinux() && !File.Exists("/lib/ld-musl-x86_64.so.1");
        Assert.Equal(glibc, NativeAllocator.RetainFreedMemory());
        // Calling it again is harmless.
        Assert.Equal(glibc, NativeAllocator.RetainFreedMemory());
    }
}
