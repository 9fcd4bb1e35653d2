using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenFunction.Caching;

namespace TokenFunction.Secrets;

/// <summary>
/// Serves the LiveKit key pair from one Key Vault secret (value = API secret, tag <c>livekit-api-key</c> = API key),
/// cached so that Key Vault is read once per refresh, never once per request.
/// </summary>
/// <remarks>
/// The caching (refresh ahead of expiry, single flight, stale-if-error up to TTL + max staleness, backoff honouring
/// <c>Retry-After</c>, retrying on a timer until Key Vault answers) is <see cref="RefreshingCache{T}"/>'s; this class
/// reads the secret, turns it into a pair, and reports (logs, metrics, the fetch span).
/// </remarks>
internal sealed partial class KeyVaultApiCredentialsProvider : IApiCredentialsProvider, IDisposable
{
    private readonly SecretClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger<KeyVaultApiCredentialsProvider> _logger;
    private readonly string _secretName;
    private readonly string? _fallbackApiKey;
    private readonly TimeSpan _timeToLive;
    private readonly RefreshingCache<VersionedPair> _cache;
    private readonly IDisposable _gauges;

    public KeyVaultApiCredentialsProvider(
        SecretClient client,
        IOptions<KeyVaultApiCredentialsOptions> options,
        TimeProvider timeProvider,
        ILogger<KeyVaultApiCredentialsProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        var settings = options.Value;
        var validation = new KeyVaultApiCredentialsOptionsValidator().Validate(null, settings);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(KeyVaultApiCredentialsOptions), validation.Failures);
        }

        _client = client;
        _time = timeProvider;
        _logger = logger;
        _secretName = settings.SecretName;
        _fallbackApiKey = string.IsNullOrWhiteSpace(settings.FallbackApiKey) ? null : settings.FallbackApiKey;
        _timeToLive = settings.TimeToLive;
        _cache = new RefreshingCache<VersionedPair>(
            new Source(this),
            new RefreshingCacheOptions
            {
                Subject = $"Key Vault secret '{_secretName}'",
                RefreshAfter = settings.TimeToLive - settings.RefreshAhead,
                ServeFor = settings.TimeToLive + settings.MaxStaleness,
                FetchTimeout = settings.FetchTimeout,
                FirstRetry = settings.MinBackoff,
                LongestRetry = settings.MaxBackoff,
                RefreshOnTimer = true,
            },
            timeProvider);
        _gauges = ObserveGauges();
    }

    /// <summary>True while a pair is loaded and within its time to live plus the maximum staleness.</summary>
    public bool IsReady => _cache.HasServableValue;

    /// <summary>The Key Vault version of the pair being served (diagnostics and tests; not secret).</summary>
    internal string? CurrentVersion => _cache.Peek()?.Value.Version;

    public ValueTask<ApiCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default)
    {
        if (_cache.TryGetFresh(out var fresh))
        {
            return new ValueTask<ApiCredentials>(fresh.Credentials);
        }

        var read = _cache.GetAsync(cancellationToken);
        return read.IsCompletedSuccessfully ? new ValueTask<ApiCredentials>(read.Result.Credentials) : AwaitAsync(read);

        static async ValueTask<ApiCredentials> AwaitAsync(ValueTask<VersionedPair> read) => (await read.ConfigureAwait(false)).Credentials;
    }

    /// <summary>Loads the pair if nothing is cached yet; false when Key Vault could not be read (retries continue).</summary>
    /// <remarks>The read starts even when <paramref name="cancellationToken"/> is already cancelled: it only ends the wait.</remarks>
    public async Task<bool> WarmUpAsync(CancellationToken cancellationToken)
    {
        StartLoading();
        try
        {
            await GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SecretUnavailableException)
        {
            return false;
        }
    }

    /// <summary>
    /// Starts the first read in the background unless a pair is cached, a read is in flight or a retry is pending; the
    /// read's outcome arms the timer, so from here on the provider loads and refreshes without any request.
    /// </summary>
    internal void StartLoading() => _cache.StartLoading();

    public void Dispose()
    {
        _cache.Dispose();
        _gauges.Dispose();
    }

    /// <summary>Completes when the latest fetch (if any) has finished, successfully or not. For tests.</summary>
    internal Task WhenFetchSettledAsync() => _cache.WhenFetchSettledAsync();

    private async Task<VersionedPair> FetchAsync(CancellationToken cancellationToken)
    {
        var response = await _client.GetSecretAsync(_secretName, version: null, cancellationToken).ConfigureAwait(false);
        var secret = response?.Value;

        // Messages name the secret and its version, never its value.
        if (secret is null || string.IsNullOrEmpty(secret.Value))
        {
            throw new InvalidDataException($"Key Vault secret '{_secretName}' has no value.");
        }

        var apiKey = secret.Properties.Tags.TryGetValue(KeyVaultApiCredentialsOptions.ApiKeyTagName, out var tag)
            && !string.IsNullOrWhiteSpace(tag)
                ? tag
                : _fallbackApiKey;
        if (apiKey is null)
        {
            throw new InvalidDataException(
                $"Key Vault secret '{_secretName}' version '{secret.Properties.Version}' has no "
                + $"'{KeyVaultApiCredentialsOptions.ApiKeyTagName}' tag and LIVEKIT_API_KEY is not set.");
        }

        return new VersionedPair(new ApiCredentials(apiKey, secret.Value), secret.Properties.Version);
    }

    /// <summary>The pair and the secret version it came from, swapped as one: a reader never sees a mix.</summary>
    private sealed record VersionedPair(ApiCredentials Credentials, string? Version);
}
