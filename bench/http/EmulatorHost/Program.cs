using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using TokenFunction.Tests.HostEmulator;

// serve <appDir> <port>: run the worker behind the emulator until stdin closes or SIGTERM.
// cold-start <appDir> <runs>: time worker launch -> first 201 from POST /api/token, print each and the median.
if (args.Length != 3 || args[0] is not ("serve" or "cold-start"))
{
    Console.Error.WriteLine("usage: EmulatorHost serve <appDir> <port> | cold-start <appDir> <runs>");
    return 2;
}

var appDirectory = Path.GetFullPath(args[1]);
var number = int.Parse(args[2], CultureInfo.InvariantCulture);
const string FunctionKey = "bench-function-key";

FunctionsHostEmulatorOptions Options(int port)
{
    var options = new FunctionsHostEmulatorOptions { AppDirectory = appDirectory, HttpPort = port, FunctionKey = FunctionKey };
    options.AppSettings["LIVEKIT_URL"] = "ws://localhost:7880";
    options.AppSettings["LIVEKIT_API_KEY"] = "devkey";
    options.AppSettings["LIVEKIT_API_SECRET"] = "secret";
    options.AppSettings["AZURE_TOKEN_CREDENTIALS"] = "dev";
    // Benchmarks only: tiered compilation's call-counting delay otherwise keeps the worker slow for its first ~40 s.
    if (Environment.GetEnvironmentVariable("BENCH_WORKER_TC_DELAY_0") == "1")
    {
        options.AppSettings["DOTNET_TC_CallCountingDelayMs"] = "0";
    }

    return options;
}

if (args[0] == "serve")
{
    // BENCH_OTLP=1: the worker exports its telemetry (OTLP/HTTP) to a loopback sink in this process that accepts
    // and discards it, so the overhead of collecting and exporting is measured without a real collector.
    await using var sink = Environment.GetEnvironmentVariable("BENCH_OTLP") == "1" ? await OtlpSink.StartAsync() : null;
    var serveOptions = Options(number);
    if (sink is not null)
    {
        serveOptions.AppSettings["OTEL_EXPORTER_OTLP_ENDPOINT"] = sink.Endpoint;
        serveOptions.AppSettings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        Console.WriteLine($"exporting telemetry to {sink.Endpoint}");
    }

    await using var emulator = await FunctionsHostEmulator.StartAsync(serveOptions);
    Console.WriteLine($"ready {emulator.BaseAddress} key={FunctionKey}");
    var stop = new TaskCompletionSource();
    using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
        System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; stop.TrySetResult(); });
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
    await stop.Task;
    if (sink is not null)
    {
        Console.WriteLine($"otlp sink received {sink.Requests} requests, {sink.Bytes} bytes ({sink.Describe()})");
    }

    return 0;
}

var timings = new List<double>();
using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
for (var run = 0; run < number; run++)
{
    var clock = Stopwatch.StartNew();
    await using var emulator = await FunctionsHostEmulator.StartAsync(Options(0));
    var status = HttpStatusCode.NotFound;
    for (var attempt = 0; attempt < 1000 && status != HttpStatusCode.Created; attempt++)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(emulator.BaseAddress, "api/token"))
        {
            Content = new StringContent("""{"roomName":"demo-room","participantName":"demo-user"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-functions-key", FunctionKey);
        using var response = await client.SendAsync(request);
        status = response.StatusCode;
    }

    clock.Stop();
    if (status != HttpStatusCode.Created)
    {
        Console.Error.WriteLine($"run {run + 1}: no 201 (last status {(int)status})");
        return 1;
    }

    timings.Add(clock.Elapsed.TotalMilliseconds);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {run + 1}: {clock.Elapsed.TotalMilliseconds:0} ms"));
}

timings.Sort();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median {timings[timings.Count / 2]:0} ms"));
return 0;

/// <summary>A loopback OTLP/HTTP endpoint that counts and discards what it is sent.</summary>
internal sealed class OtlpSink : IAsyncDisposable
{
    private readonly Microsoft.AspNetCore.Builder.WebApplication _app;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long Requests, long Bytes)> _bySignal = new();
    private long _requests;
    private long _bytes;

    private OtlpSink(Microsoft.AspNetCore.Builder.WebApplication app) => _app = app;

    public string Endpoint => _app.Urls.Single();

    public long Requests => Interlocked.Read(ref _requests);

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Per signal (logs, traces, metrics): requests and bytes, so a run shows which signal costs what.</summary>
    public string Describe() => string.Join(", ", _bySignal.OrderBy(p => p.Key, StringComparer.Ordinal)
        .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}: {p.Value.Requests} requests, {p.Value.Bytes} bytes")));

    public static async Task<OtlpSink> StartAsync()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var sink = new OtlpSink(app);
        app.MapPost("/v1/{signal}", async (string signal, Microsoft.AspNetCore.Http.HttpContext context) =>
        {
            var buffer = new byte[16384];
            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
            {
                total += read;
            }

            Interlocked.Increment(ref sink._requests);
            Interlocked.Add(ref sink._bytes, total);
            sink._bySignal.AddOrUpdate(signal, _ => (1, total), (_, seen) => (seen.Requests + 1, seen.Bytes + total));
            return Microsoft.AspNetCore.Http.Results.Ok();
        });
        await app.StartAsync();
        return sink;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
