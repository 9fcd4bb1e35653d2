using System.Diagnostics;
using System.Text.Json;
using TokenFunction.Tests.Support;

namespace TokenFunction.Tests.Contract;

/// <summary>.devcontainer/devcontainer.json parses and provides exactly what the README's quick start says it does.</summary>
public sealed class DevContainerTests
{
    private static readonly JsonElement s_container = ReadJsonc(RepoLayout.PathOf(".devcontainer", "devcontainer.json"));

    /// <summary>What the README promises, and how the container keeps each promise.</summary>
    private static readonly (string Readme, Func<JsonElement, string?, bool> Provides)[] s_promises =
    [
        (".NET 10 SDK", (c, key) => key is null && Image(c).StartsWith("mcr.microsoft.com/devcontainers/dotnet:", StringComparison.Ordinal)
            && Image(c).Contains($"-{SdkMajor()}.0", StringComparison.Ordinal)),
        ("Node.js 20", (c, key) => key?.StartsWith("ghcr.io/devcontainers/features/node:", StringComparison.Ordinal) == true
            && c.GetProperty("features").GetProperty(key).GetProperty("version").GetString() == "20"),
        ("Azure Functions Core Tools v4", (c, key) => key?.StartsWith("ghcr.io/jlaundry/devcontainer-features/azure-functions-core-tools:", StringComparison.Ordinal) == true
            && (!c.GetProperty("features").GetProperty(key).TryGetProperty("version", out var v) || v.GetString() is "latest" or ['4', ..])),
        ("Azure Developer CLI", (_, key) => key?.StartsWith("ghcr.io/azure/azure-dev/azd:", StringComparison.Ordinal) == true),
        ("Azure CLI", (_, key) => key?.StartsWith("ghcr.io/devcontainers/features/azure-cli:", StringComparison.Ordinal) == true),
    ];

    [Fact]
    public void The_quick_start_names_what_the_container_provides_and_nothing_else()
    {
        var quickStart = QuickStart();
        Assert.Contains(".devcontainer/devcontainer.json", quickStart, StringComparison.Ordinal);
        var features = s_container.GetProperty("features").EnumerateObject().Select(f => f.Name).ToList();
        foreach (var (readme, provides) in s_promises)
        {
            Assert.True(quickStart.Contains(readme, StringComparison.Ordinal), $"the README's quick start does not mention {readme}");
            Assert.True(provides(s_container, null) || features.Any(f => provides(s_container, f)), $"the dev container does not provide {readme}");
        }

        // The reverse: every feature the container installs is one the README names.
        Assert.All(features, f => Assert.True(s_promises.Any(p => p.Provides(s_container, f)), $"{f} is installed but the README does not say so"));
    }

    [Fact]
    public void The_ports_func_start_listens_on_are_forwarded()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(RepoLayout.PathOf("local.settings.sample.json")));
        var port = sample.RootElement.GetProperty("Host").GetProperty("LocalHttpPort").GetInt32();

        Assert.Contains(port, s_container.GetProperty("forwardPorts").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Contains($"port {port}", QuickStart(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_first_start_creates_local_settings_from_the_sample_and_never_overwrites_them()
    {
        var command = s_container.GetProperty("postCreateCommand").GetString()!;
        var workspace = Directory.CreateTempSubdirectory("devcontainer-");
        try
        {
            File.Copy(RepoLayout.PathOf("local.settings.sample.json"), Path.Combine(workspace.FullName, "local.settings.sample.json"));

            await RunAsync(command, workspace.FullName);
            Assert.Equal(
                await File.ReadAllTextAsync(RepoLayout.PathOf("local.settings.sample.json")),
                await File.ReadAllTextAsync(Path.Combine(workspace.FullName, "local.settings.json")));

            await File.WriteAllTextAsync(Path.Combine(workspace.FullName, "local.settings.json"), "{\"edited\":true}");
            await RunAsync(command, workspace.FullName);
            Assert.Equal("{\"edited\":true}", await File.ReadAllTextAsync(Path.Combine(workspace.FullName, "local.settings.json")));
        }
        finally
        {
            workspace.Delete(recursive: true);
        }
    }

    [Fact]
    public void Nothing_is_fetched_by_ad_hoc_scripts()
    {
        var text = File.ReadAllText(RepoLayout.PathOf(".devcontainer", "devcontainer.json"));

        Assert.DoesNotContain("curl", text, StringComparison.Ordinal);
        Assert.DoesNotContain("wget", text, StringComparison.Ordinal);
        Assert.False(s_container.TryGetProperty("build", out _), "use a published image, not a Dockerfile");
        Assert.Equal(["devcontainer.json"], Directory.GetFiles(RepoLayout.PathOf(".devcontainer")).Select(Path.GetFileName));
    }

    private static string Image(JsonElement container) => container.GetProperty("image").GetString()!;

    private static string SdkMajor()
    {
        using var global = JsonDocument.Parse(File.ReadAllText(RepoLayout.PathOf("global.json")));
        return global.RootElement.GetProperty("sdk").GetProperty("version").GetString()!.Split('.')[0];
    }

    private static string QuickStart()
    {
        var readme = File.ReadAllText(RepoLayout.PathOf("README.md"));
        var start = readme.IndexOf("## Quick start", StringComparison.Ordinal);
        Assert.True(start >= 0, "the README has no quick start");
        var end = readme.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        return readme[start..(end < 0 ? readme.Length : end)];
    }

    /// <summary>devcontainer.json is JSON with comments (and trailing commas), as the spec allows.</summary>
    private static JsonElement ReadJsonc(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return document.RootElement.Clone();
    }

    private static async Task RunAsync(string command, string directory)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { WorkingDirectory = directory, RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"postCreateCommand failed ({process.ExitCode}): {error}");
    }
}
