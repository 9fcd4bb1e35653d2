using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using TokenFunction.Secrets;
using TokenFunction.Tests.Support.Secrets;

namespace TokenFunction.Tests.Secrets;

public sealed class ApiCredentialsWarmUpServiceTests
{
    [Fact]
    public async Task Start_up_loads_the_pair_so_the_first_request_is_a_cached_hit()
    {
        using var harness = new KeyVaultHarness();
        harness.Returns("warm-secret", "v1");
        var service = new ApiCredentialsWarmUpService(
            harness.Provider, Options.Create(harness.Options), harness.Time, new FakeLogger<ApiCredentialsWarmUpService>());

        await service.StartAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(harness.Provider.IsReady);
        Assert.Equal("warm-secret", harness.Hit().ApiSecret);
        Assert.Equal(1, harness.Calls);
    }

    [Fact]
    public async Task A_hanging_vault_delays_start_up_only_until_the_warm_up_timeout()
    {
        using var harness = new KeyVaultHarness(o => o.WarmUpTimeout = TimeSpan.FromSeconds(10));
        var hanging = harness.Pending();
        var logger = new FakeLogger<ApiCredentialsWarmUpService>();
        var service = new ApiCredentialsWarmUpService(harness.Provider, Options.Create(harness.Options), harness.Time, logger);

        var start = service.StartAsync(CancellationToken.None);
        await harness.WhenCallsReachAsync(1);
        harness.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(start.IsCompleted);
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        await start.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(harness.Provider.IsReady);
        Assert.Equal(LogLevel.Warning, logger.LatestRecord.Level);

        // The fetch was not abandoned: when Key Vault answers, the pair is served.
        hanging.SetResult(KeyVaultHarness.Ok("late-secret", "v1"));
        await harness.SettleAsync();
        Assert.Equal("late-secret", harness.Hit().ApiSecret);
    }

    [Fact]
    public async Task A_failing_vault_does_not_fail_start_up()
    {
        using var harness = new KeyVaultHarness();
        harness.FailsFromNowOn(FakeResponse.Failure(403, "Forbidden"));
        var logger = new FakeLogger<ApiCredentialsWarmUpService>();
        var service = new ApiCredentialsWarmUpService(harness.Provider, Options.Create(harness.Options), harness.Time, logger);

        await service.StartAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(harness.Provider.IsReady);
        Assert.Equal(LogLevel.Warning, logger.LatestRecord.Level);
    }

    [Fact]
    public async Task A_zero_warm_up_timeout_does_not_wait_but_the_first_read_still_starts_at_start_up()
    {
        using var harness = new KeyVaultHarness(o => o.WarmUpTimeout = TimeSpan.Zero);
        var pending = harness.Pending();
        var service = new ApiCredentialsWarmUpService(
            harness.Provider, Options.Create(harness.Options), harness.Time, new FakeLogger<ApiCredentialsWarmUpService>());

        var start = service.StartAsync(CancellationToken.None);

        Assert.True(start.IsCompletedSuccessfully);
        pending.SetResult(KeyVaultHarness.Ok("zero-warm-up-secret", "v1"));
        await harness.SettleAsync();
        Assert.True(harness.Provider.IsReady);
        Assert.Equal("zero-warm-up-secret", harness.Hit().ApiSecret);
        Assert.Equal(1, harness.Calls);
    }

    [Fact]
    public async Task A_zero_warm_up_timeout_with_a_failing_vault_keeps_retrying_without_a_request()
    {
        using var harness = new KeyVaultHarness(o => o.WarmUpTimeout = TimeSpan.Zero);
        harness.Fails(FakeResponse.Failure(503, "ServiceUnavailable"));
        harness.ReturnsFromNowOn("zero-warm-up-retried", "v1");
        var service = new ApiCredentialsWarmUpService(
            harness.Provider, Options.Create(harness.Options), harness.Time, new FakeLogger<ApiCredentialsWarmUpService>());

        await service.StartAsync(CancellationToken.None);
        await harness.SettleAsync();
        Assert.False(harness.Provider.IsReady);

        // Health recovers on the retry timer alone: no token request is needed to start a read.
        await harness.AdvanceAsync(harness.Options.MinBackoff);
        Assert.True(harness.Provider.IsReady);
        Assert.Equal(2, harness.Calls);
    }
}
