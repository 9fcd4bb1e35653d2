using System.Diagnostics;
using Azure;
using Azure.Security.KeyVault.Secrets;
using TokenFunction.Secrets;
using TokenFunction.Tests.Support.Secrets;
using TokenFunction.Tests.Support.Telemetry;
using static TokenFunction.Telemetry.TokenServiceTelemetry;

namespace TokenFunction.Tests.Telemetry;

/// <summary>Key Vault fetch outcomes, rotations, the key pair gauges and the fetch span, against the fake vault.</summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class KeyVaultTelemetryTests
{
    [Fact]
    public async Task Every_fetch_is_counted_by_outcome_and_a_new_version_counts_as_a_rotation()
    {
        using var capture = new TelemetryCapture();
        using var harness = new KeyVaultHarness();
        harness.Fails(FakeResponse.Failure(429, "Throttled", ("Retry-After", "1")));
        // Azure.Core's network timeout: a cancellation nobody asked for, with a TimeoutException inside.
        harness.Enqueue(_ => Task.FromException<Response<KeyVaultSecret>>(new TaskCanceledException("timeout", new TimeoutException())));
        harness.Fails(FakeResponse.Failure(403, "Forbidden"));
        harness.Returns("secret-one", "v1");
        harness.Returns("secret-two", "v2");

        await Assert.ThrowsAsync<SecretUnavailableException>(async () => await harness.Provider.GetCredentialsAsync());
        await harness.AdvanceAsync(TimeSpan.FromSeconds(1));   // timed out; next attempt in 2 s
        await harness.AdvanceAsync(TimeSpan.FromSeconds(2));   // 403; next attempt in 4 s
        await harness.AdvanceAsync(TimeSpan.FromSeconds(4));   // v1
        Assert.Equal("secret-one", harness.Hit().ApiSecret);
        await harness.AdvanceAsync(TimeSpan.FromMinutes(4));   // the refresh point: v2
        await harness.WhenCallsReachAsync(5);
        await harness.SettleAsync();
        Assert.Equal("v2", harness.Provider.CurrentVersion);

        Assert.Equal(5, harness.Calls);
        Assert.Equal(1, capture.Sum(Instruments.KeyVaultFetches, (Tags.Outcome, Outcomes.Throttled)));
        Assert.Equal(1, capture.Sum(Instruments.KeyVaultFetches, (Tags.Outcome, Outcomes.TimedOut)));
        Assert.Equal(1, capture.Sum(Instruments.KeyVaultFetches, (Tags.Outcome, Outcomes.Failed)));
        Assert.Equal(2, capture.Sum(Instruments.KeyVaultFetches, (Tags.Outcome, Outcomes.Ok)));
        Assert.Equal(1, capture.Sum(Instruments.KeyRotations));

        var spans = capture.Spans.Where(s => s.OperationName == Spans.KeyVaultFetch).ToList();
        Assert.Equal([Outcomes.Throttled, Outcomes.TimedOut, Outcomes.Failed, Outcomes.Ok, Outcomes.Ok], spans.Select(s => s.GetTagItem(Tags.Outcome)));
        Assert.Equal(3, spans.Count(s => s.Status == ActivityStatusCode.Error));
        Assert.All(spans, s => Assert.Equal(ActivityKind.Client, s.Kind));
    }

    [Fact]
    public async Task The_fetch_span_is_a_child_of_the_invocation_that_asked_and_the_invocation_stays_current()
    {
        using var capture = new TelemetryCapture();
        using var invocations = new ActivitySource("TokenFunction.Tests.Invocation");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == invocations.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var harness = new KeyVaultHarness();
        harness.Returns("secret-one", "v1");

        using (var invocation = invocations.StartActivity("invocation")!)
        {
            Assert.Equal("secret-one", (await harness.Provider.GetCredentialsAsync()).ApiSecret);
            Assert.Same(invocation, Activity.Current);

            var span = Assert.Single(capture.Spans, s => s.OperationName == Spans.KeyVaultFetch);
            Assert.Equal(invocation.TraceId, span.TraceId);
            Assert.Equal(invocation.SpanId, span.ParentSpanId);
        }

        // A timer-driven refresh belongs to no request: its span is a root.
        harness.Returns("secret-one", "v1");
        await harness.AdvanceAsync(TimeSpan.FromMinutes(4));
        await harness.WhenCallsReachAsync(2);
        await harness.SettleAsync();
        Assert.Equal(2, capture.Spans.Count(s => s.OperationName == Spans.KeyVaultFetch));
        Assert.Equal(default, capture.Spans.Last(s => s.OperationName == Spans.KeyVaultFetch).ParentSpanId);
    }

    [Fact]
    public async Task The_gauges_report_the_pair_age_and_the_staleness_being_served()
    {
        using var capture = new TelemetryCapture();
        var harness = new KeyVaultHarness();
        harness.Returns("secret-one", "v1");
        harness.FailsFromNowOn(FakeResponse.Failure(503, "ServiceUnavailable"));

        capture.CollectGauges();
        Assert.Empty(capture.Of(Instruments.KeyPairAge));   // nothing loaded: nothing to report

        await harness.Provider.GetCredentialsAsync();
        await harness.AdvanceAsync(TimeSpan.FromSeconds(100));
        capture.CollectGauges();
        Assert.Equal(100, capture.Of(Instruments.KeyPairAge)[^1].Value, precision: 3);
        Assert.Equal(0, capture.Of(Instruments.Staleness)[^1].Value);

        // Key Vault fails from the refresh point on; at 6 minutes the 5-minute pair is 60 s stale and still served.
        for (var i = 0; i < 26; i++)
        {
            await harness.AdvanceAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Equal("secret-one", harness.Hit().ApiSecret);
        capture.CollectGauges();
        Assert.Equal(360, capture.Of(Instruments.KeyPairAge)[^1].Value, precision: 3);
        Assert.Equal(60, capture.Of(Instruments.Staleness)[^1].Value, precision: 3);

        harness.Dispose();
        var before = capture.Of(Instruments.KeyPairAge).Count;
        capture.CollectGauges();
        Assert.Equal(before, capture.Of(Instruments.KeyPairAge).Count);
    }

    [Theory]
    [InlineData(429, "throttled")]
    [InlineData(403, "failed")]
    [InlineData(500, "failed")]
    [InlineData(503, "failed")]
    public void Fetch_outcomes_come_from_a_fixed_set(int status, string outcome) =>
        Assert.Equal(outcome, KeyVaultApiCredentialsProvider.FetchOutcome(FakeResponse.Failure(status, "Code")));

    [Fact]
    public void Timeouts_and_other_exceptions_have_their_outcomes()
    {
        Assert.Equal(Outcomes.Ok, KeyVaultApiCredentialsProvider.FetchOutcome(null));
        Assert.Equal(Outcomes.TimedOut, KeyVaultApiCredentialsProvider.FetchOutcome(new TimeoutException()));
        Assert.Equal(Outcomes.TimedOut, KeyVaultApiCredentialsProvider.FetchOutcome(new OperationCanceledException()));
        Assert.Equal(Outcomes.Failed, KeyVaultApiCredentialsProvider.FetchOutcome(new InvalidDataException("no tag")));
    }
}
