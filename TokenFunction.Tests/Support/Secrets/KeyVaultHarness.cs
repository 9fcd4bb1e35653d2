using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Moq;
using TokenFunction.Secrets;

namespace TokenFunction.Tests.Support.Secrets;

/// <summary>
/// A <see cref="KeyVaultApiCredentialsProvider"/> over a Moq'd <see cref="SecretClient"/>, a fake clock and a fake logger.
/// Each Key Vault call takes the next scripted answer; every call is counted.
/// </summary>
internal sealed class KeyVaultHarness : IDisposable
{
    public const string SecretName = "livekit-api-secret";

    private readonly Queue<Func<CancellationToken, Task<Response<KeyVaultSecret>>>> _script = new();
    private readonly Lock _gate = new();
    private readonly CallCounter _calls = new();

    /// <param name="clock">Wraps the fake clock, e.g. in one whose timers misbehave; the provider then uses that.</param>
    public KeyVaultHarness(Action<KeyVaultApiCredentialsOptions>? configure = null, Func<FakeTimeProvider, TimeProvider>? clock = null)
    {
        Options = new KeyVaultApiCredentialsOptions
        {
            VaultUri = new Uri("https://kv-test.vault.azure.net/"),
            TimeToLive = TimeSpan.FromMinutes(5),
            RefreshAhead = TimeSpan.FromMinutes(1),
            MaxStaleness = TimeSpan.FromMinutes(30),
            MinBackoff = TimeSpan.FromSeconds(1),
            MaxBackoff = TimeSpan.FromSeconds(60),
        };
        configure?.Invoke(Options);
        Client
            .Setup(c => c.GetSecretAsync(SecretName, It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .Returns((string _, string? version, CancellationToken cancellationToken) =>
            {
                Func<CancellationToken, Task<Response<KeyVaultSecret>>>? next = null;
                _calls.Add(() =>
                {
                    ReceivedVersions.Add(version);
                    ReceivedTokens.Add(cancellationToken);
                    lock (_gate)
                    {
                        _script.TryDequeue(out next);
                    }
                });

                return (next ?? Otherwise)(cancellationToken);
            });
        Provider = new KeyVaultApiCredentialsProvider(Client.Object, Microsoft.Extensions.Options.Options.Create(Options), clock?.Invoke(Time) ?? Time, Logger);
    }

    public Mock<SecretClient> Client { get; } = new(MockBehavior.Strict);

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 28, 4, 0, 0, TimeSpan.Zero));

    public FakeLogger<KeyVaultApiCredentialsProvider> Logger { get; } = new();

    public KeyVaultApiCredentialsOptions Options { get; }

    /// <summary>The answer once the scripted ones are used up (an outage, or Key Vault back to normal).</summary>
    public Func<CancellationToken, Task<Response<KeyVaultSecret>>> Otherwise { get; set; } =
        _ => Task.FromException<Response<KeyVaultSecret>>(new InvalidOperationException("No scripted Key Vault answer left."));

    public KeyVaultApiCredentialsProvider Provider { get; }

    public List<string?> ReceivedVersions { get; } = [];

    public List<CancellationToken> ReceivedTokens { get; } = [];

    public int Calls => _calls.Count;

    public static KeyVaultSecret Secret(string value, string version, string? apiKey)
    {
        var properties = SecretModelFactory.SecretProperties(
            id: new Uri($"https://kv-test.vault.azure.net/secrets/{SecretName}/{version}"),
            vaultUri: new Uri("https://kv-test.vault.azure.net/"),
            name: SecretName,
            version: version);
        if (apiKey is not null)
        {
            properties.Tags[KeyVaultApiCredentialsOptions.ApiKeyTagName] = apiKey;
        }

        return SecretModelFactory.KeyVaultSecret(properties, value);
    }

    public void Returns(string value, string version, string? apiKey = "APIkey1")
    {
        var secret = Secret(value, version, apiKey);
        Enqueue(_ => Task.FromResult(Response.FromValue(secret, new FakeResponse(200, "none"))));
    }

    public void FailsFromNowOn(RequestFailedException failure) =>
        Otherwise = _ => Task.FromException<Response<KeyVaultSecret>>(failure);

    public void ReturnsFromNowOn(string value, string version, string? apiKey = "APIkey1")
    {
        var response = Ok(value, version, apiKey);
        Otherwise = _ => Task.FromResult(response);
    }

    public void Fails(RequestFailedException failure, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            Enqueue(_ => Task.FromException<Response<KeyVaultSecret>>(failure));
        }
    }

    /// <summary>A call that hangs until the returned source is completed: lets a test hold a fetch in flight.</summary>
    public TaskCompletionSource<Response<KeyVaultSecret>> Pending()
    {
        var pending = new TaskCompletionSource<Response<KeyVaultSecret>>(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(_ => pending.Task);
        return pending;
    }

    public static Response<KeyVaultSecret> Ok(string value, string version, string? apiKey = "APIkey1") =>
        Response.FromValue(Secret(value, version, apiKey), new FakeResponse(200, "none"));

    public void Enqueue(Func<CancellationToken, Task<Response<KeyVaultSecret>>> answer)
    {
        lock (_gate)
        {
            _script.Enqueue(answer);
        }
    }

    /// <summary>Advances the clock (firing the provider's retry/refresh timer) and lets the resulting fetch finish.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        await SettleAsync();
    }

    public async Task SettleAsync() =>
        await Provider.WhenFetchSettledAsync().WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>A call that must be a cached hit: completed synchronously with a pair.</summary>
    public ApiCredentials Hit() =>
        TryHit() ?? throw new Xunit.Sdk.XunitException("The call did not complete synchronously with a pair.");

    /// <summary>The pair when the call completed synchronously and successfully; otherwise null.</summary>
    public ApiCredentials? TryHit()
    {
        // Reading Result is safe only because completion is checked first: that check is what the tests assert.
#pragma warning disable CA2012
        var call = Provider.GetCredentialsAsync();
        return call.IsCompletedSuccessfully ? call.Result : null;
#pragma warning restore CA2012
    }

    /// <summary>Completes when Key Vault has been called <paramref name="count"/> times (a fetch runs on the thread pool).</summary>
    public Task WhenCallsReachAsync(int count) => _calls.WhenReachesAsync(count);

    public string AllLogText() =>
        string.Join("\n", Logger.Collector.GetSnapshot().Select(r => $"{r.Level} {r.Message} {r.Exception}"));

    public void Dispose() => Provider.Dispose();
}
