using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenFunction.Auth;
using TokenFunction.Tests.Support.Auth;

namespace TokenFunction.Tests.Auth;

/// <summary>
/// Bearer mode while the identity provider fails or hangs: refreshes forced by unknown key ids are rate-limited from
/// the last attempt (not the last success), callers whose key is cached never wait, and the 503's Retry-After is the
/// time to the real next attempt. Counted at the issuer; time is a FakeTimeProvider, so nothing waits on the clock.
/// </summary>
public sealed class IssuerOutageTests
{
    private const string s_audience = "api://token-service";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);
    private static readonly IssuerKey s_key = IssuerKey.Ecdsa("ec-1");
    private static readonly IssuerKey s_rolled = IssuerKey.Ecdsa("ec-rolled-over");

    [Fact]
    public async Task While_the_issuer_hangs_twenty_unknown_kids_cause_one_fetch_and_cached_keys_never_wait()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_key);
        using var harness = new Harness(issuer);
        var known = "Bearer " + issuer.CreateToken(s_key, s_audience);
        var unknown = "Bearer " + issuer.CreateToken(s_rolled, s_audience);
        Assert.True((await harness.Authenticator.AuthenticateAsync(known, default)).Succeeded);
        Assert.Equal(2, issuer.Requests);

        issuer.Outage = IssuerOutage.Hanging;
        var waiting = Enumerable.Range(0, 20).Select(_ => harness.Authenticator.AuthenticateAsync(unknown, default).AsTask()).ToArray();
        Assert.True(await issuer.HangingRequests.WaitAsync(s_wait));

        // The refresh hangs; callers whose key is cached are answered meanwhile, without joining it.
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await harness.Authenticator.AuthenticateAsync(known, default).AsTask().WaitAsync(s_wait)).Succeeded);
        }

        Assert.DoesNotContain(waiting, call => call.IsCompleted);

        // The metadata timeout (10 s) ends the attempt: the next one is allowed 5 min after it started.
        harness.Time.Advance(TimeSpan.FromSeconds(10));
        foreach (var call in waiting)
        {
            var error = await Assert.ThrowsAsync<CallerAuthenticationUnavailableException>(() => call.WaitAsync(s_wait));
            Assert.Equal(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(10), error.RetryAfter);
        }

        Assert.Equal(3, issuer.Requests);

        // Until then: answered at once, the issuer is not asked again, and Retry-After counts down.
        harness.Time.Advance(TimeSpan.FromMinutes(2));
        var early = await Assert.ThrowsAsync<CallerAuthenticationUnavailableException>(async () => await harness.Authenticator.AuthenticateAsync(unknown, default));
        Assert.Equal(TimeSpan.FromMinutes(3) - TimeSpan.FromSeconds(10), early.RetryAfter);
        Assert.True((await harness.Authenticator.AuthenticateAsync(known, default)).Succeeded);
        Assert.Equal(3, issuer.Requests);

        // The issuer is back and has rolled its keys: the next attempt, once due, picks the new key up.
        issuer.Outage = IssuerOutage.None;
        issuer.Publish(s_key, s_rolled);
        harness.Time.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromSeconds(10));
        var result = await harness.Authenticator.AuthenticateAsync(unknown, default);
        Assert.True(result.Succeeded, result.FailureDetail);
        Assert.Equal(5, issuer.Requests);
    }

    [Fact]
    public async Task A_failing_issuer_is_asked_once_per_refresh_interval_however_many_unknown_kids_arrive()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_key);
        using var harness = new Harness(issuer);
        var known = "Bearer " + issuer.CreateToken(s_key, s_audience);
        Assert.True((await harness.Authenticator.AuthenticateAsync(known, default)).Succeeded);

        issuer.Outage = IssuerOutage.Failing;
        for (var i = 0; i < 10; i++)
        {
            var made_up = "Bearer " + issuer.CreateToken(IssuerKey.Ecdsa($"made-up-{i}"), s_audience);
            var error = await Assert.ThrowsAsync<CallerAuthenticationUnavailableException>(async () => await harness.Authenticator.AuthenticateAsync(made_up, default));
            Assert.Equal(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(i), error.RetryAfter);
            Assert.True((await harness.Authenticator.AuthenticateAsync(known, default)).Succeeded);
            harness.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(3, issuer.Requests);
        Assert.Single(harness.Logger.Collector.GetSnapshot(), r => r.Id.Id == 7004);
    }

    [Fact]
    public async Task Cold_with_the_issuer_failing_attempts_back_off_and_retry_after_says_when()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_key);
        using var harness = new Harness(issuer);
        var token = "Bearer " + issuer.CreateToken(s_key, s_audience);
        issuer.Outage = IssuerOutage.Failing;

        var first = await Assert.ThrowsAsync<CallerAuthenticationUnavailableException>(async () => await harness.Authenticator.AuthenticateAsync(token, default));
        Assert.Equal(TimeSpan.FromSeconds(1), first.RetryAfter);
        harness.Time.Advance(TimeSpan.FromMilliseconds(400));
        var backingOff = await Assert.ThrowsAsync<CallerAuthenticationUnavailableException>(async () => await harness.Authenticator.AuthenticateAsync(token, default));
        Assert.Equal(TimeSpan.FromMilliseconds(600), backingOff.RetryAfter);
        Assert.Equal(1, issuer.Requests);

        harness.Time.Advance(TimeSpan.FromMilliseconds(600));
        var second = await Assert.ThrowsAsync<CallerAuthenticationUnavailableException>(async () => await harness.Authenticator.AuthenticateAsync(token, default));
        Assert.Equal(TimeSpan.FromSeconds(2), second.RetryAfter);
        Assert.Equal(2, issuer.Requests);

        issuer.Outage = IssuerOutage.None;
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.True((await harness.Authenticator.AuthenticateAsync(token, default)).Succeeded);
        Assert.Equal(4, issuer.Requests);
    }

    private sealed class Harness : IDisposable
    {
        private readonly HttpClient _client;

        public Harness(LocalOidcIssuer issuer)
        {
            _client = issuer.CreateMetadataClient();
            Authenticator = new BearerCallerAuthenticator(
                Options.Create(new CallerAuthenticationOptions { Mode = CallerAuthenticationMode.Bearer, Authority = issuer.Issuer, Audience = s_audience }),
                Logger,
                _client,
                Time);
        }

        public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

        public FakeLogger<BearerCallerAuthenticator> Logger { get; } = new();

        public BearerCallerAuthenticator Authenticator { get; }

        public void Dispose()
        {
            Authenticator.Dispose();
            _client.Dispose();
        }
    }
}
