using Microsoft.Extensions.Configuration;
using TokenFunction.Policy;
using TokenFunction.Tests.Support;
using TokenFunction.Tests.Support.Infra;

namespace TokenFunction.Tests.Infra;

/// <summary>
/// infra/hooks/preprovision.sh, run as azd runs it (POSIX sh, the azd environment as process environment), with
/// crafted environments: it must refuse what the worker or Azure would refuse, and let the rest through.
/// </summary>
public sealed class PreprovisionHookTests : PreprovisionHookContract
{
    private protected override HookShell Shell => HookShell.Sh;

    [Fact]
    public void Azd_runs_the_hook_before_every_provision_on_every_platform()
    {
        var azure = Yaml.Load("azure.yaml");

        Assert.Equal("sh", Yaml.Str(azure, "hooks", "preprovision", "posix", "shell"));
        Assert.Equal("./infra/hooks/preprovision.sh", Yaml.Str(azure, "hooks", "preprovision", "posix", "run"));
        Assert.Equal("pwsh", Yaml.Str(azure, "hooks", "preprovision", "windows", "shell"));
        Assert.Equal("./infra/hooks/preprovision.ps1", Yaml.Str(azure, "hooks", "preprovision", "windows", "run"));
    }

    [Fact]
    public void The_PowerShell_hook_refuses_the_same_flex_settings()
    {
        var ps1 = File.ReadAllText(RepoLayout.PathOf("infra", "hooks", "preprovision.ps1"));

        Assert.All(AzureFacts.FlexConsumptionRefuses.AppSettings, s => Assert.Contains($"'{s}'", ps1, StringComparison.Ordinal));
    }

    [Fact]
    public void The_PowerShell_hook_refuses_the_same_managed_settings()
    {
        var sh = File.ReadAllText(RepoLayout.PathOf("infra", "hooks", "preprovision.sh"));
        var ps1 = File.ReadAllText(RepoLayout.PathOf("infra", "hooks", "preprovision.ps1"));
        var managed = sh.Split('\n').Single(l => l.StartsWith("managed='", StringComparison.Ordinal))["managed='".Length..].TrimEnd('\'').Split(' ', StringSplitOptions.RemoveEmptyEntries);

        Assert.Contains("Sandbox__Id", managed);
        Assert.All(managed, s => Assert.Contains($"'{s}'", ps1, StringComparison.Ordinal));
    }
}

/// <summary>
/// What both preprovision hooks (sh for Linux and macOS, PowerShell for Windows) must do with the same crafted azd
/// environments; each shell runs every case against the real script.
/// </summary>
public abstract class PreprovisionHookContract
{
    private protected abstract HookShell Shell { get; }

    private static readonly Dictionary<string, string> s_valid = new(StringComparer.Ordinal)
    {
        ["AZURE_LOCATION"] = "swedencentral",
        ["LIVEKIT_URL"] = "wss://my-project.livekit.cloud",
        ["LIVEKIT_API_KEY"] = "APIkey",
        ["LIVEKIT_API_SECRET"] = "a-secret",
        ["AUTH_MODE"] = "Bearer",
        ["AUTH_AUTHORITY"] = "https://login.microsoftonline.com/tenant/v2.0",
        ["AUTH_AUDIENCE"] = "api://app",
        ["EXTRA_APP_SETTINGS"] = "TokenPolicy__MaxTtl=00:30:00; Auth__RoomClaim=roles ;Auth__RoomRules__0__Pattern=support-.*;",
    };

    public static TheoryData<string> FlexRegions => [.. AzureFacts.FlexConsumptionRegions];

    public static TheoryData<string> FlexRefusedSettings => [.. AzureFacts.FlexConsumptionRefuses.AppSettings];

    [Fact]
    public async Task A_valid_environment_passes()
    {
        var (exit, output) = await RunAsync(s_valid);

        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task A_later_provision_without_the_secret_passes_with_a_notice_that_the_vault_keeps_its_secret()
    {
        var (exit, output) = await RunAsync(s_valid, ("LIVEKIT_API_SECRET", null), ("KEY_VAULT_NAME", "kv-abc123"));

        Assert.True(exit == 0, output);
        Assert.Contains("LIVEKIT_API_SECRET is empty: the vault keeps the secret it holds", output, StringComparison.Ordinal);
        Assert.DoesNotContain("LIVEKIT_API_SECRET is empty", (await RunAsync(s_valid)).Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 19 item 2: with no vault yet (KEY_VAULT_NAME, an output of main.bicep, is unset) and no secret, the app
    /// would come up answering 503 to every token request: refused, naming the setting and the command that sets it.
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task A_first_provision_without_the_secret_is_refused_naming_the_setting_and_the_command(string? secret)
    {
        var (exit, output) = await RunAsync(s_valid, ("LIVEKIT_API_SECRET", secret), ("KEY_VAULT_NAME", null));

        Assert.Equal(1, exit);
        Assert.Contains("LIVEKIT_API_SECRET is empty and this environment has no Key Vault yet", output, StringComparison.Ordinal);
        Assert.Contains("azd env set LIVEKIT_API_SECRET", output, StringComparison.Ordinal);
        Assert.Contains("KEY_VAULT_NAME", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_first_provision_with_the_secret_passes()
    {
        var (exit, output) = await RunAsync(s_valid, ("KEY_VAULT_NAME", null));

        Assert.True(exit == 0, output);
    }

    /// <summary>
    /// Issue 19 item 1: the pipeline never carries SANDBOX_ID, so the routes stay on through SANDBOX_ENABLED; an id
    /// set without it would be switched off again by the next push, and an enabled sandbox needs an id in a new vault.
    /// </summary>
    [Theory]
    [InlineData("0123456789abcdef0123", null, "kv-abc", "SANDBOX_ID is set but SANDBOX_ENABLED is not true")]
    [InlineData("0123456789abcdef0123", "false", "kv-abc", "SANDBOX_ID is set but SANDBOX_ENABLED is not true")]
    [InlineData(null, "true", null, "SANDBOX_ENABLED is true but SANDBOX_ID is empty and this environment has no Key Vault yet")]
    [InlineData(null, "yes", "kv-abc", "SANDBOX_ENABLED must be true or false")]
    public async Task A_sandbox_setting_a_push_would_undo_is_refused(string? id, string? enabled, string? vault, string expected)
    {
        var (exit, output) = await RunAsync(s_valid, ("SANDBOX_ID", id), ("SANDBOX_ENABLED", enabled), ("KEY_VAULT_NAME", vault));

        Assert.Equal(1, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789abcdef0123", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0123456789abcdef0123", "true", null)]
    [InlineData(null, "true", "kv-abc")]
    [InlineData(null, "false", null)]
    public async Task A_sandbox_the_pipeline_keeps_passes(string? id, string? enabled, string? vault)
    {
        var (exit, output) = await RunAsync(s_valid, ("SANDBOX_ID", id), ("SANDBOX_ENABLED", enabled), ("KEY_VAULT_NAME", vault));

        Assert.True(exit == 0, output);
    }

    [Theory]
    [MemberData(nameof(FlexRegions))]
    public async Task Every_Flex_Consumption_region_passes(string region)
    {
        var (exit, output) = await RunAsync(s_valid, ("AZURE_LOCATION", region));

        Assert.True(exit == 0, output);
    }

    [Theory]
    [InlineData("westindia")]
    [InlineData("germanynorth")]
    [InlineData("SwedenCentral")]
    [InlineData("sweden")]
    public async Task A_region_without_Flex_Consumption_is_refused(string region)
    {
        Assert.DoesNotContain(region, AzureFacts.FlexConsumptionRegions);

        var (exit, output) = await RunAsync(s_valid, ("AZURE_LOCATION", region));

        Assert.Equal(1, exit);
        Assert.Contains("AZURE_LOCATION does not offer Azure Functions Flex Consumption", output, StringComparison.Ordinal);
        Assert.DoesNotContain($"'{region}'", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wss://my-project.livekit.cloud")]
    [InlineData("ws://localhost:7880")]
    [InlineData("https://livekit.example")]
    [InlineData("http://10.0.0.1:7880")]
    [InlineData("ftp://livekit.example")]
    [InlineData("my-project.livekit.cloud")]
    [InlineData("tcp://livekit.example:7880")]
    [InlineData("wss:/livekit.example")]
    public async Task LIVEKIT_URL_is_judged_as_the_worker_judges_it(string url)
    {
        var workerAccepts = new LiveKitServerOptionsValidator().Validate(null, new LiveKitServerOptions { Url = url }).Succeeded;

        var (exit, output) = await RunAsync(s_valid, ("LIVEKIT_URL", url));

        Assert.True((exit == 0) == workerAccepts, $"worker accepts: {workerAccepts}; hook: {exit} {output}");
        Assert.True(workerAccepts || output.Contains("LIVEKIT_URL must be", StringComparison.Ordinal), output);
        Assert.True(workerAccepts || !output.Contains(url, StringComparison.Ordinal), output);
    }

    [Theory]
    [InlineData("AUTH_AUTHORITY", null, "AUTH_AUTHORITY is empty")]
    [InlineData("AUTH_AUDIENCE", null, "AUTH_AUDIENCE is empty")]
    [InlineData("AUTH_AUTHORITY", "http://issuer.example", "must be https://")]
    [InlineData("AUTH_AUTHORITY", "issuer.example", "must be an https:// URL")]
    [InlineData("AUTH_MODE", "bearer", "AUTH_MODE must be Anonymous or Bearer")]
    public async Task Bearer_mode_without_a_usable_issuer_or_audience_is_refused(string name, string? value, string expected)
    {
        var (exit, output) = await RunAsync(s_valid, (name, value));

        Assert.Equal(1, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.True(value is null || !output.Contains($"'{value}'", StringComparison.Ordinal), output);
    }

    [Fact]
    public async Task A_plain_HTTP_issuer_passes_only_with_RequireHttpsMetadata_off()
    {
        var (exit, output) = await RunAsync(s_valid, ("AUTH_AUTHORITY", "http://localhost:8080/realms/dev"),
            ("EXTRA_APP_SETTINGS", "Auth__RequireHttpsMetadata=false"));

        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task Anonymous_mode_needs_no_issuer()
    {
        var (exit, output) = await RunAsync(s_valid, ("AUTH_MODE", null), ("AUTH_AUTHORITY", null), ("AUTH_AUDIENCE", null),
            ("EXTRA_APP_SETTINGS", "TokenPolicy__MaxTtl=00:30:00"));

        Assert.True(exit == 0, output);
    }

    [Theory]
    [MemberData(nameof(FlexRefusedSettings))]
    public async Task Extra_settings_Flex_Consumption_refuses_are_refused(string setting)
    {
        var (exit, output) = await RunAsync(s_valid, ("EXTRA_APP_SETTINGS", $"TokenPolicy__MaxTtl=00:30:00;{setting}=1"));

        Assert.Equal(1, exit);
        Assert.Contains($"must not set {setting}: Flex Consumption does not support it", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LIVEKIT_URL=wss://other", "must not set LIVEKIT_URL")]
    [InlineData("TokenPolicy__MaxRequestBodyBytes=1024", "must not set TokenPolicy__MaxRequestBodyBytes")]
    [InlineData("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT=1", "must not set FUNCTIONS_REQUEST_BODY_SIZE_LIMIT")]
    [InlineData("Auth__Mode=Anonymous", "must not set Auth__Mode")]
    [InlineData("Sandbox__Id=0123456789abcdef0123456789abcdef", "must not set Sandbox__Id: the template sets it")]
    [InlineData("TokenPolicy__MaxTtl=00:30:00;sandbox__ID=0123456789abcdef0123456789abcdef", "must not set sandbox__ID: the template sets it")]
    [InlineData("auth__mode=Anonymous", "must not set auth__mode: the template sets it")]
    [InlineData("AzureWebJobsStorage__accountName=x", "must not set AzureWebJobsStorage__accountName")]
    [InlineData("LIVEKIT_API_SECRET=s", "must not set LIVEKIT_API_SECRET: secrets belong in Key Vault")]
    [InlineData("TokenPolicy__RoomNamePattern=^room-\\d+$", "must not contain \" or \\")]
    [InlineData("Auth__Audience=\"x\"", "must not contain \" or \\")]
    [InlineData("TokenPolicy__MaxTtl", "entry 1 (counting from 1, split at ;) is not NAME=value")]
    [InlineData("=00:30:00", "entry 1 (counting from 1, split at ;) is not NAME=value")]
    public async Task Extra_settings_the_template_owns_or_azd_cannot_carry_are_refused(string extra, string expected)
    {
        var (exit, output) = await RunAsync(s_valid, ("EXTRA_APP_SETTINGS", extra));

        Assert.Equal(1, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 19 item 6: a malformed entry is named by its position, never echoed: the part without a name may well be a
    /// value (a secret pasted into the wrong place), and the output lands in CI logs.
    /// </summary>
    [Theory]
    [InlineData("TokenPolicy__MaxTtl=00:30:00;pasted-value-4f2a9c;Auth__NameClaim=name", 2, "pasted-value-4f2a9c")]
    [InlineData("=pasted-value-4f2a9c", 1, "pasted-value-4f2a9c")]
    [InlineData(";;Token Policy=pasted-value-4f2a9c", 3, "pasted-value-4f2a9c")]
    public async Task A_malformed_extra_setting_is_named_by_its_position_and_never_echoed(string extra, int position, string value)
    {
        var (exit, output) = await RunAsync(s_valid, ("EXTRA_APP_SETTINGS", extra));

        Assert.Equal(1, exit);
        Assert.Contains($"EXTRA_APP_SETTINGS entry {position} (counting from 1, split at ;) is not NAME=value", output, StringComparison.Ordinal);
        Assert.DoesNotContain(value, output, StringComparison.Ordinal);
    }

    /// <summary>Issue 19 item 6: no refusal or notice prints a value; a passing run prints no value either.</summary>
    [Fact]
    public async Task No_message_prints_a_value()
    {
        var sentinel = "value-sentinel-" + Guid.NewGuid().ToString("N")[..8];
        (string Name, string? Value)[][] cases =
        [
            [("LIVEKIT_URL", sentinel)],
            [("AUTH_AUTHORITY", sentinel)],
            [("AUTH_AUTHORITY", "http://" + sentinel)],
            [("AUTH_MODE", sentinel)],
            [("AZURE_LOCATION", sentinel)],
            [("SANDBOX_ENABLED", sentinel)],
            [("EXTRA_APP_SETTINGS", "Auth__NameClaim=" + sentinel), ("AUTH_MODE", "Anonymous")],
            [("EXTRA_APP_SETTINGS", "LIVEKIT_URL=" + sentinel)],
            [("EXTRA_APP_SETTINGS", "WEBSITE_RUN_FROM_PACKAGE=" + sentinel)],
            [("EXTRA_APP_SETTINGS", "My_Secret=" + sentinel)],
            [("EXTRA_APP_SETTINGS", "TokenPolicy__MaxTtl=" + sentinel)],
            [("LIVEKIT_API_SECRET", sentinel)],
            [("SANDBOX_ID", sentinel), ("SANDBOX_ENABLED", "true")],
        ];

        foreach (var changes in cases)
        {
            var (_, output) = await RunAsync(s_valid, changes);

            Assert.False(output.Contains(sentinel, StringComparison.Ordinal), $"{changes[0].Name}: {output}");
        }
    }

    /// <summary>
    /// Issue 19 item 8: in Anonymous mode the worker refuses to start when another Auth__ setting has a value
    /// (CallerAuthenticationOptionsValidator, judged here on the same entry); the hook refuses the same entries first.
    /// </summary>
    [Theory]
    [InlineData("Auth__NameClaim=name")]
    [InlineData("Auth__RoomClaim=roles")]
    [InlineData("auth__requirehttpsmetadata=false")]
    [InlineData("Auth__RoomRules__0__Pattern=support-.*")]
    [InlineData("Auth__NameClaim=")]
    [InlineData("Auth__NameClaim=   ")]
    [InlineData("TokenPolicy__MaxTtl=00:30:00")]
    [InlineData("Authority__X=1")]
    public async Task Anonymous_mode_refuses_bearer_settings_as_the_worker_does(string entry)
    {
        var name = entry[..entry.IndexOf('=', StringComparison.Ordinal)];
        var value = entry[(entry.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new(name.Replace("__", ":", StringComparison.Ordinal), value)])
            .Build();
        var workerAccepts = new TokenFunction.Auth.CallerAuthenticationOptionsValidator(configuration.GetSection("Auth"))
            .Validate(null, new TokenFunction.Auth.CallerAuthenticationOptions()).Succeeded;

        foreach (var mode in new string?[] { null, "Anonymous" })
        {
            var (exit, output) = await RunAsync(s_valid, ("AUTH_MODE", mode), ("AUTH_AUTHORITY", null), ("AUTH_AUDIENCE", null), ("EXTRA_APP_SETTINGS", entry));

            Assert.True((exit == 0) == workerAccepts, $"worker accepts: {workerAccepts}; hook: {exit} {output}");
            Assert.True(workerAccepts || output.Contains($"EXTRA_APP_SETTINGS sets {name}, a bearer-mode setting, but AUTH_MODE is Anonymous", StringComparison.Ordinal), output);
        }

        // Bearer mode takes them.
        var (bearerExit, bearerOutput) = await RunAsync(s_valid, ("EXTRA_APP_SETTINGS", entry));
        Assert.True(bearerExit == 0, bearerOutput);
    }

    /// <summary>
    /// Issue 19 item 3: after `azd down` without --purge the vault is soft-deleted and its name taken; before a first
    /// provision the hook asks the Azure CLI (a fake here) for this environment's deleted vault and names both ways out.
    /// </summary>
    [Fact]
    public async Task A_soft_deleted_vault_is_found_before_a_first_provision_and_the_ways_out_named()
    {
        var environment = Environment(("KEY_VAULT_NAME", null), ("AZURE_ENV_NAME", "tokens"), ("AZURE_SUBSCRIPTION_ID", "sub-1"), ("FAKE_AZ_DELETED", "kv-deleted123"));

        var (exit, output, calls) = await HookRunner.RunWithToolsAsync(Shell, "preprovision", environment);

        Assert.Equal(1, exit);
        Assert.Contains("Key Vault kv-deleted123 is soft-deleted", output, StringComparison.Ordinal);
        Assert.Contains("azd env set KEY_VAULT_RECOVER true", output, StringComparison.Ordinal);
        Assert.Contains("az keyvault purge --name kv-deleted123", output, StringComparison.Ordinal);
        var call = Assert.Single(calls);
        Assert.StartsWith("az keyvault list-deleted ", call, StringComparison.Ordinal);
        Assert.Contains("--subscription sub-1", call, StringComparison.Ordinal);
        Assert.Contains("azd-env-name", call, StringComparison.Ordinal);
        Assert.Contains("=='tokens'", call, StringComparison.Ordinal);
        Assert.Contains("=='swedencentral'", call, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "0")]
    [InlineData("", "1")]
    [InlineData("kv-deleted123", "1")]
    public async Task No_deleted_vault_or_no_answer_from_the_CLI_lets_a_first_provision_through(string deleted, string azExit)
    {
        var environment = Environment(("KEY_VAULT_NAME", null), ("AZURE_ENV_NAME", "tokens"), ("FAKE_AZ_DELETED", deleted), ("FAKE_AZ_EXIT", azExit));

        var (exit, output, calls) = await HookRunner.RunWithToolsAsync(Shell, "preprovision", environment);

        Assert.True(exit == 0, output);
        Assert.Single(calls);
    }

    [Fact]
    public async Task Recovering_brings_the_secret_back_so_none_is_needed_and_the_CLI_is_not_asked()
    {
        var environment = Environment(("KEY_VAULT_NAME", null), ("LIVEKIT_API_SECRET", null), ("KEY_VAULT_RECOVER", "true"), ("FAKE_AZ_DELETED", "kv-deleted123"));

        var (exit, output, calls) = await HookRunner.RunWithToolsAsync(Shell, "preprovision", environment);

        Assert.True(exit == 0, output);
        Assert.Empty(calls);
    }

    [Theory]
    [InlineData("true", "kv-abc", "KEY_VAULT_RECOVER is true but this environment's vault exists")]
    [InlineData("yes", null, "KEY_VAULT_RECOVER must be true or false")]
    public async Task A_recovery_that_cannot_work_is_refused(string recover, string? vault, string expected)
    {
        var (exit, output, calls) = await HookRunner.RunWithToolsAsync(Shell, "preprovision", Environment(("KEY_VAULT_RECOVER", recover), ("KEY_VAULT_NAME", vault)));

        Assert.Equal(1, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_later_provision_does_not_ask_the_CLI()
    {
        var (exit, output, calls) = await HookRunner.RunWithToolsAsync(Shell, "preprovision", Environment(("KEY_VAULT_NAME", "kv-abc"), ("FAKE_AZ_DELETED", "kv-abc")));

        Assert.True(exit == 0, output);
        Assert.Empty(calls);
    }

    private static Dictionary<string, string> Environment(params (string Name, string? Value)[] changes)
    {
        var environment = new Dictionary<string, string>(s_valid, StringComparer.Ordinal);
        foreach (var (name, value) in changes)
        {
            if (value is null)
            {
                environment.Remove(name);
            }
            else
            {
                environment[name] = value;
            }
        }

        return environment;
    }

    private Task<(int Exit, string Output)> RunAsync(IReadOnlyDictionary<string, string> baseline, params (string Name, string? Value)[] changes)
    {
        Assert.Same(s_valid, baseline);
        return HookRunner.RunAsync(Shell, "preprovision", Environment(changes));
    }
}

/// <summary>
/// Issue 19 item 7: infra/hooks/preprovision.ps1, the hook azd runs on Windows, with PowerShell 7.6.9 (the .NET tool)
/// against the same crafted environments as the sh hook, so the two stay in step.
/// </summary>
public sealed class PwshPreprovisionHookTests : PreprovisionHookContract
{
    private protected override HookShell Shell => HookShell.Pwsh;
}
