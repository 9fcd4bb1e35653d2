using Microsoft.Extensions.Logging;
using TokenFunction.Secrets;
using TokenFunction.Tests.Support;
using TokenFunction.Tests.Support.Secrets;

namespace TokenFunction.Tests.Secrets;

public sealed class KeyVaultApiCredentialsProviderTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_thousand_concurrent_cold_callers_cause_exactly_one_Key_Vault_call()
    {
        using var harness = new KeyVaultHarness();
        var pending = harness.Pending();
        var callers = await ConcurrentCallers.StartAsync(1000, () => harness.Provider.GetCredentialsAsync());
        Assert.DoesNotContain(callers, c => c.IsCompleted);
        Assert.False(harness.Provider.IsReady);

        pending.SetResult(KeyVaultHarness.Ok("cold-secret-1", "v1"));
        var results = await Task.WhenAll(callers).WaitAsync(s_wait);

        Assert.Equal(1, harness.Calls);
        Assert.All(results, r => Assert.Same(results[0], r));
        Assert.Equal("APIkey1", results[0].ApiKey);
        Assert.Equal("cold-secret-1", results[0].ApiSecret);
        Assert.Equal([null], harness.ReceivedVersions);
        Assert.True(harness.Provider.IsReady);
    }

    [Fact]
    public async Task Within_the_time_to_live_Key_Vault_is_not_called_again()
    {
        using var harness = new KeyVaultHarness();
        harness.Returns("ttl-secret-1", "v1");
        var first = await harness.Provider.GetCredentialsAsync();

        // Refresh-ahead starts at TTL - RefreshAhead = 4 minutes; stay just before it.
        for (var i = 0; i < 239; i++)
        {
            await harness.AdvanceAsync(TimeSpan.FromSeconds(1));
            Assert.Same(first, harness.Hit());
        }

        Assert.Equal(1, harness.Calls);
    }

    [Fact]
    public async Task Refresh_ahead_never_blocks_a_caller_and_swaps_in_the_new_pair()
    {
        using var harness = new KeyVaultHarness();
        harness.Returns("refresh-secret-1", "v1");
        var first = await harness.Provider.GetCredentialsAsync();
        var refresh = harness.Pending();

        harness.Time.Advance(TimeSpan.FromMinutes(4));
        await harness.WhenCallsReachAsync(2);

        // In the refresh window and even past expiry, with the refresh still hanging: served at once, one fetch only.
        foreach (var step in new[] { TimeSpan.Zero, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(45) })
        {
            harness.Time.Advance(step);
            for (var i = 0; i < 50; i++)
            {
                Assert.Same(first, harness.Hit());
            }
        }

        Assert.Equal(2, harness.Calls);
        Assert.True(harness.Provider.IsReady);

        refresh.SetResult(KeyVaultHarness.Ok("refresh-secret-2", "v2", "APIkey2"));
        await harness.SettleAsync();
        var after = harness.Hit();
        Assert.Equal(("APIkey2", "refresh-secret-2"), (after.ApiKey, after.ApiSecret));
        Assert.Equal("v2", harness.Provider.CurrentVersion);
        Assert.Equal(2, harness.Calls);
    }

    [Fact]
    public async Task An_outage_after_warm_up_serves_the_stale_pair_with_a_warning_then_recovers()
    {
        using var harness = new KeyVaultHarness();
        harness.Returns("outage-secret-1", "v1");
        var first = await harness.Provider.GetCredentialsAsync();
        harness.FailsFromNowOn(FakeResponse.Failure(503, "ServiceUnavailable"));

        // From the refresh point (4 min) to just before TTL + max staleness (35 min), in 10 s steps.
        await harness.AdvanceAsync(TimeSpan.FromMinutes(4));
        for (var elapsed = TimeSpan.FromMinutes(4); elapsed < TimeSpan.FromMinutes(35) - TimeSpan.FromSeconds(10);
             elapsed += TimeSpan.FromSeconds(10))
        {
            Assert.Same(first, harness.Hit());
            Assert.True(harness.Provider.IsReady);
            await harness.AdvanceAsync(TimeSpan.FromSeconds(10));
        }

        // Backoff 1, 2, 4 ... 60 s over 31 minutes: a bounded number of calls, not one per request or per step.
        Assert.InRange(harness.Calls, 20, 45);
        var warnings = harness.Logger.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning).ToList();
        Assert.NotEmpty(warnings);
        Assert.Contains("HTTP 503", warnings[0].Message, StringComparison.Ordinal);
        Assert.Contains("v1", warnings[0].Message, StringComparison.Ordinal);

        // Past the maximum staleness nothing is served any more.
        await harness.AdvanceAsync(TimeSpan.FromSeconds(20));
        Assert.False(harness.Provider.IsReady);
        await Assert.ThrowsAsync<SecretUnavailableException>(async () => await harness.Provider.GetCredentialsAsync());

        // Key Vault comes back: the retry timer alone brings the provider back, no request and no restart needed.
        harness.ReturnsFromNowOn("outage-secret-2", "v2", "APIkey2");
        await harness.AdvanceAsync(harness.Options.MaxBackoff);
        Assert.True(harness.Provider.IsReady);
        Assert.Equal("outage-secret-2", harness.Hit().ApiSecret);
    }

    [Fact]
    public async Task An_outage_when_cold_answers_unavailable_with_Retry_After_then_recovers_by_itself()
    {
        using var harness = new KeyVaultHarness();
        harness.FailsFromNowOn(FakeResponse.Failure(500, "InternalError"));

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(async () => await harness.Provider.GetCredentialsAsync());
        Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);
        Assert.False(harness.Provider.IsReady);

        // While backing off, callers get the 503 at once and Key Vault is not called.
        harness.Time.Advance(TimeSpan.FromMilliseconds(400));
        var backingOff = await Assert.ThrowsAsync<SecretUnavailableException>(async () => await harness.Provider.GetCredentialsAsync());
        Assert.Equal(TimeSpan.FromMilliseconds(600), backingOff.RetryAfter);
        Assert.Equal(1, harness.Calls);
        Assert.Contains(harness.Logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Error);

        harness.ReturnsFromNowOn("cold-recovery-secret", "v1");
        await harness.AdvanceAsync(TimeSpan.FromMilliseconds(600));

        Assert.Equal(2, harness.Calls);
        Assert.True(harness.Provider.IsReady);
        Assert.Equal("cold-recovery-secret", harness.Hit().ApiSecret);
    }

    [Fact]
    public async Task Too_many_requests_with_Retry_After_means_no_call_before_it_passes()
    {
        using var harness = new KeyVaultHarness();
        harness.Fails(FakeResponse.Failure(429, "Throttled", ("Retry-After", "30")));
        harness.ReturnsFromNowOn("throttled-secret", "v1");

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(async () => await harness.Provider.GetCredentialsAsync());
        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);

        // MinBackoff is 1 s: without honouring Retry-After a call would follow within a second.
        for (var second = 1; second < 30; second++)
        {
            await harness.AdvanceAsync(TimeSpan.FromSeconds(1));
            var waiting = await Assert.ThrowsAsync<SecretUnavailableException>(async () => await harness.Provider.GetCredentialsAsync());
            Assert.Equal(TimeSpan.FromSeconds(30 - second), waiting.RetryAfter);
            Assert.Equal(1, harness.Calls);
        }

        await harness.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(2, harness.Calls);
        Assert.Equal("throttled-secret", (await harness.Provider.GetCredentialsAsync()).ApiSecret);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_maximum_backoff_is_still_honoured_while_serving_stale()
    {
        using var harness = new KeyVaultHarness();
        harness.Returns("warm-throttled-secret", "v1");
        await harness.Provider.GetCredentialsAsync();
        harness.Fails(FakeResponse.Failure(429, "Throttled", ("Retry-After", "120")));
        harness.ReturnsFromNowOn("warm-throttled-secret-2", "v2");

        await harness.AdvanceAsync(TimeSpan.FromMinutes(4));
        Assert.Equal(2, harness.Calls);
        for (var second = 0; second < 119; second++)
        {
            await harness.AdvanceAsync(TimeSpan.FromSeconds(1));
            Assert.Equal("warm-throttled-secret", (await harness.Provider.GetCredentialsAsync()).ApiSecret);
        }

        Assert.Equal(2, harness.Calls);
        await harness.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(3, harness.Calls);
        Assert.Equal("warm-throttled-secret-2", (await harness.Provider.GetCredentialsAsync()).ApiSecret);
    }

    [Fact]
    public async Task Rotation_serves_the_new_pair_after_refresh_and_never_a_mixed_one()
    {
        using var harness = new KeyVaultHarness();
        harness.Returns("rotation-secret-A", "vA", "keyA");
        await harness.Provider.GetCredentialsAsync();
        var refresh = harness.Pending();
        var landed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource(s_wait);

        // Two readers on their own threads read across the swap. They yield after every read, so on a 2-core machine
        // they never starve the thread that completes the refresh; they stop once the refresh has landed and each has
        // read the new pair a thousand times (or, as a hang guard only, when `stop` fires).
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(
            () =>
            {
                var seen = new HashSet<(string, string)>();
                var newReads = 0;
                while (newReads < 1000 && !stop.IsCancellationRequested)
                {
                    var pair = harness.Provider.GetCredentialsAsync().AsTask().GetAwaiter().GetResult();
                    seen.Add((pair.ApiKey, pair.ApiSecret));
                    if (landed.Task.IsCompleted && pair.ApiKey == "keyB")
                    {
                        newReads++;
                    }

                    Thread.Yield();
                }

                return seen;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();

        harness.Time.Advance(TimeSpan.FromMinutes(4));
        await harness.WhenCallsReachAsync(2);
        refresh.SetResult(KeyVaultHarness.Ok("rotation-secret-B", "vB", "keyB"));
        await harness.SettleAsync();
        landed.SetResult();
        var seen = (await Task.WhenAll(readers).WaitAsync(s_wait)).SelectMany(s => s).ToHashSet();

        Assert.Subset(new HashSet<(string, string)> { ("keyA", "rotation-secret-A"), ("keyB", "rotation-secret-B") }, seen);
        Assert.Contains(("keyB", "rotation-secret-B"), seen);
        var now = await harness.Provider.GetCredentialsAsync();
        Assert.Equal(("keyB", "rotation-secret-B"), (now.ApiKey, now.ApiSecret));
        Assert.Contains(harness.Logger.Collector.GetSnapshot(), r => r.Message.Contains("now version vB (was vA)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_the_tag_the_configured_API_key_is_used()
    {
        using var harness = new KeyVaultHarness(o => o.FallbackApiKey = "fallback-key");
        harness.Returns("untagged-secret", "v1", apiKey: null);

        var pair = await harness.Provider.GetCredentialsAsync();

        Assert.Equal(("fallback-key", "untagged-secret"), (pair.ApiKey, pair.ApiSecret));
    }

    [Fact]
    public async Task Without_the_tag_or_a_fallback_key_nothing_is_served_and_nothing_leaks()
    {
        using var harness = new KeyVaultHarness();
        harness.Returns("untagged-secret-no-key", "v7", apiKey: null);

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(async () => await harness.Provider.GetCredentialsAsync());

        Assert.IsType<InvalidDataException>(error.InnerException);
        Assert.Contains("livekit-api-key", error.InnerException!.Message, StringComparison.Ordinal);
        Assert.Contains("v7", error.InnerException.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("untagged-secret-no-key", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("untagged-secret-no-key", harness.AllLogText(), StringComparison.Ordinal);
        Assert.False(harness.Provider.IsReady);
    }

    [Fact]
    public async Task The_secret_never_appears_in_logs_or_exception_messages()
    {
        const string First = "never-log-me-0123456789abcdef";
        const string Second = "never-log-me-either-fedcba9876543210";
        using var harness = new KeyVaultHarness();
        var messages = new List<string>();

        harness.Fails(FakeResponse.Failure(403, "Forbidden"));
        messages.Add((await Assert.ThrowsAsync<SecretUnavailableException>(async () => await harness.Provider.GetCredentialsAsync())).ToString());
        harness.Returns(First, "v1");
        await harness.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(First, (await harness.Provider.GetCredentialsAsync()).ApiSecret);
        harness.Fails(FakeResponse.Failure(429, "Throttled", ("Retry-After", "5")));
        harness.Returns(Second, "v2", "APIkey2");
        await harness.AdvanceAsync(TimeSpan.FromMinutes(4));
        await harness.AdvanceAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(Second, (await harness.Provider.GetCredentialsAsync()).ApiSecret);
        harness.FailsFromNowOn(FakeResponse.Failure(503, "ServiceUnavailable"));
        await harness.AdvanceAsync(TimeSpan.FromHours(1));
        messages.Add((await Assert.ThrowsAsync<SecretUnavailableException>(async () => await harness.Provider.GetCredentialsAsync())).ToString());

        var logs = harness.AllLogText();
        Assert.Contains("Warning", logs, StringComparison.Ordinal);
        Assert.Contains("rotated", logs, StringComparison.Ordinal);
        foreach (var text in messages.Append(logs))
        {
            Assert.DoesNotContain("never-log-me", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_cancelled_caller_stops_waiting_without_cancelling_the_shared_fetch()
    {
        using var harness = new KeyVaultHarness();
        var pending = harness.Pending();
        using var impatient = new CancellationTokenSource();

        var cancelled = harness.Provider.GetCredentialsAsync(impatient.Token).AsTask();
        var patient = harness.Provider.GetCredentialsAsync().AsTask();
        await harness.WhenCallsReachAsync(1);
        await impatient.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(s_wait));
        Assert.False(patient.IsCompleted);
        Assert.False(harness.ReceivedTokens.Single().IsCancellationRequested);

        pending.SetResult(KeyVaultHarness.Ok("shared-fetch-secret", "v1"));
        Assert.Equal("shared-fetch-secret", (await patient.WaitAsync(s_wait)).ApiSecret);
        Assert.Equal(1, harness.Calls);
    }

    [Fact]
    public async Task An_already_cancelled_cold_caller_does_not_start_a_fetch()
    {
        using var harness = new KeyVaultHarness();

        var call = harness.Provider.GetCredentialsAsync(new CancellationToken(canceled: true)).AsTask();

        Assert.True(call.IsCanceled);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(0, harness.Calls);
    }

    [Fact]
    public async Task A_cached_hit_completes_synchronously_without_allocating()
    {
        using var harness = new KeyVaultHarness();
        harness.Returns("hot-path-secret", "v1");
        var first = await harness.Provider.GetCredentialsAsync();
        for (var i = 0; i < 1000; i++)
        {
            _ = harness.TryHit();
        }

        // Counted on a thread of its own that runs nothing else, so no other test's work can land in the count.
        var allSynchronous = true;
        var allocated = -1L;
        var measure = new Thread(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10_000; i++)
            {
                allSynchronous &= ReferenceEquals(harness.TryHit(), first);
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        measure.Start();
        Assert.True(measure.Join(s_wait), "the measuring thread hung");
        Assert.True(allSynchronous);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task Disposing_stops_the_retry_timer()
    {
        var harness = new KeyVaultHarness();
        harness.FailsFromNowOn(FakeResponse.Failure(503, "ServiceUnavailable"));
        await Assert.ThrowsAsync<SecretUnavailableException>(async () => await harness.Provider.GetCredentialsAsync());

        harness.Dispose();
        await harness.AdvanceAsync(TimeSpan.FromMinutes(10));

        Assert.Equal(1, harness.Calls);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await harness.Provider.GetCredentialsAsync());
    }
}
