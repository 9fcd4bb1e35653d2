using TokenFunction.Tests.EndToEnd.Hosts.Emulator;
using TokenFunction.Tests.Support.Contract;
using Xunit.Abstractions;

namespace TokenFunction.Tests.EndToEnd.Hosts;

/// <summary>One real worker per test class, on LiveKit's dev-server defaults, under this run's host (<see cref="AppHosts"/>).</summary>
public sealed class WorkerFixture(IMessageSink log) : IAsyncLifetime
{
    public const string ApiKey = "devkey";
    public const string ApiSecret = "secret";
    public const string ServerUrl = "ws://localhost:7880";

    private IAppHost? _host;

    public IAppHost Host => _host ?? throw new InvalidOperationException("The worker is not started.");

    public HttpClient Client { get; private set; } = null!;

    public static FunctionsHostEmulatorOptions DefaultOptions()
    {
        var options = new FunctionsHostEmulatorOptions();
        options.AppSettings["LIVEKIT_URL"] = ServerUrl;
        options.AppSettings["LIVEKIT_API_KEY"] = ApiKey;
        options.AppSettings["LIVEKIT_API_SECRET"] = ApiSecret;
        // Loopback only: the Azure SDK must never probe the instance metadata endpoint.
        options.AppSettings["AZURE_TOKEN_CREDENTIALS"] = "dev";
        return options;
    }

    public Task InitializeAsync() => StartAsync(DefaultOptions(), nameof(WorkerFixture));

    public async Task StartAsync(FunctionsHostEmulatorOptions options, string purpose)
    {
        _host = await AppHosts.StartAsync(options, log, purpose);
        Client = OpenApiContract.CheckingClient(_host.CreateClient);
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
