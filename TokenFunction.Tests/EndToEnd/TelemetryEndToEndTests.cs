using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TokenFunction.Telemetry;
using TokenFunction.Tests.EndToEnd.Hosts;
using TokenFunction.Tests.EndToEnd.Hosts.Emulator;
using TokenFunction.Tests.Support;
using TokenFunction.Tests.Support.Secrets;

namespace TokenFunction.Tests.EndToEnd;

/// <summary>
/// The built app under this run's host with both exporters it configures pointed at one loopback collector: OTLP
/// (OTEL_EXPORTER_OTLP_ENDPOINT) and Azure Monitor (APPLICATIONINSIGHTS_CONNECTION_STRING's IngestionEndpoint). Each
/// test waits for what it expects to arrive (never for a fixed time), then scans everything exported, by the worker
/// and (under the real host) by the host, for secrets, keys, tokens and the caller's values.
/// </summary>
[Collection(WorkerProcesses.Name)]
public sealed class TelemetryEndToEndTests(EndToEndLog log) : IClassFixture<EndToEndLog>
{
    /// <summary>A LiveKit secret no exported byte may carry.</summary>
    private const string s_secret = "telemetry-e2e-secret-0123456789abcdef0123";

    [Fact]
    public async Task The_apps_metrics_reach_both_exporters_and_nothing_exported_carries_a_key_token_or_the_callers_values()
    {
        await using var collector = await LoopbackTelemetryCollector.StartAsync();
        var options = ExportingTo(collector);
        options.AppSettings["LIVEKIT_API_SECRET"] = s_secret;
        await using var host = await log.StartAsync(options, nameof(TelemetryEndToEndTests));
        using var client = host.CreateClient();
        var tag = Guid.NewGuid().ToString("N")[..12];
        var tokens = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            // The key in the code query parameter as well as the header: neither may reach a URL attribute.
            using var issued = await client.SendAsync(Post($"api/token?code={Uri.EscapeDataString(host.FunctionKey)}", $$"""{"room_name":"room-{{tag}}","participant_identity":"who-{{tag}}"}""", host.FunctionKey));
            var body = await issued.Content.ReadAsStringAsync();
            Assert.True(issued.StatusCode == HttpStatusCode.Created, $"{(int)issued.StatusCode} {body}");
            using var json = JsonDocument.Parse(body);
            tokens.Add(json.RootElement.GetProperty("participant_token").GetString()!);
        }

        using var refused = await client.SendAsync(Post("api/token", """{"room_admin":true}""", host.MasterKey));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        await collector.WaitForAsync("the refusal metric over OTLP", r => Has(r, "otlp", "metrics", TokenServiceTelemetry.Instruments.RequestsRefused));
        await collector.WaitForAsync("the refusal metric at Azure Monitor", r => Has(r, "azuremonitor", "track", TokenServiceTelemetry.Instruments.RequestsRefused));
        foreach (var exporter in new[] { "otlp", "azuremonitor" })
        {
            var text = string.Concat(collector.Received.Where(r => r.Exporter == exporter && r.Signal != "logs" && r.Signal != "traces").Select(r => r.Text));
            foreach (var name in new[] { TokenServiceTelemetry.Instruments.TokensIssued, TokenServiceTelemetry.Instruments.RequestsRefused, TokenServiceTelemetry.Instruments.RequestDuration })
            {
                Assert.True(text.Contains(name, StringComparison.Ordinal), $"{exporter} has no {name}");
            }

            Assert.Contains("privileged_grant", text, StringComparison.Ordinal);
        }

        // The Information lines that name identity and room (EndpointLog.TokenIssued) stay below the exported level
        // (Warning): the caller's values must appear nowhere, nor any key, token or the secret.
        AssertNothingSensitive(collector, host, [tag, .. tokens]);
    }

    [Fact]
    public async Task A_Key_Vault_failure_is_logged_and_nothing_exported_carries_a_key_token_or_secret()
    {
        // A loopback Key Vault with a certificate the worker does not trust: the provider's fetch really fails and
        // logs it (KeyVaultApiCredentialsProvider's LogUnavailable, Error, with the exception), as an unreachable vault would.
        await using var vault = await LoopbackHttpsServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        });
        await using var collector = await LoopbackTelemetryCollector.StartAsync();
        var options = ExportingTo(collector);
        options.AppSettings["LIVEKIT_API_SECRET"] = null;
        options.AppSettings["KEY_VAULT_URI"] = vault.BaseUri.ToString();
        options.AppSettings["KEY_VAULT_WARMUP_TIMEOUT_SECONDS"] = "0";
        await using var host = await log.StartAsync(options, nameof(TelemetryEndToEndTests) + " (Key Vault failing)");
        using var client = host.CreateClient();

        using var unavailable = await client.SendAsync(Post($"api/token?code={Uri.EscapeDataString(host.FunctionKey)}", "{}", key: null));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);

        await collector.WaitForAsync("the Key Vault failure log over OTLP", r => Has(r, "otlp", "logs", "Could not read Key Vault secret"));
        // The request's trace is almost always sampled out (the app keeps 5 %): the log must reach Application Insights
        // all the same (the exporter's trace-based log sampler is off).
        await collector.WaitForAsync("the Key Vault failure log over Azure Monitor", r => Has(r, "azuremonitor", "track", "Could not read Key Vault secret"));
        AssertNothingSensitive(collector, host, []);
    }

    private static FunctionsHostEmulatorOptions ExportingTo(LoopbackTelemetryCollector collector)
    {
        var options = WorkerFixture.DefaultOptions();
        options.AppSettings[TelemetryServiceCollectionExtensions.OtlpEndpointSetting] = collector.OtlpEndpoint;
        options.AppSettings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        options.AppSettings[TelemetryServiceCollectionExtensions.ConnectionStringSetting] = collector.ConnectionString;
        // Statsbeat would report to Microsoft's own endpoint: off (loopback only). The exporter's documented opt-out:
        // https://github.com/Azure/azure-sdk-for-net/blob/main/sdk/monitor/Azure.Monitor.OpenTelemetry.Exporter/src/Internals/Platform/EnvironmentVariableConstants.cs
        options.AppSettings["APPLICATIONINSIGHTS_STATSBEAT_DISABLED"] = "true";
        // Export every 500 ms rather than once a minute, so what the test waits for arrives soon.
        options.AppSettings["OTEL_METRIC_EXPORT_INTERVAL"] = "500";
        options.AppSettings["OTEL_BSP_SCHEDULE_DELAY"] = "500";
        options.AppSettings["OTEL_BLRP_SCHEDULE_DELAY"] = "500";
        return options;
    }

    private static bool Has(IReadOnlyList<(string Exporter, string Signal, string Text)> received, string exporter, string signal, string text) =>
        received.Any(r => r.Exporter == exporter && r.Signal == signal && r.Text.Contains(text, StringComparison.Ordinal));

    private static void AssertNothingSensitive(LoopbackTelemetryCollector collector, IAppHost host, IEnumerable<string> alsoForbidden)
    {
        var forbidden = new[] { s_secret, host.FunctionKey, host.MasterKey, Uri.EscapeDataString(host.FunctionKey) }.Concat(alsoForbidden).ToList();
        foreach (var (exporter, signal, text) in collector.Received)
        {
            foreach (var value in forbidden)
            {
                Assert.False(text.Contains(value, StringComparison.Ordinal), $"{exporter}/{signal} exported a forbidden value ({value[..Math.Min(6, value.Length)]}…)");
            }

            Assert.DoesNotContain("eyJ", text, StringComparison.Ordinal);
        }
    }

    private static HttpRequestMessage Post(string path, string json, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        return request;
    }
}
