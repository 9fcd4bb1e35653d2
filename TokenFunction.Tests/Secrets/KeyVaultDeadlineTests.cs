using Microsoft.Extensions.Time.Testing;
using TokenFunction.Secrets;
using TokenFunction.Tests.Support.Secrets;

namespace TokenFunction.Tests.Secrets;

/// <summary>
/// The limits that must hold whatever the timers and Key Vault do: nothing served past TTL + max staleness, and no
/// fetch longer than the fetch timeout.
/// </summary>
public sealed class KeyVaultDeadlineTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_timer_that_fires_early_cannot_stretch_serving_past_the_maximum_staleness()
    {
        // TTL 5 min, refresh at 4 min, served stale until 6 min. The refresh timer fires 10 ms early, and Key Vault
        // answers the refresh with a Retry-After of an hour, so no timer fires again before the deadline.
        using var harness = new KeyVaultHarness(
            o => o.MaxStaleness = TimeSpan.FromMinutes(1),
            fake => new MisbehavingTimers(fake, early: TimeSpan.FromMilliseconds(10)));
        harness.Returns("deadline-secret", "v1");
        var first = await harness.Provider.GetCredentialsAsync();
        harness.FailsFromNowOn(FakeResponse.Failure(429, "Throttled", ("Retry-After", "3600")));

        await harness.AdvanceAsync(TimeSpan.FromMinutes(4) - TimeSpan.FromMilliseconds(10));
        Assert.Equal(2, harness.Calls);

        await harness.AdvanceAsync(TimeSpan.FromMinutes(2) - TimeSpan.FromMilliseconds(1) + TimeSpan.FromMilliseconds(10));
        Assert.Same(first, harness.Hit());

        harness.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(harness.TryHit());
        Assert.False(harness.Provider.IsReady);
        await Assert.ThrowsAsync<SecretUnavailableException>(async () => await harness.Provider.GetCredentialsAsync());
        Assert.Equal(2, harness.Calls);
    }

    [Fact]
    public async Task Timers_that_never_fire_cannot_stretch_serving_past_the_maximum_staleness()
    {
        using var harness = new KeyVaultHarness(o => o.MaxStaleness = TimeSpan.FromMinutes(1), fake => new MisbehavingTimers(fake, early: null));
        harness.Returns("no-timer-secret", "v1");
        var first = await harness.Provider.GetCredentialsAsync();
        harness.FailsFromNowOn(FakeResponse.Failure(503, "ServiceUnavailable"));

        harness.Time.Advance(TimeSpan.FromMinutes(6) - TimeSpan.FromMilliseconds(1));
        Assert.Same(first, harness.Hit());
        await harness.SettleAsync();

        harness.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(harness.TryHit());
        Assert.False(harness.Provider.IsReady);
    }

    [Fact]
    public async Task A_fetch_that_hangs_is_cut_off_at_the_fetch_timeout_and_cold_callers_get_unavailable()
    {
        using var harness = new KeyVaultHarness(o => o.FetchTimeout = TimeSpan.FromSeconds(3));
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Enqueue(async cancellationToken =>
        {
            entered.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            throw new InvalidOperationException("Unreachable: the delay only ends by cancellation.");
        });

        var cold = harness.Provider.GetCredentialsAsync().AsTask();
        await entered.Task.WaitAsync(s_wait);
        harness.Time.Advance(TimeSpan.FromSeconds(3) - TimeSpan.FromTicks(1));
        Assert.False(cold.IsCompleted);
        harness.Time.Advance(TimeSpan.FromTicks(1));

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => cold.WaitAsync(s_wait));
        Assert.IsType<TimeoutException>(error.InnerException);
        Assert.Equal(harness.Options.MinBackoff, error.RetryAfter);
        Assert.Contains("TimeoutException", harness.AllLogText(), StringComparison.Ordinal);

        // The retry timer carries on by itself.
        harness.ReturnsFromNowOn("after-timeout-secret", "v1");
        await harness.AdvanceAsync(harness.Options.MinBackoff);
        Assert.Equal("after-timeout-secret", harness.Hit().ApiSecret);
    }

    /// <summary>The fake clock, with timers that fire <c>early</c> before they are due, or (null) never.</summary>
    private sealed class MisbehavingTimers(FakeTimeProvider clock, TimeSpan? early) : TimeProvider
    {
        public override long GetTimestamp() => clock.GetTimestamp();

        public override long TimestampFrequency => clock.TimestampFrequency;

        public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new Skewed(clock.CreateTimer(callback, state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan), early);
            timer.Change(dueTime, period);
            return timer;
        }

        private sealed class Skewed(ITimer inner, TimeSpan? early) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                if (early is not { } by)
                {
                    return true;
                }

                return inner.Change(dueTime == Timeout.InfiniteTimeSpan || dueTime <= by ? dueTime : dueTime - by, period);
            }

            public void Dispose() => inner.Dispose();

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
