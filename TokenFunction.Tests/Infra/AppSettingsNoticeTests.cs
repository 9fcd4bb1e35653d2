using TokenFunction.Tests.Support.Infra;

namespace TokenFunction.Tests.Infra;

/// <summary>
/// Issue 19 item 4: every provision replaces the app's whole settings list, so the preprovision hooks say which names
/// it will set (no values). The list must be the one Bicep writes: compared with the deployment snapshots' app
/// settings, each taken with its own inputs (bearer or anonymous, different extra settings).
/// </summary>
[Collection(InfraTestGroup.Name)]
public sealed class AppSettingsNoticeTests(InfraFixture infra)
{
    private const string s_notice = "preprovision: this provision sets exactly these app settings and removes any other (settings live in the azd environment: docs/deploy.md, Settings):";

    public static TheoryData<HookShell> Shells => [HookShell.Sh, HookShell.Pwsh];

    [Theory]
    [MemberData(nameof(Shells))]
    public async Task The_hook_names_the_app_settings_the_template_writes(HookShell shell)
    {
        foreach (var snapshot in infra.Documents.Snapshots)
        {
            var inputs = snapshot.Inputs;
            var environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["AZURE_LOCATION"] = inputs.Location,
                ["LIVEKIT_URL"] = inputs.LivekitUrl,
                ["LIVEKIT_API_KEY"] = inputs.LivekitApiKey,
                ["LIVEKIT_API_SECRET"] = inputs.LivekitApiSecret,
                ["AUTH_MODE"] = inputs.BearerMode ? "Bearer" : "Anonymous",
                ["AUTH_AUTHORITY"] = inputs.AuthAuthority,
                ["AUTH_AUDIENCE"] = inputs.AuthAudience,
                ["SANDBOX_ENABLED"] = inputs.SandboxEnabled ? "true" : "false",
                ["EXTRA_APP_SETTINGS"] = string.Join(";", inputs.ExtraAppSettings.Select(s => $"{s.Key}={s.Value}")),
            };
            if (!inputs.BearerMode)
            {
                environment.Remove("AUTH_AUTHORITY");
                environment.Remove("AUTH_AUDIENCE");
            }

            var (exit, output) = await HookRunner.RunAsync(shell, "preprovision", environment);

            Assert.True(exit == 0, output);
            var line = Assert.Single(output.Split('\n'), l => l.StartsWith(s_notice, StringComparison.Ordinal));
            var named = line[s_notice.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
            var written = InfraRules.AppSettingsOf(snapshot.Document)!.Select(p => p.Key).Order(StringComparer.Ordinal);
            Assert.Equal(written, named);
            Assert.DoesNotContain(inputs.LivekitUrl, output, StringComparison.Ordinal);
            Assert.All(inputs.ExtraAppSettings.Values, v => Assert.DoesNotContain(v, output, StringComparison.Ordinal));
        }
    }
}
