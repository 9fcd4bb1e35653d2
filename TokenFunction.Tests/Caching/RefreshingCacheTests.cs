using System.Diagnostics;
using TokenFunction.Caching;
using TokenFunction.Tests.Support;
using TokenFunction.Tests.Support.Caching;

namespace TokenFunction.Tests.Caching;

/// <summary>
/// The refreshing cache on its own, over a scripted source and a fake clock: single flight, refresh, backoff,
/// serve-stale up to the deadline, the fetch timeout, callers that give up, forced refreshes, disposal.
/// Its users' own tests (KeyVaultApiCredentialsProviderTests, IssuerOutageTests, ...) check the same through them.
/// </summary>
public sealed class RefreshingCacheTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_tick = TimeSpan.FromTicks(1);

    [Fact]
    public async Task A_thousand_concurrent_cold_callers_share_one_fetch()
    {
        using var harness = new CacheHarness();
        var pending = harness.Source.Pending();
        var callers = await ConcurrentCallers.StartAsync(1000, () => harness.Cache.GetAsync());
        Assert.DoesNotContain(callers, c => c.IsCompleted);
        Assert.False(harness.Cache.HasServableValue);

        var value = new Box("one");
        pending.SetResult(value);
        var results = await Task.WhenAll(callers).WaitAsync(s_wait);

        Assert.Equal(1, harness.Source.Calls);
        Assert.All(results, r => Assert.Same(value, r));
        Assert.Equal([(null, value)], harness.Source.Loads);
    }

    [Fact]
    public async Task Before_the_refresh_point_every_hit_is_synchronous_and_the_source_is_not_asked()
    {
        using var harness = new CacheHarness();
        harness.Source.Returns("v1");
        var first = await harness.Cache.GetAsync();

        await harness.AdvanceAsync(harness.Options.RefreshAfter - s_tick);
        for (var i = 0; i < 100; i++)
        {
            Assert.Same(first, harness.Hit());
            Assert.True(harness.Cache.TryGetFresh(out var fresh));
            Assert.Same(first, fresh);
        }

        Assert.Equal(1, harness.Source.Calls);

        // From the refresh point the hit path alone no longer answers; GetAsync still does, and starts the refresh.
        harness.Source.Returns("v2");
        harness.Time.Advance(s_tick);
        Assert.False(harness.Cache.TryGetFresh(out _));
        Assert.Same(first, harness.Hit());
    }

    [Fact]
    public async Task At_the_refresh_point_the_timer_refreshes_once_while_callers_keep_the_loaded_value()
    {
        using var harness = new CacheHarness();
        harness.Source.Returns("v1");
        var first = await harness.Cache.GetAsync();
        var refresh = harness.Source.Pending();

        // No caller: the timer starts the refresh.
        harness.Time.Advance(harness.Options.RefreshAfter);
        await harness.Source.WhenCallsReachAsync(2);

        // Concurrent readers in the refresh window are answered at once from the cache, and start no second fetch.
        var readers = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(harness.Hit))).WaitAsync(s_wait);
        Assert.All(readers, r => Assert.Same(first, r));
        Assert.Equal(2, harness.Source.Calls);

        var second = new Box("v2");
        refresh.SetResult(second);
        await harness.SettleAsync();
        Assert.Same(second, harness.Hit());
        Assert.Equal((first, second), harness.Source.Loads[^1]);

        // The next refresh is due a whole interval after this load.
        await harness.AdvanceAsync(harness.Options.RefreshAfter - s_tick);
        Assert.Equal(2, harness.Source.Calls);
    }

    [Fact]
    public async Task Without_a_timer_only_a_caller_past_the_refresh_point_starts_a_refresh_and_it_does_not_wait_for_it()
    {
        using var harness = new CacheHarness(o => o with { RefreshOnTimer = false });
        harness.Source.Returns("v1");
        var first = await harness.Cache.GetAsync();
        var refresh = harness.Source.Pending();

        await harness.AdvanceAsync(harness.Options.RefreshAfter + TimeSpan.FromMinutes(1));
        Assert.Equal(1, harness.Source.Calls);

        Assert.Same(first, harness.Hit());
        await harness.Source.WhenCallsReachAsync(2);
        refresh.SetResult(new Box("v2"));
        await harness.SettleAsync();
        Assert.Equal("v2", harness.Hit().Name);
        Assert.Equal(2, harness.Source.Calls);
    }

    [Fact]
    public async Task Failed_cold_loads_back_off_doubling_up_to_the_longest_retry_and_callers_are_told_when()
    {
        using var harness = new CacheHarness();
        harness.Source.FailsFromNowOn(new InvalidOperationException("down"));

        var first = await harness.UnavailableAsync();
        Assert.Equal(TimeSpan.FromSeconds(1), first.RetryAfter);
        Assert.IsType<InvalidOperationException>(first.InnerException);

        // While backing off: answered at once, the source is not asked, and the wait counts down.
        harness.Time.Advance(TimeSpan.FromMilliseconds(400));
        var backingOff = await harness.UnavailableAsync();
        Assert.Equal(TimeSpan.FromMilliseconds(600), backingOff.RetryAfter);
        Assert.Null(backingOff.InnerException);
        Assert.Equal(1, harness.Source.Calls);

        // The timer retries by itself at each due time: 1, 2, 4 ... 60, 60 s.
        await harness.AdvanceAsync(TimeSpan.FromMilliseconds(600));
        for (var delay = 2; delay < 200; delay *= 2)
        {
            await harness.AdvanceAsync(TimeSpan.FromSeconds(Math.Min(delay, 60)) - s_tick);
            Assert.Equal(harness.Source.Failures.Count, harness.Source.Calls);
            await harness.AdvanceAsync(s_tick);
        }

        Assert.Equal(
            [1, 2, 4, 8, 16, 32, 60, 60, 60],
            harness.Source.Failures.Select(f => f.RetryIn.TotalSeconds));
        Assert.All(harness.Source.Failures, f => Assert.Null(f.Stale));

        // A success resets the backoff: the next failure waits the first retry again.
        harness.Source.Returns("back");
        harness.Source.FailsFromNowOn(new InvalidOperationException("down again"));
        await harness.AdvanceAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("back", harness.Hit().Name);
        await harness.AdvanceAsync(harness.Options.RefreshAfter);
        Assert.Equal(TimeSpan.FromSeconds(1), harness.Source.Failures[^1].RetryIn);
    }

    [Fact]
    public async Task A_longer_delay_the_source_asks_for_is_honoured()
    {
        using var harness = new CacheHarness();
        harness.Source.Fails(new AskedToWaitException(TimeSpan.FromSeconds(90)));
        harness.Source.ReturnsFromNowOn("after-the-wait");

        Assert.Equal(TimeSpan.FromSeconds(90), (await harness.UnavailableAsync()).RetryAfter);

        // LongestRetry is 60 s: without the source's delay the timer would have retried by now.
        await harness.AdvanceAsync(TimeSpan.FromSeconds(90) - s_tick);
        Assert.Equal(1, harness.Source.Calls);
        Assert.Equal(s_tick, (await harness.UnavailableAsync()).RetryAfter);

        await harness.AdvanceAsync(s_tick);
        Assert.Equal("after-the-wait", harness.Hit().Name);

        // A shorter one does not shorten the backoff.
        harness.Source.Fails(new AskedToWaitException(TimeSpan.FromMilliseconds(1)));
        await harness.AdvanceAsync(harness.Options.RefreshAfter);
        Assert.Equal(TimeSpan.FromSeconds(1), harness.Source.Failures[^1].RetryIn);
    }

    [Fact]
    public async Task While_refreshes_fail_the_last_value_is_served_until_the_deadline_and_not_a_tick_longer()
    {
        using var harness = new CacheHarness();
        harness.Source.Returns("v1");
        var first = await harness.Cache.GetAsync();
        harness.Source.FailsFromNowOn(new InvalidOperationException("down"));

        await harness.AdvanceAsync(harness.Options.RefreshAfter);
        var stale = Assert.Single(harness.Source.Failures).Stale!.Value;
        Assert.Same(first, stale.Value);
        Assert.Equal(harness.Options.RefreshAfter, stale.Age);
        Assert.Equal(harness.Options.ServeFor - harness.Options.RefreshAfter, stale.ServableFor);

        // Retries keep failing on the timer; readers get the loaded value until ServeFor has passed since its load.
        while (harness.Time.GetUtcNow() < harness.Time.Start + harness.Options.ServeFor - TimeSpan.FromSeconds(10))
        {
            Assert.Same(first, harness.Hit());
            await harness.AdvanceAsync(TimeSpan.FromSeconds(10));
        }

        harness.Time.Advance(harness.Time.Start + harness.Options.ServeFor - s_tick - harness.Time.GetUtcNow());
        Assert.Same(first, harness.Hit());
        Assert.True(harness.Cache.HasServableValue);
        Assert.InRange(harness.Source.Calls, 8, 20);

        harness.Time.Advance(s_tick);
        Assert.Null(harness.TryHit());
        Assert.False(harness.Cache.HasServableValue);
        var refused = await harness.UnavailableAsync();
        Assert.True(refused.RetryAfter > TimeSpan.Zero);

        // The value is still reported (gauges), with nothing left to serve.
        Assert.Equal((first, harness.Options.ServeFor, TimeSpan.Zero), (harness.Cache.Peek()!.Value.Value, harness.Cache.Peek()!.Value.Age, harness.Cache.Peek()!.Value.ServableFor));

        // A failure past the deadline reports nothing served; the next success brings the cache back by itself.
        await harness.AdvanceAsync(TimeSpan.FromSeconds(60));
        Assert.Null(harness.Source.Failures[^1].Stale);
        harness.Source.ReturnsFromNowOn("v2");
        await harness.AdvanceAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("v2", harness.Hit().Name);
    }

    [Fact]
    public async Task A_value_without_a_deadline_is_served_however_long_refreshes_fail()
    {
        using var harness = new CacheHarness(o => o with { ServeFor = Timeout.InfiniteTimeSpan });
        harness.Source.Returns("v1");
        var first = await harness.Cache.GetAsync();
        harness.Source.FailsFromNowOn(new InvalidOperationException("down"));

        await harness.AdvanceAsync(TimeSpan.FromDays(3));

        Assert.Same(first, harness.Hit());
        Assert.Equal(Timeout.InfiniteTimeSpan, harness.Cache.Peek()!.Value.ServableFor);
        Assert.Equal(Timeout.InfiniteTimeSpan, harness.Source.Failures[^1].Stale!.Value.ServableFor);
    }

    [Fact]
    public async Task A_caller_that_gives_up_stops_waiting_without_cancelling_or_poisoning_the_shared_fetch()
    {
        using var harness = new CacheHarness();
        var pending = harness.Source.Pending();
        using var impatient = new CancellationTokenSource();

        var cancelled = harness.Cache.GetAsync(impatient.Token).AsTask();
        var patient = harness.Cache.GetAsync().AsTask();
        await harness.Source.WhenCallsReachAsync(1);
        await impatient.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(s_wait));
        Assert.False(patient.IsCompleted);
        Assert.False(harness.Source.Tokens.Single().IsCancellationRequested);

        // A caller arriving after the cancellation joins the same fetch: no failure, no backoff was recorded.
        var late = harness.Cache.GetAsync().AsTask();
        var value = new Box("shared");
        pending.SetResult(value);
        Assert.Same(value, await patient.WaitAsync(s_wait));
        Assert.Same(value, await late.WaitAsync(s_wait));
        Assert.Same(value, harness.Hit());
        Assert.Equal(1, harness.Source.Calls);
        Assert.Empty(harness.Source.Failures);
    }

    [Fact]
    public async Task An_already_cancelled_cold_caller_starts_no_fetch()
    {
        using var harness = new CacheHarness();

        var call = harness.Cache.GetAsync(new CancellationToken(canceled: true)).AsTask();

        Assert.True(call.IsCanceled);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(0, harness.Source.Calls);
    }

    [Fact]
    public async Task A_fetch_that_hangs_is_cut_off_at_the_fetch_timeout_and_backs_off_from_then()
    {
        using var harness = new CacheHarness(o => o with { FetchTimeout = TimeSpan.FromSeconds(3) });
        harness.Source.Pending();

        var cold = harness.Cache.GetAsync().AsTask();
        await harness.Source.WhenCallsReachAsync(1);
        harness.Time.Advance(TimeSpan.FromSeconds(3) - s_tick);
        Assert.False(cold.IsCompleted);
        Assert.False(harness.Source.Tokens[0].IsCancellationRequested);
        harness.Time.Advance(s_tick);

        var error = await Assert.ThrowsAsync<UnavailableException>(() => cold.WaitAsync(s_wait));
        var timeout = Assert.IsType<TimeoutException>(error.InnerException);
        Assert.IsAssignableFrom<OperationCanceledException>(timeout.InnerException);
        Assert.Contains("The test value", timeout.Message, StringComparison.Ordinal);
        Assert.True(harness.Source.Tokens[0].IsCancellationRequested);

        // The backoff counts from the failure, not from the start of the attempt that hung.
        Assert.Equal(harness.Options.FirstRetry, error.RetryAfter);
    }

    [Fact]
    public async Task StartLoading_loads_without_a_caller_and_never_starts_a_second_fetch()
    {
        using var harness = new CacheHarness();
        var pending = harness.Source.Pending();

        harness.Cache.StartLoading();
        harness.Cache.StartLoading();
        await harness.Source.WhenCallsReachAsync(1);
        pending.SetResult(new Box("warm"));
        await harness.SettleAsync();
        harness.Cache.StartLoading();

        Assert.Equal("warm", harness.Hit().Name);
        Assert.Equal(1, harness.Source.Calls);
    }

    [Fact]
    public async Task Disposing_cancels_the_fetch_in_flight_reports_nothing_stops_the_timer_and_refuses_cold_callers()
    {
        var harness = new CacheHarness();
        harness.Source.Pending();
        var cold = harness.Cache.GetAsync().AsTask();
        await harness.Source.WhenCallsReachAsync(1);

        harness.Dispose();

        Assert.True(harness.Source.Tokens[0].IsCancellationRequested);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cold.WaitAsync(s_wait));
        Assert.Empty(harness.Source.Failures);
        await harness.AdvanceAsync(TimeSpan.FromHours(1));
        Assert.Equal(1, harness.Source.Calls);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await harness.Cache.GetAsync());
    }

    [Fact]
    public async Task The_fetch_runs_outside_the_callers_context_yet_its_span_is_the_callers_child()
    {
        using var spans = new ActivitySource("TokenFunction.Tests.Caching");
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == spans.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);
        using var harness = new CacheHarness();
        harness.Source.Spans = spans;
        harness.Source.Returns("v1");
        harness.Source.FailsFromNowOn(new InvalidOperationException("secret-bearing message"));

        using (var invocation = spans.StartActivity("invocation")!)
        {
            ScriptedSource.Ambient = "the caller's";
            await harness.Cache.GetAsync();
            Assert.Same(invocation, Activity.Current);

            var seen = Assert.Single(harness.Source.Seen);
            Assert.Equal(invocation.Context, seen.StartedFor);
            Assert.Null(seen.Ambient);   // nothing else of the caller's context flows into the shared fetch
            var fetch = Assert.Single(stopped, s => s.OperationName == "fetch");
            Assert.Same(fetch, seen.Current);   // the fetch runs inside its own span
            Assert.Equal(invocation.SpanId, fetch.ParentSpanId);
            Assert.Equal(ActivityStatusCode.Unset, fetch.Status);
        }

        // A timer's refresh belongs to no request: a root span. A failure marks it with the exception's type only.
        await harness.AdvanceAsync(harness.Options.RefreshAfter);
        Assert.Equal(default, harness.Source.Seen[^1].StartedFor);
        var failed = stopped.Last(s => s.OperationName == "fetch");
        Assert.Equal(default, failed.ParentSpanId);
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal(nameof(InvalidOperationException), failed.StatusDescription);
        Assert.Equal(true, failed.GetTagItem("test.failed"));
    }

    [Fact]
    public async Task A_forced_refresh_is_allowed_at_once_after_a_load_then_only_once_per_spacing()
    {
        using var harness = new CacheHarness(o => o with { ForcedRefreshSpacing = TimeSpan.FromMinutes(5), RefreshAfter = TimeSpan.FromHours(1), ServeFor = Timeout.InfiniteTimeSpan });
        harness.Source.Returns("v1");
        harness.Source.Returns("v2");
        harness.Source.Returns("v3");
        var v1 = await harness.Cache.GetAsync();

        var v2 = await harness.Cache.RefreshAsync(v1, default);
        Assert.Equal("v2", v2.Name);

        // Asked again within the spacing: the caller gets what it has; the source is not asked.
        Assert.Same(v2, await harness.Cache.RefreshAsync(v2, default));
        Assert.Equal(2, harness.Source.Calls);

        // A caller still holding v1 gets the newer value without a fetch.
        Assert.Same(v2, await harness.Cache.RefreshAsync(v1, default));

        await harness.AdvanceAsync(TimeSpan.FromMinutes(5));
        Assert.Equal("v3", (await harness.Cache.RefreshAsync(v2, default)).Name);
        Assert.Equal(3, harness.Source.Calls);
    }

    [Fact]
    public async Task Concurrent_forced_refreshes_share_one_fetch()
    {
        using var harness = new CacheHarness(o => o with { ForcedRefreshSpacing = TimeSpan.FromMinutes(5) });
        harness.Source.Returns("v1");
        var v1 = await harness.Cache.GetAsync();
        var pending = harness.Source.Pending();

        var callers = Enumerable.Range(0, 50).Select(_ => Task.Run(async () => await harness.Cache.RefreshAsync(v1, default))).ToArray();
        await harness.Source.WhenCallsReachAsync(2);
        var v2 = new Box("v2");
        pending.SetResult(v2);

        Assert.All(await Task.WhenAll(callers).WaitAsync(s_wait), r => Assert.Same(v2, r));
        Assert.Equal(2, harness.Source.Calls);
    }

    [Fact]
    public async Task After_a_failed_attempt_with_a_value_cached_the_next_waits_the_spacing_from_the_failed_ones_start()
    {
        using var harness = new CacheHarness(o => o with
        {
            ForcedRefreshSpacing = TimeSpan.FromMinutes(5),
            RefreshAfter = TimeSpan.FromHours(12),
            ServeFor = Timeout.InfiniteTimeSpan,
            LongestRetry = TimeSpan.FromMinutes(5),
            RefreshOnTimer = false,
        });
        harness.Source.Returns("v1");
        var v1 = await harness.Cache.GetAsync();
        harness.Source.Pending();

        // The forced refresh hangs until the fetch timeout (10 s): its callers get the time left from its start.
        var forced = harness.Cache.RefreshAsync(v1, default).AsTask();
        await harness.Source.WhenCallsReachAsync(2);
        Assert.Same(v1, harness.Hit());
        harness.Time.Advance(TimeSpan.FromSeconds(10));
        var error = await Assert.ThrowsAsync<UnavailableException>(() => forced.WaitAsync(s_wait));
        Assert.Equal(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(10), error.RetryAfter);

        // Until then forced refreshes are refused at once (the last attempt failed), plain reads get the cached value.
        harness.Time.Advance(TimeSpan.FromMinutes(2));
        var early = await Assert.ThrowsAsync<UnavailableException>(async () => await harness.Cache.RefreshAsync(v1, default));
        Assert.Equal(TimeSpan.FromMinutes(3) - TimeSpan.FromSeconds(10), early.RetryAfter);
        Assert.Same(v1, harness.Hit());
        Assert.Equal(2, harness.Source.Calls);

        harness.Source.Returns("v2");
        harness.Time.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromSeconds(10));
        Assert.Equal("v2", (await harness.Cache.RefreshAsync(v1, default)).Name);
        Assert.Equal(3, harness.Source.Calls);
    }

    [Theory]
    [InlineData(0, 10, 1, 60)]     // no refresh interval
    [InlineData(5, 4, 1, 60)]      // served for less than the refresh interval
    [InlineData(4, 10, 0, 60)]     // no first retry
    [InlineData(4, 10, 2, 1)]      // longest retry below the first
    public void Contradictory_settings_are_refused(int refreshMinutes, int serveMinutes, int firstSeconds, int longestSeconds)
    {
        var options = CacheHarness.Defaults with
        {
            RefreshAfter = TimeSpan.FromMinutes(refreshMinutes),
            ServeFor = TimeSpan.FromMinutes(serveMinutes),
            FirstRetry = TimeSpan.FromSeconds(firstSeconds),
            LongestRetry = TimeSpan.FromSeconds(longestSeconds),
        };

        Assert.ThrowsAny<ArgumentException>(() => new RefreshingCache<Box>(new ScriptedSource(), options, TimeProvider.System));
    }
}
