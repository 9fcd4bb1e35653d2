using TokenFunction.Tests.Support.Infra;

namespace TokenFunction.Tests.Infra;

/// <summary>infra/hooks/postprovision.sh, run with a fake <c>azd</c> on PATH that records what it is asked to do.</summary>
public sealed class PostprovisionHookTests : PostprovisionHookContract
{
    private protected override HookShell Shell => HookShell.Sh;

    [Fact]
    public void Azd_runs_the_hook_after_every_provision_on_every_platform()
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
    public async Task The_secret_and_the_sandbox_id_are_emptied_in_the_azd_environment_without_printing_them()
    {
        var (exit, output, calls) = await RunAsync(new() { ["LIVEKIT_API_SECRET"] = s_secret, ["SANDBOX_ID"] = s_sandboxId, ["SANDBOX_ENABLED"] = "true" });

        Assert.True(exit == 0, output);
        Assert.Equal(["azd env set LIVEKIT_API_SECRET ", "azd env set SANDBOX_ID "], calls);
        Assert.Contains("LIVEKIT_API_SECRET is in Key Vault now and was emptied", output, StringComparison.Ordinal);
        Assert.DoesNotContain(s_secret, output, StringComparison.Ordinal);
        Assert.DoesNotContain(s_sandboxId, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_is_touched_when_no_secret_was_set()
    {
        var (exit, output, calls) = await RunAsync(new() { ["SANDBOX_ENABLED"] = "true", ["KEY_VAULT_NAME"] = "kv-abc" });

        Assert.True(exit == 0, output);
        Assert.Empty(calls);
    }

    /// <summary>Issue 19 item 3: once a provision has recovered the vault, the next one must not try to recover it again.</summary>
    [Fact]
    public async Task KEY_VAULT_RECOVER_is_set_back_to_false_after_the_provision_that_recovered()
    {
        var (exit, output, calls) = await RunAsync(new() { ["KEY_VAULT_RECOVER"] = "true", ["KEY_VAULT_NAME"] = "kv-abc" });

        Assert.True(exit == 0, output);
        Assert.Equal(["azd env set KEY_VAULT_RECOVER false"], calls);
        Assert.Empty((await RunAsync(new() { ["KEY_VAULT_RECOVER"] = "false" })).Calls);
    }

    [Fact]
    public async Task A_failed_azd_call_fails_the_hook_naming_the_command()
    {
        var (exit, output, _) = await RunAsync(new() { ["LIVEKIT_API_SECRET"] = s_secret, ["FAKE_AZD_EXIT"] = "3" });

        Assert.Equal(1, exit);
        Assert.Contains("azd env set LIVEKIT_API_SECRET ''", output, StringComparison.Ordinal);
        Assert.DoesNotContain(s_secret, output, StringComparison.Ordinal);
    }

    private Task<(int Exit, string Output, List<string> Calls)> RunAsync(Dictionary<string, string> environment) =>
        HookRunner.RunWithToolsAsync(Shell, "postprovision", environment);
}

/// <summary>Issue 19 item 7: infra/hooks/postprovision.ps1 with PowerShell 7.6.9 and the same fake azd.</summary>
public sealed class PwshPostprovisionHookTests : PostprovisionHookContract
{
    private protected override HookShell Shell => HookShell.Pwsh;
}
