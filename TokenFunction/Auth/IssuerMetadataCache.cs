using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using TokenFunction.Caching;

namespace TokenFunction.Auth;

/// <summary>
/// The identity provider's discovery document and signing keys, cached. IdentityModel's retriever reads and parses
/// them; when to read them is decided by a <see cref="RefreshingCache{T}"/> on a <see cref="TimeProvider"/>.
/// (IdentityModel's ConfigurationManager stamps its forced-refresh time only after a successful read, so while the
/// issuer fails every unknown <c>kid</c> reads again; it also holds every caller behind a blocking refresh, and bounds
/// a read only by the HTTP timeout.)
/// </summary>
/// <remarks>
/// One read at a time. A caller with a cached configuration never waits, except one whose token names a key we do
/// not have and that may ask for a refresh. Such forced refreshes happen at most once per refresh interval, counted
/// from the last attempt that was forced or failed (the first one after a successful load is allowed at once, so a
/// key rollover is picked up). With nothing cached, failed reads back off from 1 s, doubling, up to the refresh
/// interval. Whoever needs the issuer while it is failing gets <see cref="CallerAuthenticationUnavailableException"/>
/// whose <see cref="CallerAuthenticationUnavailableException.RetryAfter"/> is the time to the next allowed attempt.
/// </remarks>
internal sealed partial class IssuerMetadataCache : ICacheSource<OpenIdConnectConfiguration>, IDisposable
{
    private static readonly TimeSpan s_firstRetry = TimeSpan.FromSeconds(1);

    private readonly IDocumentRetriever _retriever;
    private readonly ILogger _logger;
    private readonly RefreshingCache<OpenIdConnectConfiguration> _cache;

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
        _logger = logger;

        // No timer: a routine refresh starts when a caller finds it due, and the configuration is served until
        // replaced (signing keys outlive a failed refresh; a token signed with a retired key fails on its own).
        _cache = new RefreshingCache<OpenIdConnectConfiguration>(
            this,
            new RefreshingCacheOptions
            {
                Subject = "The identity provider's metadata",
                RefreshAfter = automaticRefreshInterval,
                FetchTimeout = fetchTimeout,
                FirstRetry = s_firstRetry < refreshInterval ? s_firstRetry : refreshInterval,
                LongestRetry = refreshInterval,
                ForcedRefreshSpacing = refreshInterval,
            },
            timeProvider);
    }

    public string MetadataAddress { get; }

    /// <summary>The cached configuration (a routine refresh, when due, runs in the background), or the first load.</summary>
    public ValueTask<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancellationToken) =>
        _cache.GetAsync(cancellationToken);

    /// <summary>
    /// After a token named a key <paramref name="stale"/> lacks: a newer configuration, or <paramref name="stale"/>
    /// itself when a refresh is not allowed yet and the last attempt succeeded (the token is then judged on the keys we
    /// have). Throws <see cref="CallerAuthenticationUnavailableException"/> while the issuer cannot be read.
    /// </summary>
    public ValueTask<OpenIdConnectConfiguration> RefreshAsync(OpenIdConnectConfiguration stale, CancellationToken cancellationToken) =>
        _cache.RefreshAsync(stale, cancellationToken);

    public void Dispose() => _cache.Dispose();

    Task<OpenIdConnectConfiguration> ICacheSource<OpenIdConnectConfiguration>.FetchAsync(CancellationToken cancellationToken) =>
        OpenIdConnectConfigurationRetriever.GetAsync(MetadataAddress, _retriever, cancellationToken);

    Exception ICacheSource<OpenIdConnectConfiguration>.Unavailable(TimeSpan retryAfter, Exception? failure)
    {
        const string Message = "The identity provider's signing keys could not be read; try again shortly.";
        return failure is null
            ? new CallerAuthenticationUnavailableException(Message) { RetryAfter = retryAfter }
            : new CallerAuthenticationUnavailableException(Message, failure) { RetryAfter = retryAfter };
    }

    void ICacheSource<OpenIdConnectConfiguration>.Failed(
        Exception failure, TimeSpan retryIn, CachedValue<OpenIdConnectConfiguration>? servingStale, Activity? span) =>
        LogUnavailable(_logger, MetadataAddress, retryIn, failure);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Error,
        Message = "The identity provider's metadata could not be read from {MetadataAddress}; next attempt in {RetryAfter}")]
    private static partial void LogUnavailable(ILogger logger, string metadataAddress, TimeSpan retryAfter, Exception exception);
}
