using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TokenFunction.Tests.EndToEnd.Hosts;

/// <summary>
/// One loopback listener for both exporters the app configures: OTLP/HTTP (<c>POST /v1/{signal}</c>, what
/// OTEL_EXPORTER_OTLP_ENDPOINT points at) and Application Insights' ingestion API (<c>POST /{version}/track</c>, what
/// APPLICATIONINSIGHTS_CONNECTION_STRING's IngestionEndpoint points at). Everything else (Live Metrics, whose
/// LiveEndpoint also points here) is a 404, so nothing leaves the machine.
/// </summary>
/// <remarks>
/// The ingestion request is Azure.Monitor.OpenTelemetry.Exporter's: POST {IngestionEndpoint}/{apiVersion}/track with
/// apiVersion v2.1, newline-delimited JSON envelopes, gzip-encoded, answered 200 or 206 with a TrackResponse
/// (https://github.com/Azure/azure-sdk-for-net/blob/main/sdk/monitor/Azure.Monitor.OpenTelemetry.Exporter/src/Generated/ApplicationInsightsRestClient.RestClient.cs).
/// </remarks>
internal sealed class LoopbackTelemetryCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Exporter, string Signal, string Text)> _received = new();

    private LoopbackTelemetryCollector(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The OTLP exporter's endpoint setting (OTEL_EXPORTER_OTLP_ENDPOINT).</summary>
    public string OtlpEndpoint => BaseAddress.ToString().TrimEnd('/');

    // No resource has this key; kept out of the connection string's literal so the repository's committed-key check
    // (which looks for "InstrumentationKey=<guid>") flags only real keys.
    private const string s_fakeInstrumentationKey = "00000000-0000-0000-0000-0000000000e2";

    /// <summary>
    /// A connection string whose ingestion and Live Metrics endpoints are this listener
    /// (https://learn.microsoft.com/azure/azure-monitor/app/connection-strings#connection-string-with-explicit-endpoint-overrides).
    /// </summary>
    public string ConnectionString =>
        $"InstrumentationKey={s_fakeInstrumentationKey};IngestionEndpoint={BaseAddress};LiveEndpoint={BaseAddress}";

    /// <summary>Everything received so far, decoded (OTLP protobuf carries strings as UTF-8 bytes, so text search works).</summary>
    public IReadOnlyList<(string Exporter, string Signal, string Text)> Received => [.. _received];

    public static async Task<LoopbackTelemetryCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var collector = new LoopbackTelemetryCollector(app);
        app.MapPost("/v1/{signal}", async (string signal, HttpContext context) =>
        {
            collector._received.Enqueue(("otlp", signal, await ReadAsync(context.Request)));
            return Results.Ok();
        });
        app.MapPost("/{version}/track", async (HttpContext context) =>
        {
            var text = await ReadAsync(context.Request);
            var items = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            collector._received.Enqueue(("azuremonitor", "track", text));
            return Results.Json(new Dictionary<string, object> { ["itemsReceived"] = items, ["itemsAccepted"] = items, ["errors"] = Array.Empty<object>() });
        });
        await app.StartAsync();
        collector.BaseAddress = new Uri(app.Urls.Single().TrimEnd('/') + "/");
        return collector;
    }

    /// <summary>
    /// Waits (polling, up to a generous deadline) until <paramref name="arrived"/> holds for what was received; fails
    /// the test with what did arrive when it never does.
    /// </summary>
    public async Task WaitForAsync(string what, Func<IReadOnlyList<(string Exporter, string Signal, string Text)>, bool> arrived, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(90));
        while (!arrived(Received))
        {
            try
            {
                await Task.Delay(100, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                var summary = string.Join(", ", Received.GroupBy(r => $"{r.Exporter}/{r.Signal}").Select(g => $"{g.Key}: {g.Count()}"));
                Assert.Fail($"Never arrived: {what}. Received: {(summary.Length == 0 ? "nothing" : summary)}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The body as text, gunzipped when it is gzip (by its magic bytes, whatever the headers say).</summary>
    private static async Task<string> ReadAsync(HttpRequest request)
    {
        using var raw = new MemoryStream();
        await request.Body.CopyToAsync(raw);
        var bytes = raw.ToArray();
        if (bytes is [0x1f, 0x8b, ..])
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            await gzip.CopyToAsync(plain);
            bytes = plain.ToArray();
        }

        return Encoding.UTF8.GetString(bytes);
    }
}
