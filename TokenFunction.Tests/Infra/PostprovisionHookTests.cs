namespace TokenFunction.Tests.Infra;

/// <summary>infra/hooks/postprovision.sh, run with a fake <c>azd</c> on PATH that records what it is asked to do.</summary>
public sealed class PostprovisionHookTests : PostprovisionHookContract
{
    private protected override HookShell Shell => HookShell.Sh;

    [Fact]
    public void AzdRunsTheHookAfterEveryProvisionOnEveryPlatform()
    {
        var azure = Yaml.Load("azure.yaml");

        Assert.Equal("sh", Yaml.Str(azure, "hooks", "postprovision", "posix", "shell"));
        Assert.Equal("./infra/hooks/postprovision.sh", Yaml.Str(azure, "hooks", "postprovision", "posix", "run"));
        Assert.Equal("pwsh", Yaml.Str(azure, "hooks", "postprovision", "windows", "shell"));
        Assert.Equal("./infra/hooks/postprovision.ps1", Yaml.Str(azure, "hooks", "postprovision", "windows", "run"));
    }
}

/// <summary>
/// Issue 19 item 1: after a provision has written them to Key Vault, the LiveKit secret and the sandbox id are emptied
/// in the azd environment, so neither a later provision from the same machine nor <c>azd pipeline config</c> (which
/// copies every set @secure() parameter's azd value into a GitHub secret, azure-dev cli/azd/pkg/pipeline/pipeline.go,
/// mergeProjectVariablesAndSecrets) can carry an old value over a rotation done in the vault.
/// </summary>
public abstract class PostprovisionHookContract
{
    private const string s_secret = "sentinel-livekit-secret-5f0c";
    private const string s_sandboxId = "sentinel-sandbox-id-9a71b2";

    private protected abstract HookShell Shell { get; }

    [Fact]
    public async Task TheSecretAndTheSandboxIdAreEmptiedInTheAzdEnvironmentWithoutPrintingThem()
    {
        var (exit, output, calls) = await RunAsync(new() { ["LIVEKIT_API_SECRET"] = s_secret, ["SANDBOX_ID"] = s_sandboxId, ["SANDBOX_ENABLED"] = "true" });

        Assert.True(exit == 0, output);
        Assert.Equal(["env set LIVEKIT_API_SECRET ", "env set SANDBOX_ID "], calls);
        Assert.Contains("LIVEKIT_API_SECRET is in Key Vault now and was emptied", output, StringComparison.Ordinal);
        Assert.DoesNotContain(s_secret, output, StringComparison.Ordinal);
        Assert.DoesNotContain(s_sandboxId, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingIsTouchedWhenNoSecretWasSet()
    {
        var (exit, output, calls) = await RunAsync(new() { ["SANDBOX_ENABLED"] = "true", ["KEY_VAULT_NAME"] = "kv-abc" });

        Assert.True(exit == 0, output);
        Assert.Empty(calls);
    }

    [Fact]
    public async Task AFailedAzdCallFailsTheHookNamingTheCommand()
    {
        var (exit, output, _) = await RunAsync(new() { ["LIVEKIT_API_SECRET"] = s_secret, ["FAKE_AZD_EXIT"] = "3" });

        Assert.Equal(1, exit);
        Assert.Contains("azd env set LIVEKIT_API_SECRET ''", output, StringComparison.Ordinal);
        Assert.DoesNotContain(s_secret, output, StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Output, List<string> Calls)> RunAsync(Dictionary<string, string> environment)
    {
        var bin = Directory.CreateTempSubdirectory("fake-azd-");
        try
        {
            var log = Path.Combine(bin.FullName, "calls.log");
            var azd = Path.Combine(bin.FullName, "azd");
            // One line per call: the arguments joined by spaces (an empty last argument leaves a trailing space).
            await File.WriteAllTextAsync(azd, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"$FAKE_AZD_LOG\"\nexit \"${FAKE_AZD_EXIT:-0}\"\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(azd, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            environment["FAKE_AZD_LOG"] = log;

            var (exit, output) = await HookRunner.RunAsync(Shell, "postprovision", environment, bin.FullName);
            var calls = File.Exists(log) ? [.. await File.ReadAllLinesAsync(log)] : new List<string>();
            return (exit, output, calls);
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }
}
