using MaskRcnn.Tests.Models;
using MaskRcnn.Tests.Tool;

namespace MaskRcnn.Tests.Packaging;

/// <summary>
/// The four library packages packed once from the Release build into a local feed, under a unique prerelease version
/// so the machine's NuGet cache never serves an older package; that version is removed from the cache afterwards.
/// </summary>
public sealed class PackageFeed : IDisposable
{
    public static readonly string[] Ids = ["MaskRcnn", "MaskRcnn.Coco", "MaskRcnn.Models", "MaskRcnn.Synthetic"];

    private readonly TempFolder _temp = new();

    public PackageFeed()
    {
        foreach (var project in Ids)
        {
            var built = RepositoryPaths.Combine("src", project, "bin", "Release", "net8.0", project + ".dll");
            if (!File.Exists(built)) throw new InvalidOperationException($"{built} is missing: build the solution in Release first (./build.sh test does).");
        }
        Folder = Path.Combine(_temp.Path, "feed");
        var suffix = "test." + Guid.NewGuid().ToString("N")[..12];
        foreach (var project in Ids)
            Dotnet(RepositoryPaths.Root, "pack", $"src/{project}", "-c", "Release", "--no-build", "-o", Folder, $"-p:VersionSuffix={suffix}");
        var name = Path.GetFileNameWithoutExtension(Directory.GetFiles(Folder, "MaskRcnn.0.*.nupkg").Single());
        Version = name["MaskRcnn.".Length..];
        // An isolated NuGet.config: the local feed and nuget.org only.
        File.WriteAllText(Path.Combine(_temp.Path, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Folder}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
            </configuration>
            """);
    }

    /// <summary>The feed folder.</summary>
    public string Folder { get; }

    /// <summary>The packages' version: 0.1.&lt;git height&gt;-test.&lt;random&gt;.</summary>
    public string Version { get; }

    /// <summary>Where consumer apps are made (it holds the NuGet.config).</summary>
    public string Root => _temp.Path;

    /// <summary>The dotnet CLI without the MSBuild settings of the test run, so the child builds on its own.</summary>
    internal static ProcessResult Dotnet(string workingDirectory, params string[] args)
    {
        var environment = new Dictionary<string, string?> { ["DOTNET_NOLOGO"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" };
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
                environment[name] = null;
        var result = ProcessRunner.Run(ProcessRunner.Dotnet, args, workingDirectory, environment, TimeSpan.FromMinutes(4));
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', args)}:\n{result}");
        return result;
    }

    /// <summary>Builds a console app that references <paramref name="packages"/> (and OpenCV's runtime when
    /// <paramref name="openCvRuntime"/>) from the feed, runs it with <paramref name="args"/> and returns its output lines.</summary>
    public IReadOnlyList<string> RunConsumer(string name, string[] packages, bool openCvRuntime, string program, params string[] args)
    {
        var app = Path.Combine(Root, name);
        Directory.CreateDirectory(app);
        var references = packages.Select(p => $"""    <PackageReference Include="{p}" Version="{Version}" />""").ToList();
        if (openCvRuntime) references.Add("""    <PackageReference Include="OpenCvSharp4.official.runtime.linux-x64" Version="4.13.0.20260627" />""");
        File.WriteAllText(Path.Combine(app, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
            {string.Join('\n', references)}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), program);
        Dotnet(app, "build", "-c", "Release");
        var assets = File.ReadAllText(Path.Combine(app, "obj", "project.assets.json"));
        foreach (var package in packages) Assert.Contains($"\"{package}/{Version}\"", assets, StringComparison.Ordinal);
        return Dotnet(app, [Path.Combine(app, "bin", "Release", "net10.0", name + ".dll"), .. args]).StdoutLines;
    }

    public void Dispose()
    {
        _temp.Dispose();
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in Ids)
        {
            var folder = Path.Combine(packages, id.ToLowerInvariant(), Version);
            try
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover test version is never resolved by anything else.
            }
        }
    }
}
