using TokenFunction.Tests.Contract;
using TokenFunction.Tests.HostEmulator;

namespace TokenFunction.Tests.EndToEnd;

/// <summary>One real worker per test class, on LiveKit's dev-server defaults, behind the host emulator.</summary>
public sealed class WorkerFixture : IAsyncLifetime
{
    public const string ApiKey = "devkey";
    public const string ApiSecret = "secret";
    public const string ServerUrl = "ws://localhost:7880";

    private FunctionsHostEmulator? _emulator;

    public FunctionsHostEmulator Emulator => _emulator ?? throw new InvalidOperationException("The worker is not started.");

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

    public Task InitializeAsync() => StartAsync(DefaultOptions());

    public async Task StartAsync(FunctionsHostEmulatorOptions options)
    {
        _emulator = await FunctionsHostEmulator.StartAsync(options);
        Client = OpenApiContract.CheckingClient(_emulator.CreateClient);
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }
}
