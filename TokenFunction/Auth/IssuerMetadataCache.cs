using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using TokenFunction.Secrets;

namespace TokenFunction.Auth;

/// <summary>
/// The identity provider's discovery document and signing keys, cached. IdentityModel's retriever reads and parses
/// them; when to read them is decided here, on a <see cref="TimeProvider"/>. (IdentityModel's ConfigurationManager
/// stamps its forced-refresh time only after a successful read, so while the issuer fails every unknown <c>kid</c>
/// reads again; it also holds every caller behind a blocking refresh, and bounds a read only by the HTTP timeout.)
/// </summary>
/// <remarks>
/// One read at a time. A caller with a cached configuration never waits, except one whose token names a key we do
/// not have and that may ask for a refresh. Such forced refreshes happen at most once per refresh interval, counted
/// from the last attempt that was forced or failed (the first one after a successful load is allowed at once, so a
/// key rollover is picked up). With nothing cached, failed reads back off from 1 s, doubling, up to the refresh
/// interval. Whoever needs the issuer while it is failing gets <see cref="CallerAuthenticationUnavailableException"/>
/// whose <see cref="CallerAuthenticationUnavailableException.RetryAfter"/> is the time to the next allowed attempt.
/// </remarks>
internal sealed partial class IssuerMetadataCache : IDisposable
{
    private static readonly TimeSpan s_firstRetry = TimeSpan.FromSeconds(1);

    private readonly IDocumentRetriever _retriever;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _refreshInterval;
    private readonly TimeSpan _automaticRefreshInterval;
    private readonly TimeSpan _fetchTimeout;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposed = new();
    private volatile OpenIdConnectConfiguration? _current;

    // Guarded by _gate (read without it only as a pre-check).
    private Task<OpenIdConnectConfiguration>? _inflight;
    private long _nextAttemptAt;
    private long _routineRefreshAt = long.MaxValue;
    private bool _lastAttemptFailed;
    private int _consecutiveFailures;

    public IssuerMetadataCache(
        string metadataAddress,
        IDocumentRetriever retriever,
        TimeSpan refreshInterval,
        TimeSpan automaticRefreshInterval,
        TimeSpan fetchTimeout,
        TimeProvider timeProvider,
        ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metadataAddress);
        MetadataAddress = metadataAddress;
        _retriever = retriever;
        _refreshInterval = refreshInterval;
        _automaticRefreshInterval = automaticRefreshInterval;
        _fetchTimeout = fetchTimeout;
        _time = timeProvider;
        _logger = logger;
    }

    public string MetadataAddress { get; }

    /// <summary>The cached configuration (a routine refresh, when due, runs in the background), or the first load.</summary>
    public ValueTask<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        if (current is null)
        {
            return JoinOrStartAsync(forced: false, stale: null, cancellationToken);
        }

        var now = _time.GetTimestamp();
        if (now >= Volatile.Read(ref _routineRefreshAt) && now >= Volatile.Read(ref _nextAttemptAt) && Volatile.Read(ref _inflight) is null)
        {
            lock (_gate)
            {
                if (_inflight is null && !_disposed.IsCancellationRequested)
                {
                    StartFetch(now);
                }
            }
        }

        return new ValueTask<OpenIdConnectConfiguration>(current);
    }

    /// <summary>
    /// After a token named a key <paramref name="stale"/> lacks: a newer configuration, or <paramref name="stale"/>
    /// itself when a refresh is not allowed yet and the last attempt succeeded (the token is then judged on the keys we
    /// have). Throws <see cref="CallerAuthenticationUnavailableException"/> while the issuer cannot be read.
    /// </summary>
    public ValueTask<OpenIdConnectConfiguration> RefreshAsync(OpenIdConnectConfiguration stale, CancellationToken cancellationToken) =>
        JoinOrStartAsync(forced: true, stale, cancellationToken);

    public void Dispose() => _disposed.Cancel();

    private async ValueTask<OpenIdConnectConfiguration> JoinOrStartAsync(bool forced, OpenIdConnectConfiguration? stale, CancellationToken cancellationToken)
    {
        Task<OpenIdConnectConfiguration> fetch;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            var current = _current;
            if (current is not null && !ReferenceEquals(current, stale))
            {
                // Loaded or refreshed by someone else since the caller looked.
                return current;
            }

            if (_inflight is null)
            {
                var now = _time.GetTimestamp();
                if (now < _nextAttemptAt)
                {
                    return current is null || _lastAttemptFailed ? throw Unavailable(now, innerException: null) : current;
                }

                if (forced)
                {
                    _nextAttemptAt = now + ToTimestampTicks(_refreshInterval);
                }

                StartFetch(now);
            }

            fetch = _inflight!;
        }

        // A caller that gives up stops waiting; the shared read carries on for the others.
        return await fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    // Caller holds _gate (which the read takes to publish its result, so _inflight is set before it can be cleared).
    private void StartFetch(long attemptStart) => _inflight = SharedFetch.Start(() => FetchAsync(attemptStart));

    private async Task<OpenIdConnectConfiguration> FetchAsync(long attemptStart)
    {
        Exception failure;
        using var deadline = new CancellationTokenSource(_fetchTimeout, _time);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, _disposed.Token);
        try
        {
            var configuration = await OpenIdConnectConfigurationRetriever.GetAsync(MetadataAddress, _retriever, cancellation.Token).ConfigureAwait(false);
            lock (_gate)
            {
                _current = configuration;
                _routineRefreshAt = _time.GetTimestamp() + ToTimestampTicks(_automaticRefreshInterval);
                _lastAttemptFailed = false;
                _consecutiveFailures = 0;
                _inflight = null;
            }

            return configuration;
        }
        catch (Exception exception) when (deadline.IsCancellationRequested && !_disposed.IsCancellationRequested)
        {
            failure = new TimeoutException($"The identity provider's metadata was not read within {_fetchTimeout}.", exception);
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        CallerAuthenticationUnavailableException unavailable;
        lock (_gate)
        {
            var failedAt = _time.GetTimestamp();
            _consecutiveFailures++;
            _lastAttemptFailed = true;
            _nextAttemptAt = _current is null
                ? failedAt + ToTimestampTicks(ColdRetryDelay(_consecutiveFailures))
                : Math.Max(_nextAttemptAt, attemptStart + ToTimestampTicks(_refreshInterval));
            _inflight = null;
            unavailable = Unavailable(failedAt, failure);
        }

        LogUnavailable(_logger, MetadataAddress, unavailable.RetryAfter, failure);
        throw unavailable;
    }

    private TimeSpan ColdRetryDelay(int failures)
    {
        var delay = s_firstRetry * Math.Pow(2, Math.Min(failures - 1, 30));
        return delay < _refreshInterval ? delay : _refreshInterval;
    }

    // Caller holds _gate.
    private CallerAuthenticationUnavailableException Unavailable(long now, Exception? innerException)
    {
        var retryAfter = now < _nextAttemptAt ? _time.GetElapsedTime(now, _nextAttemptAt) : TimeSpan.Zero;
        const string Message = "The identity provider's signing keys could not be read; try again shortly.";
        return innerException is null
            ? new CallerAuthenticationUnavailableException(Message) { RetryAfter = retryAfter }
            : new CallerAuthenticationUnavailableException(Message, innerException) { RetryAfter = retryAfter };
    }

    private long ToTimestampTicks(TimeSpan span) =>
        (long)(span.Ticks * ((double)_time.TimestampFrequency / TimeSpan.TicksPerSecond));

    [LoggerMessage(EventId = 7004, Level = LogLevel.Error,
        Message = "The identity provider's metadata could not be read from {MetadataAddress}; next attempt in {RetryAfter}")]
    private static partial void LogUnavailable(ILogger logger, string metadataAddress, TimeSpan retryAfter, Exception exception);
}
