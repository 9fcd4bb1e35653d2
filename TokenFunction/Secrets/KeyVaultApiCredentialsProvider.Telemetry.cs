using System.Diagnostics;
using Azure;
using Microsoft.Extensions.Logging;
using TokenFunction.Caching;
using TokenFunction.Telemetry;

namespace TokenFunction.Secrets;

/// <summary>What the provider reports: a span, an outcome and a log line per Key Vault fetch, and the key pair gauges.</summary>
internal sealed partial class KeyVaultApiCredentialsProvider
{
    /// <summary>The outcome tag of a fetch: a fixed value per failure class, never anything the failure carried.</summary>
    internal static string FetchOutcome(Exception? failure) => failure switch
    {
        null => TokenServiceTelemetry.Outcomes.Ok,
        RequestFailedException { Status: 429 } => TokenServiceTelemetry.Outcomes.Throttled,
        // Azure.Core reports its network timeout as a cancellation that nobody asked for (inner TimeoutException).
        OperationCanceledException or TimeoutException => TokenServiceTelemetry.Outcomes.TimedOut,
        _ => TokenServiceTelemetry.Outcomes.Failed,
    };

    private static void CountFetch(Activity? span, Exception? failure)
    {
        var outcome = FetchOutcome(failure);
        TokenServiceTelemetry.KeyVaultFetch(outcome);
        span?.SetTag(TokenServiceTelemetry.Tags.Outcome, outcome);
    }

    private IDisposable ObserveGauges() => TokenServiceTelemetry.ObserveKeyPair(() =>
    {
        if (_cache.Peek() is not { } cached)
        {
            return null;
        }

        var stale = cached.Age > _timeToLive ? cached.Age - _timeToLive : TimeSpan.Zero;
        return new TokenServiceTelemetry.KeyPairState(cached.Age.TotalSeconds, stale.TotalSeconds);
    });

    /// <summary>The Key Vault specifics the cache asks for: the read, the 503's exception, Retry-After, what to report.</summary>
    private sealed class Source(KeyVaultApiCredentialsProvider provider) : ICacheSource<VersionedPair>
    {
        public Task<VersionedPair> FetchAsync(CancellationToken cancellationToken) => provider.FetchAsync(cancellationToken);

        public Exception Unavailable(TimeSpan retryAfter, Exception? failure) =>
            new SecretUnavailableException("The LiveKit signing secret could not be read from Key Vault.", retryAfter, failure);

        public TimeSpan? RequestedDelay(Exception failure) => KeyVaultRetryAfter.From(failure, provider._time.GetUtcNow());

        // The fetch is shared and runs outside the context of the request that started it; its span is still that
        // request's child (a root for a timer's refresh).
        public Activity? StartFetchSpan(ActivityContext startedFor) =>
            TokenServiceTelemetry.StartSpan(TokenServiceTelemetry.Spans.KeyVaultFetch, startedFor);

        public void Loaded(VersionedPair? previous, VersionedPair current, Activity? span)
        {
            CountFetch(span, failure: null);
            if (previous is null)
            {
                LogLoaded(provider._logger, provider._secretName, current.Version, provider._timeToLive);
            }
            else if (!string.Equals(previous.Version, current.Version, StringComparison.Ordinal))
            {
                LogRotated(provider._logger, provider._secretName, current.Version, previous.Version);
                TokenServiceTelemetry.KeyPairRotated();
            }
        }

        public void Failed(Exception failure, TimeSpan retryIn, CachedValue<VersionedPair>? servingStale, Activity? span)
        {
            CountFetch(span, failure);
            var reason = KeyVaultRetryAfter.Describe(failure);
            if (servingStale is { } stale)
            {
                LogServingStale(
                    provider._logger, provider._secretName, reason, stale.Value.Version, stale.Age, stale.ServableFor, retryIn, failure);
            }
            else
            {
                LogUnavailable(provider._logger, provider._secretName, reason, retryIn, failure);
            }
        }
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
