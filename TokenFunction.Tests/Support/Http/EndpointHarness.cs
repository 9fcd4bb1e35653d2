using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using TokenFunction.Auth;
using TokenFunction.Functions;
using TokenFunction.Http;
using TokenFunction.Secrets;
using TokenFunction.Tests.Support.Contract;
using TokenFunction.Tests.Support.Fakes;
using TokenFunction.Tests.Support.LiveKit;

namespace TokenFunction.Tests.Support.Http;

/// <summary>
/// The endpoint wired as Program.cs wires it (the same registration, real options validation), with a fixed key pair,
/// a fake clock, a replaceable caller authenticator and every log line captured.
/// </summary>
internal sealed class EndpointHarness : IDisposable
{
    public const string ApiKey = "APItestkey";
    public const string ServerUrl = "wss://livekit.example.test";

    private readonly ServiceProvider _services;

    public EndpointHarness(
        IDictionary<string, string?>? settings = null,
        ICallerAuthenticator? authenticator = null,
        IApiCredentialsProvider? apiCredentialsProvider = null,
        bool captureLogs = true)
    {
        // A secret that cannot occur by chance in any log text, so finding it anywhere is a real leak.
        ApiSecret = "sk_" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));
        var values = new Dictionary<string, string?> { ["LIVEKIT_URL"] = ServerUrl };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            if (captureLogs)
            {
                logging.AddFakeLogging();
            }
        });
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton(apiCredentialsProvider ?? new StaticApiCredentialsProvider(new ApiCredentials(ApiKey, ApiSecret)));
        services.AddSingleton(authenticator ?? new FunctionKeyOnlyAuthenticator());
        services.AddTokenEndpoint(configuration);
        services.AddSingleton<TokenRouteFunction>();
        services.AddSingleton<ConnectionDetailsFunction>();
        services.AddSingleton<HealthFunction>();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        // What the host does at start-up: a bad setting throws here.
        _services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
        Verifier = new TokenVerifier(ApiKey, ApiSecret, Clock);
    }

    public string ApiSecret { get; }

    /// <summary>Starts at the real time (whole seconds) so LiveKit's Node verifier, which reads the real clock, accepts the tokens.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public TokenVerifier Verifier { get; }

    public IServiceProvider Services => _services;

    public FakeLogCollector Logs => _services.GetFakeLogCollector();

    public async Task<FakeHttpResponseData> PostTokenAsync(string? body, string? contentType = "application/json", string query = "", params (string Name, string Value)[] headers)
    {
        var request = FakeHttpRequestData.Create("POST", "/api/token" + query, body, contentType, headers.Select(h => KeyValuePair.Create(h.Name, h.Value)), new FakeFunctionContext(_services));
        var response = await _services.GetRequiredService<TokenRouteFunction>().Run(request);
        return ((FakeHttpResponseData)response).Checked("POST", "/api/token");
    }

    public async Task<FakeHttpResponseData> ConnectionDetailsAsync(string method, string query = "", string? body = null, string? contentType = "application/json", params (string Name, string Value)[] headers)
    {
        var request = FakeHttpRequestData.Create(method, "/api/connection-details" + query, body, contentType, headers.Select(h => KeyValuePair.Create(h.Name, h.Value)), new FakeFunctionContext(_services));
        var response = await _services.GetRequiredService<ConnectionDetailsFunction>().Run(request);
        return ((FakeHttpResponseData)response).Checked(method, "/api/connection-details");
    }

    public async Task<FakeHttpResponseData> HealthAsync()
    {
        var request = FakeHttpRequestData.Create("GET", "/api/health", context: new FakeFunctionContext(_services));
        var response = await _services.GetRequiredService<HealthFunction>().Run(request);
        return ((FakeHttpResponseData)response).Checked("GET", "/api/health");
    }

    public void Dispose() => _services.Dispose();
}
