using MaskRcnn.Runtime;

namespace MaskRcnn.Tests.Runtime;

public sealed class NativeRuntimeDiagnosticsTests
{
    // The text .NET's loader gives when OpenCvSharpExtern is present but GTK 3 is not (one line per probed path).
    private const string MissingGtk =
        "Unable to load shared library 'OpenCvSharpExtern' or one of its dependencies. In order to help diagnose loading problems, " +
        "consider using a tool like strace. If you're using glibc, consider setting the LD_DEBUG environment variable:\n" +
        "libgtk-3.so.0: cannot open shared object file: No such file or directory\n" +
        "/app/libOpenCvSharpExtern.so: cannot open shared object file: No such file or directory\n";

    [Fact]
    public void Names_gtk_and_the_apt_command_when_libgtk_is_missing()
    {
        var e = NativeRuntimeDiagnostics.Build(MissingGtk, isLinux: true, isWindows: false, inner: null);

        Assert.Equal("libgtk-3.so.0", e.MissingLibrary);
        Assert.Equal("apt-get install -y libgtk-3-0", e.InstallCommand);
        Assert.Contains("libgtk-3.so.0", e.Message);
        Assert.Contains("sudo apt-get install -y libgtk-3-0", e.Message);
    }

    [Theory]
    [InlineData("libfreetype.so.6", "apt-get install -y libfreetype6 libgtk-3-0")]
    [InlineData("libgdk-3.so.0", "apt-get install -y libgtk-3-0")]
    [InlineData("libunknown.so.7", "apt-get install -y libgtk-3-0")]
    public void Maps_each_direct_dependency_to_its_debian_package(string library, string command)
    {
        var text = $"{library}: cannot open shared object file: No such file or directory";
        var e = NativeRuntimeDiagnostics.Build(text, isLinux: true, isWindows: false, inner: null);
        Assert.Equal(library, e.MissingLibrary);
        Assert.Equal(command, e.InstallCommand);
    }

    [Fact]
    public void Asks_for_the_runtime_package_when_OpenCvSharpExtern_itself_is_absent()
    {
        const string text = "Unable to load shared library 'OpenCvSharpExtern' or one of its dependencies.\n" +
                            "/app/libOpenCvSharpExtern.so: cannot open shared object file: No such file or directory";
        var linux = NativeRuntimeDiagnostics.Build(text, isLinux: true, isWindows: false, inner: null);
        var windows = NativeRuntimeDiagnostics.Build("Unable to load DLL 'OpenCvSharpExtern'", isLinux: false, isWindows: true, inner: null);

        Assert.Null(linux.MissingLibrary);
        Assert.Contains("OpenCvSharp4.official.runtime.linux-x64", linux.Message);
        Assert.Contains("libgtk-3-0", linux.Message);
        Assert.Contains("OpenCvSharp4.runtime.win", windows.Message);
    }

    [Fact]
    public void Recognises_load_failures_wrapped_in_a_type_initializer()
    {
        var wrapped = new TypeInitializationException("OpenCvSharp.Internal.NativeMethods", new DllNotFoundException(MissingGtk));
        Assert.True(NativeRuntimeDiagnostics.IsLoadFailure(wrapped));
        Assert.False(NativeRuntimeDiagnostics.IsLoadFailure(new InvalidOperationException()));
        Assert.Equal("libgtk-3.so.0", NativeRuntimeDiagnostics.Build(wrapped).MissingLibrary);
    }
}
