using Microsoft.Extensions.Time.Testing;
using TokenFunction.LiveKit;
using TokenFunction.Tests.Support.LiveKit;

namespace TokenFunction.Tests.LiveKit;

public sealed class AccessTokenRefusalTests
{
    internal const string Secret = "refusal-test-secret-do-not-leak-0123456789";
    private static readonly DateTimeOffset s_now = new(2026, 11, 28, 4, 30, 0, TimeSpan.Zero);

    private static AccessToken Token() => new("APIkey", Secret, new FakeTimeProvider(s_now));

    [Theory]
    [InlineData("", "secret", "apiKey")]
    [InlineData("devkey", "", "apiSecret")]
    [InlineData(null, "secret", "apiKey")]
    [InlineData("devkey", null, "apiSecret")]
    public void Empty_key_or_secret_is_refused(string? key, string? secret, string parameter)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new AccessToken(key!, secret!));
        Assert.Equal(parameter, error.ParamName);
        var verifierError = Assert.ThrowsAny<ArgumentException>(() => new TokenVerifier(key!, secret!));
        Assert.Equal(parameter, verifierError.ParamName);
    }

    [Fact]
    public void Join_grant_without_identity_is_refused()
    {
        var token = Token().AddGrant(new VideoGrant { RoomJoin = true, Room = "r" });

        var error = Assert.Throws<InvalidOperationException>(token.ToJwt);
        Assert.Contains("identity", error.Message, StringComparison.Ordinal);
        AssertNoSecret(error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Join_grant_without_room_is_refused(string? room)
    {
        var token = Token();
        token.Identity = "alice";
        token.AddGrant(new VideoGrant { RoomJoin = true, Room = room });

        var error = Assert.Throws<InvalidOperationException>(token.ToJwt);
        Assert.Contains("room", error.Message, StringComparison.Ordinal);
        AssertNoSecret(error);
    }

    [Fact]
    public void Grants_without_join_need_neither_identity_nor_room()
    {
        var token = Token().AddGrant(new VideoGrant { CanPublish = false, CanSubscribe = true });

        var payload = JwtParts.Payload(token.ToJwt());

        Assert.False(payload.TryGetProperty("sub", out _));
    }

    public static TheoryData<string> ZeroLengthLifetimes => ["ttl 0", "ttl -1s", "ttl 999ms", "exp = nbf", "exp < nbf", "exp 0.5s after nbf"];

    [Theory]
    [MemberData(nameof(ZeroLengthLifetimes))]
    public void Expiry_not_after_not_before_is_refused(string lifetime)
    {
        var token = Token();
        token.Identity = "alice";
        switch (lifetime)
        {
            case "ttl 0":
                token.Ttl = TimeSpan.Zero;
                break;
            case "ttl -1s":
                token.Ttl = TimeSpan.FromSeconds(-1);
                break;
            case "ttl 999ms":
                token.NotBefore = s_now; // whole second: 999 ms later is still the same NumericDate
                token.Ttl = TimeSpan.FromMilliseconds(999);
                break;
            case "exp = nbf":
                token.ExpiresAt = s_now;
                break;
            case "exp < nbf":
                token.NotBefore = s_now;
                token.ExpiresAt = s_now.AddMinutes(-1);
                break;
            default:
                token.NotBefore = s_now.AddMilliseconds(100);
                token.ExpiresAt = s_now.AddMilliseconds(600);
                break;
        }

        var error = Assert.Throws<InvalidOperationException>(token.ToJwt);
        AssertNoSecret(error);
    }

    [Fact]
    public void Ttl_past_the_end_of_time_is_refused_not_overflowed()
    {
        var token = Token();
        token.Ttl = TimeSpan.MaxValue;

        var error = Assert.Throws<InvalidOperationException>(token.ToJwt);
        AssertNoSecret(error);
    }

    [Fact]
    public void An_undefined_track_source_is_refused()
    {
        var token = Token().AddGrant(new VideoGrant { CanPublishSources = [TrackSource.Camera, (TrackSource)9] });

        var error = Assert.Throws<InvalidOperationException>(token.ToJwt);
        Assert.Contains("canPublishSources", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lone_surrogates_are_never_written_as_invalid_UTF8()
    {
        var token = Token();
        token.Identity = "a\uD800b";
        token.Attributes = new Dictionary<string, string> { ["k\uDC00"] = "v\uD83D" };

        var jwt = token.ToJwt();

        var result = new TokenVerifier("APIkey", Secret, new FakeTimeProvider(s_now)).Verify(jwt);
        Assert.True(result.IsValid, result.FailureReason);
        Assert.Equal("a\uFFFDb", result.Subject);
    }

    [Fact]
    public void ToString_names_no_secret()
    {
        Assert.DoesNotContain(Secret, Token().ToString(), StringComparison.Ordinal);
    }

    private static void AssertNoSecret(Exception error) =>
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
}
