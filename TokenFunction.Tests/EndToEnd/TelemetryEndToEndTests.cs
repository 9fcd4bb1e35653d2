using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TokenFunction.Telemetry;
using TokenFunction.Tests.EndToEnd.Hosts;

namespace TokenFunction.Tests.EndToEnd;

/// <summary>
/// The built worker under the host emulator, with OTEL_EXPORTER_OTLP_ENDPOINT pointed at a loopback OTLP/HTTP listener
/// in this test: after a few requests its metrics arrive there.
/// </summary>
[Collection("Worker processes")]
public sealed class TelemetryEndToEndTests(EndToEndLog log) : IAsyncLifetime, IClassFixture<EndToEndLog>
{
    private readonly ConcurrentQueue<(string Signal, byte[] Body)> _received = new();
    private WebApplication? _collector;
    private IAppHost? _host;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _collector = builder.Build();
        _collector.MapPost("/v1/{signal}", async (string signal, HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            _received.Enqueue((signal, body.ToArray()));
            return Results.Ok();
        });
        await _collector.StartAsync();

        var options = WorkerFixture.DefaultOptions();
        options.AppSettings[TelemetryServiceCollectionExtensions.OtlpEndpointSetting] = _collector.Urls.Single();
        options.AppSettings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        // Export quickly rather than once a minute, so the test need not wait long.
        options.AppSettings["OTEL_METRIC_EXPORT_INTERVAL"] = "500";
        options.AppSettings["OTEL_BSP_SCHEDULE_DELAY"] = "500";
        options.AppSettings["OTEL_BLRP_SCHEDULE_DELAY"] = "500";
        _host = await log.StartAsync(options, nameof(TelemetryEndToEndTests));
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_collector is not null)
        {
            await _collector.DisposeAsync();
        }
    }

    [Fact]
    public async Task Metrics_reach_the_configured_otlp_collector_and_nothing_exported_carries_request_values()
    {
        using var client = _host!.CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", _host.FunctionKey);
        var tag = Guid.NewGuid().ToString("N")[..12];
        for (var i = 0; i < 3; i++)
        {
            using var issued = await client.PostAsync("api/token", Json($$"""{"room_name":"room-{{tag}}","participant_identity":"who-{{tag}}"}"""));
            Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        }

        using var refused = await client.PostAsync("api/token", Json("""{"room_admin":true}"""));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        // Bounded wait: the worker exports every 500 ms.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!MetricsText().Contains(TokenServiceTelemetry.Instruments.RequestsRefused, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        var metrics = _received.Where(r => r.Signal == "metrics").ToList();
        Assert.NotEmpty(metrics);
        var text = MetricsText();
        foreach (var name in new[] { TokenServiceTelemetry.Instruments.TokensIssued, TokenServiceTelemetry.Instruments.RequestsRefused, TokenServiceTelemetry.Instruments.RequestDuration })
        {
            Assert.Contains(name, text, StringComparison.Ordinal);
        }

        Assert.Contains("privileged_grant", text, StringComparison.Ordinal);

        // Nothing exported carries the caller's values: metrics and spans never do, and the Information lines that name
        // identity and room (EndpointLog.TokenIssued) stay below the default exported level, Warning. Logs are batched
        // every 500 ms like the metrics: give a late batch time to arrive.
        await Task.Delay(1500);
        foreach (var (signal, body) in _received)
        {
            Assert.DoesNotContain(tag, Encoding.UTF8.GetString(body), StringComparison.Ordinal);
        }
    }

    private string MetricsText() =>
        string.Concat(_received.Where(r => r.Signal == "metrics").Select(r => Encoding.UTF8.GetString(r.Body)));

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
