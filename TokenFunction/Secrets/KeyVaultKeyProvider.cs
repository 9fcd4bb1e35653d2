using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TokenFunction.Secrets;

/// <summary>
/// Serves the LiveKit key pair from one Key Vault secret (value = API secret, tag <c>livekit-api-key</c> = API key),
/// cached so that Key Vault is read once per refresh, never once per request.
/// </summary>
/// <remarks>
/// A cached hit before the refresh point is a volatile read, one cheap clock read and a compare, completed
/// synchronously without allocating; from the refresh point on, hits read the precise clock and nothing is served past
/// TTL + max staleness, whatever the timers do (they only start refreshes early). Everything else (refresh ahead of expiry, single flight, stale-if-error, backoff honouring <c>Retry-After</c>,
/// retrying until Key Vault answers) happens off the request path, in one shared fetch at a time.
/// </remarks>
public sealed partial class KeyVaultKeyProvider : IKeyProvider, IDisposable
{
    // Far more than a coarse clock's tick (1-16 ms), far less than any refresh window (the TTL is at least 1 s).
    private static readonly TimeSpan s_coarseMargin = TimeSpan.FromMilliseconds(50);

    private readonly SecretClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger<KeyVaultKeyProvider> _logger;
    private readonly string _secretName;
    private readonly string? _fallbackApiKey;
    private readonly TimeSpan _timeToLive;
    private readonly TimeSpan _minBackoff;
    private readonly TimeSpan _maxBackoff;
    private readonly TimeSpan _fetchTimeout;
    private readonly long _refreshAfterTicks;
    private readonly long _expireAfterTicks;
    private readonly long _serveUntilTicks;
    private readonly bool _coarseHitClock;
    private readonly long _hitWindow;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ITimer _timer;
    private readonly IDisposable _gauges;

    // The whole pair is swapped as one object: a reader sees the old pair or the new one, never a mix.
    private volatile CacheEntry? _entry;

    // Guarded by _gate.
    private Task<ApiCredentials>? _inflight;
    private int _consecutiveFailures;
    private long _nextAttemptAt;
    private bool _disposed;

    public KeyVaultKeyProvider(
        SecretClient client,
        IOptions<KeyVaultKeyProviderOptions> options,
        TimeProvider timeProvider,
        ILogger<KeyVaultKeyProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        var settings = options.Value;
        var validation = new KeyVaultKeyProviderOptionsValidator().Validate(null, settings);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(KeyVaultKeyProviderOptions), validation.Failures);
        }

        _client = client;
        _time = timeProvider;
        _logger = logger;
        _secretName = settings.SecretName;
        _fallbackApiKey = string.IsNullOrWhiteSpace(settings.FallbackApiKey) ? null : settings.FallbackApiKey;
        _timeToLive = settings.TimeToLive;
        _minBackoff = settings.MinBackoff;
        _maxBackoff = settings.MaxBackoff;
        _fetchTimeout = settings.FetchTimeout;
        _refreshAfterTicks = ToTimestampTicks(settings.TimeToLive - settings.RefreshAhead);
        _expireAfterTicks = ToTimestampTicks(settings.TimeToLive);
        _serveUntilTicks = ToTimestampTicks(settings.TimeToLive + settings.MaxStaleness);

        // The system clock (Stopwatch) costs 30-60 ns a read on this project's VMs, ten times a whole cached hit, so with
        // it the hit path reads Environment.TickCount64 (milliseconds; CLOCK_MONOTONIC_COARSE on Linux): a few ns, but up
        // to one scheduler tick behind, so its window closes s_coarseMargin early. Other clocks (tests) are read directly.
        _coarseHitClock = ReferenceEquals(timeProvider, TimeProvider.System);
        _hitWindow = _coarseHitClock
            ? (long)(settings.TimeToLive - settings.RefreshAhead - s_coarseMargin).TotalMilliseconds
            : _refreshAfterTicks;
        _timer = timeProvider.CreateTimer(
            static state => ((KeyVaultKeyProvider)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _gauges = ObserveGauges();
    }

    /// <summary>True while a pair is loaded and within its time to live plus the maximum staleness.</summary>
    public bool IsReady => _entry is { } entry && _time.GetTimestamp() < entry.ServeUntil;

    /// <summary>The Key Vault version of the pair being served (diagnostics and tests; not secret).</summary>
    internal string? CurrentVersion => _entry?.Version;

    public ValueTask<ApiCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default)
    {
        var entry = _entry;
        if (entry is not null)
        {
            // Before the refresh point: one cheap clock read, so no timer can keep a pair in use past its deadline.
            if (HitClock() < entry.HitUntil)
            {
                return new ValueTask<ApiCredentials>(entry.Credentials);
            }

            var now = _time.GetTimestamp();
            if (now < entry.ServeUntil)
            {
                // Due for refresh, expired, or Key Vault failing: the caller still gets the cached pair at once.
                if (now >= entry.RefreshAt)
                {
                    RefreshInBackground(now);
                }

                return new ValueTask<ApiCredentials>(entry.Credentials);
            }
        }

        return LoadAsync(cancellationToken);
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
    internal void StartLoading()
    {
        lock (_gate)
        {
            if (_entry is null && _inflight is null && !_disposed && _time.GetTimestamp() >= _nextAttemptAt)
            {
                StartFetch();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _timer.Dispose();
        _gauges.Dispose();
        _shutdown.Cancel();
    }

    /// <summary>Completes when the fetch in flight (if any) has finished, successfully or not. For tests.</summary>
    internal Task WhenFetchSettledAsync()
    {
        Task? inflight;
        lock (_gate)
        {
            inflight = _inflight;
        }

        return inflight is null
            ? Task.CompletedTask
            : inflight.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void RefreshInBackground(long now)
    {
        // Cheap unlocked pre-check so that readers in the refresh window or in an outage do not contend on the lock.
        if (Volatile.Read(ref _inflight) is not null || now < Volatile.Read(ref _nextAttemptAt))
        {
            return;
        }

        lock (_gate)
        {
            if (_inflight is null && now >= _nextAttemptAt && !_disposed)
            {
                StartFetch();
            }
        }
    }

    private ValueTask<ApiCredentials> LoadAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<ApiCredentials>(cancellationToken);
        }

        Task<ApiCredentials> fetch;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _time.GetTimestamp();
            if (_entry is { } entry && now < entry.ServeUntil)
            {
                // Another caller's fetch landed between our unlocked read and the lock.
                return new ValueTask<ApiCredentials>(entry.Credentials);
            }

            if (_inflight is null)
            {
                if (now < _nextAttemptAt)
                {
                    // Backing off (possibly because Key Vault said Retry-After): answer at once, do not call it.
                    return ValueTask.FromException<ApiCredentials>(Unavailable(_time.GetElapsedTime(now, _nextAttemptAt), null));
                }

                StartFetch();
            }

            fetch = _inflight!;
        }

        // A cancelled caller stops waiting; the shared fetch carries on for everyone else.
        return new ValueTask<ApiCredentials>(fetch.WaitAsync(cancellationToken));
    }

    // The timer only starts refreshes and retries (firing a little early or late changes nothing else): what may be
    // served is decided by the clock on every read.
    private void OnTimer()
    {
        lock (_gate)
        {
            if (_inflight is null && !_disposed)
            {
                StartFetch();
            }
        }
    }

    // Caller holds _gate. Task.Run keeps the SDK call off the caller's stack and, because the fetch takes _gate to
    // publish its result, guarantees _inflight is assigned before the fetch can clear it.
    private void StartFetch() => _inflight = SharedFetch.Start(FetchAsync);

    private async Task<ApiCredentials> FetchAsync()
    {
        Exception failure;

        // The fetch is shared and runs outside the context of the request that started it; its span is still that
        // request's child (a root for a timer's refresh).
        var span = Telemetry.TokenServiceTelemetry.StartSpan(Telemetry.TokenServiceTelemetry.Spans.KeyVaultFetch, SharedFetch.StartedFor);

        // One deadline for the whole read: the credential's token request (a managed-identity endpoint has its own
        // retries and timeouts) and GetSecret. The SDK's NetworkTimeout bounds only one try of the latter.
        using var deadline = new CancellationTokenSource(_fetchTimeout, _time);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, _shutdown.Token);
        try
        {
            var response = await _client.GetSecretAsync(_secretName, version: null, cancellation.Token).ConfigureAwait(false);
            var secret = response?.Value;
            var credentials = ToCredentials(secret);
            var version = secret!.Properties.Version;
            var now = _time.GetTimestamp();
            var entry = new CacheEntry(
                credentials, version, HitClock() + _hitWindow, now + _refreshAfterTicks, now + _expireAfterTicks, now + _serveUntilTicks);
            CacheEntry? previous;
            lock (_gate)
            {
                previous = _entry;
                _entry = entry;
                _consecutiveFailures = 0;
                _nextAttemptAt = 0;
                _inflight = null;
            }

            Rearm(_time.GetElapsedTime(now, entry.RefreshAt));
            EndFetchSpan(span, failure: null);
            if (previous is null)
            {
                LogLoaded(_logger, _secretName, version, _timeToLive);
            }
            else if (!string.Equals(previous.Version, version, StringComparison.Ordinal))
            {
                LogRotated(_logger, _secretName, version, previous.Version);
                Telemetry.TokenServiceTelemetry.KeyPairRotated();
            }

            return credentials;
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            span?.Dispose();
            lock (_gate)
            {
                _inflight = null;
            }

            throw;
        }
        catch (Exception exception) when (deadline.IsCancellationRequested)
        {
            // Whatever the SDK made of the cancellation (OperationCanceledException, AuthenticationFailedException, ...).
            failure = new TimeoutException($"Key Vault secret '{_secretName}' could not be read within {_fetchTimeout}.", exception);
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        var failedAt = _time.GetTimestamp();
        var serverDelay = KeyVaultRetryAfter.From(failure, _time.GetUtcNow());
        TimeSpan delay;
        lock (_gate)
        {
            _consecutiveFailures++;
            delay = NextDelay(_consecutiveFailures, serverDelay);
            _nextAttemptAt = failedAt + ToTimestampTicks(delay);
            _inflight = null;
        }

        Rearm(delay);
        EndFetchSpan(span, failure);
        var reason = KeyVaultRetryAfter.Describe(failure);
        var cached = _entry;
        if (cached is not null && failedAt < cached.ServeUntil)
        {
            LogServingStale(
                _logger,
                _secretName,
                reason,
                cached.Version,
                _time.GetElapsedTime(cached.ExpiresAt - _expireAfterTicks, failedAt),
                _time.GetElapsedTime(failedAt, cached.ServeUntil),
                delay,
                failure);
        }
        else
        {
            LogUnavailable(_logger, _secretName, reason, delay, failure);
        }

        throw Unavailable(delay, failure);
    }

    private void Rearm(TimeSpan dueIn)
    {
        try
        {
            _timer.Change(dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed while the fetch was in flight: nothing left to schedule.
        }
    }

    private TimeSpan NextDelay(int failures, TimeSpan? serverDelay)
    {
        var exponent = Math.Min(failures - 1, 30);
        var computed = TimeSpan.FromTicks((long)Math.Min(_minBackoff.Ticks * Math.Pow(2, exponent), _maxBackoff.Ticks));
        return serverDelay is { } server && server > computed ? server : computed;
    }

    private ApiCredentials ToCredentials(KeyVaultSecret? secret)
    {
        // Messages name the secret and its version, never its value.
        if (secret is null || string.IsNullOrEmpty(secret.Value))
        {
            throw new InvalidDataException($"Key Vault secret '{_secretName}' has no value.");
        }

        var apiKey = secret.Properties.Tags.TryGetValue(KeyVaultKeyProviderOptions.ApiKeyTagName, out var tag)
            && !string.IsNullOrWhiteSpace(tag)
                ? tag
                : _fallbackApiKey;
        if (apiKey is null)
        {
            throw new InvalidDataException(
                $"Key Vault secret '{_secretName}' version '{secret.Properties.Version}' has no "
                + $"'{KeyVaultKeyProviderOptions.ApiKeyTagName}' tag and LIVEKIT_API_KEY is not set.");
        }

        return new ApiCredentials(apiKey, secret.Value);
    }

    private static SecretUnavailableException Unavailable(TimeSpan retryAfter, Exception? failure) =>
        new("The LiveKit signing secret could not be read from Key Vault.", retryAfter, failure);

    private long HitClock() => _coarseHitClock ? Environment.TickCount64 : _time.GetTimestamp();

    private long ToTimestampTicks(TimeSpan span) =>
        (long)(span.Ticks * ((double)_time.TimestampFrequency / TimeSpan.TicksPerSecond));

    private sealed class CacheEntry(ApiCredentials credentials, string? version, long hitUntil, long refreshAt, long expiresAt, long serveUntil)
    {
        public ApiCredentials Credentials { get; } = credentials;

        public string? Version { get; } = version;

        /// <summary>Until then (on the hit clock) a hit needs nothing else: at or before <see cref="RefreshAt"/>.</summary>
        public long HitUntil { get; } = hitUntil;

        public long RefreshAt { get; } = refreshAt;

        public long ExpiresAt { get; } = expiresAt;

        public long ServeUntil { get; } = serveUntil;
    }

    [LoggerMessage(1, LogLevel.Information,
        "Loaded the LiveKit key pair from Key Vault secret {SecretName} version {SecretVersion}; cached for {TimeToLive}.")]
    private static partial void LogLoaded(ILogger logger, string secretName, string? secretVersion, TimeSpan timeToLive);

    [LoggerMessage(2, LogLevel.Information,
        "The LiveKit key pair rotated: Key Vault secret {SecretName} is now version {SecretVersion} (was {PreviousVersion}).")]
    private static partial void LogRotated(ILogger logger, string secretName, string? secretVersion, string? previousVersion);

    [LoggerMessage(3, LogLevel.Warning,
        "Could not refresh Key Vault secret {SecretName} ({Reason}); serving the cached key pair version {SecretVersion}, "
        + "loaded {Age} ago, for at most {Remaining} more. Next attempt in {RetryDelay}.")]
    private static partial void LogServingStale(
        ILogger logger, string secretName, string reason, string? secretVersion, TimeSpan age, TimeSpan remaining, TimeSpan retryDelay, Exception exception);

    [LoggerMessage(4, LogLevel.Error,
        "Could not read Key Vault secret {SecretName} ({Reason}) and no key pair is cached: token requests answer 503 "
        + "until it loads. Next attempt in {RetryDelay}.")]
    private static partial void LogUnavailable(ILogger logger, string secretName, string reason, TimeSpan retryDelay, Exception exception);
}
