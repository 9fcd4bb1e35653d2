using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenFunction.Auth;
using TokenFunction.Functions;
using TokenFunction.Http;
using TokenFunction.Secrets;
using TokenFunction.Tests.Support.Fakes;

namespace TokenFunction.Benchmarks;

/// <summary>
/// Request in, response out, through the function classes in-process (no host): build the request, authenticate,
/// read and parse the body, apply policy, sign, write the JSON response. Target: ≤ 25 µs and ≤ 8 KB per request.
/// </summary>
[MemoryDiagnoser]
public class EndpointBenchmarks
{
    private static readonly byte[] s_body = Encoding.UTF8.GetBytes(
        """{"room_name":"standup","participant_identity":"alice","participant_name":"Alice","participant_attributes":{"role":"host"}}""");

    private static readonly byte[] s_badBody = Encoding.UTF8.GetBytes("""{"room_name":"standup","room_admin":true}""");

    private ServiceProvider _services = null!;
    private TokenRouteFunction _token = null!;
    private ConnectionDetailsFunction _connectionDetails = null!;
    private FakeFunctionContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["LIVEKIT_URL"] = "wss://livekit.example.test" })
            .Build();
        var services = new ServiceCollection();

        // Information is on, as in Azure: the cost of the "token issued" line is part of the figure.
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Information));
        services.AddSingleton<IApiCredentialsProvider>(new StaticApiCredentialsProvider(new ApiCredentials("APIbench", "bench-secret-bench-secret-bench-secret")));
        services.AddSingleton<ICallerAuthenticator, FunctionKeyOnlyAuthenticator>();
        services.AddTokenEndpoint(configuration);
        services.AddSingleton<TokenRouteFunction>();
        services.AddSingleton<ConnectionDetailsFunction>();
        _services = services.BuildServiceProvider();
        _token = _services.GetRequiredService<TokenRouteFunction>();
        _connectionDetails = _services.GetRequiredService<ConnectionDetailsFunction>();
        _context = new FakeFunctionContext(_services);
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true, Description = "POST /api/token, snake_case body → 201")]
    public Task<HttpResponseData> TokenWithBody() => _token.Run(Post("http://localhost/api/token", s_body));

    [Benchmark(Description = "POST /api/token, empty body → 201 (generated room/identity)")]
    public Task<HttpResponseData> TokenEmpty() => _token.Run(Post("http://localhost/api/token", []));

    [Benchmark(Description = "GET /api/connection-details?roomName&participantName → 200")]
    public Task<HttpResponseData> ConnectionDetails() =>
        _connectionDetails.Run(new FakeHttpRequestData(_context, "GET", "http://localhost/api/connection-details?roomName=lobby&participantName=carol"));

    [Benchmark(Description = "POST /api/token asking for room_admin → 403 problem")]
    public Task<HttpResponseData> Refused() => _token.Run(Post("http://localhost/api/token", s_badBody));

    private FakeHttpRequestData Post(string url, byte[] body)
    {
        var headers = new HttpHeadersCollection();
        headers.TryAddWithoutValidation("Content-Type", "application/json");
        return new FakeHttpRequestData(_context, "POST", url, new MemoryStream(body, writable: false), headers);
    }
}
