using System.Diagnostics;
using Azure;
using TokenFunction.Telemetry;

namespace TokenFunction.Secrets;

/// <summary>What the provider reports: a span and an outcome per Key Vault fetch, and the key pair gauges.</summary>
public sealed partial class KeyVaultKeyProvider
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

    private static void EndFetchSpan(Activity? span, Exception? failure)
    {
        var outcome = FetchOutcome(failure);
        TokenServiceTelemetry.KeyVaultFetch(outcome);
        if (span is null)
        {
            return;
        }

        span.SetTag(TokenServiceTelemetry.Tags.Outcome, outcome);
        if (failure is not null)
        {
            // The type only: a message could quote what the vault sent.
            span.SetStatus(ActivityStatusCode.Error, failure.GetType().Name);
        }

        span.Dispose();
    }

    private IDisposable ObserveGauges() => TokenServiceTelemetry.ObserveKeyPair(() =>
    {
        if (_entry is not { } entry)
        {
            return null;
        }

        var now = _time.GetTimestamp();
        var age = _time.GetElapsedTime(entry.ExpiresAt - _expireAfterTicks, now);
        var stale = now > entry.ExpiresAt ? _time.GetElapsedTime(entry.ExpiresAt, now) : TimeSpan.Zero;
        return new TokenServiceTelemetry.KeyPairState(age.TotalSeconds, stale.TotalSeconds);
    });
}
