using CsCheck;
using Microsoft.Extensions.Time.Testing;
using TokenFunction.LiveKit;
using TokenFunction.Tests.Support.LiveKit;

namespace TokenFunction.Tests.LiveKit;

public sealed class TokenVerifierTests
{
    internal const string Key = "devkey";
    internal const string Secret = "secret";
    private static readonly DateTimeOffset s_now = new(2026, 11, 28, 4, 30, 0, TimeSpan.Zero);
    private static readonly long s_nowSeconds = s_now.ToUnixTimeSeconds();

    private static TokenVerifier Verifier(DateTimeOffset? at = null) => new(Key, Secret, new FakeTimeProvider(at ?? s_now));

    private static string Payload(long? nbf = null, long? exp = null, string iss = Key) =>
        "{\"iss\":\"" + iss + "\",\"sub\":\"alice\"" + (nbf is { } n ? $",\"nbf\":{n}" : "") + (exp is { } e ? $",\"exp\":{e}" : "") +
        ",\"video\":{\"roomJoin\":true,\"room\":\"r\"}}";

    private static string Good() => JwtParts.Sign("""{"alg":"HS256","typ":"JWT"}""", Payload(s_nowSeconds, s_nowSeconds + 600), Secret);

    [Fact]
    public void A_well_formed_token_is_accepted()
    {
        var result = Verifier().Verify(Good());

        Assert.True(result.IsValid, result.FailureReason);
        Assert.Null(result.FailureReason);
        Assert.Equal("alice", result.Subject);
        Assert.True(result.Claims!.Video!.RoomJoin);
    }

    [Fact]
    public void A_token_without_typ_is_accepted()
    {
        // The Node SDK writes {"alg":"HS256"} only.
        var token = JwtParts.Sign("""{"alg":"HS256"}""", Payload(s_nowSeconds, s_nowSeconds + 600), Secret);

        Assert.True(Verifier().Verify(token).IsValid);
    }

    public static TheoryData<string, string, string> BadTokens()
    {
        var good = Good();
        var parts = good.Split('.');
        var header = """{"alg":"HS256","typ":"JWT"}""";
        var payload = Payload(s_nowSeconds, s_nowSeconds + 600);
        var tampered = JwtParts.Encode(payload.Replace("alice", "mallory", StringComparison.Ordinal));
        var flippedLast = parts[2][..^1] + (parts[2][^1] == 'A' ? 'Q' : 'A');
        return new TheoryData<string, string, string>
        {
            { "empty", "", "empty" },
            { "one part", parts[0], "three parts" },
            { "two parts", parts[0] + "." + parts[1], "three parts" },
            { "four parts", good + ".x", "three parts" },
            { "truncated signature", good[..^5], "signature" },
            { "truncated payload", parts[0] + "." + parts[1][..^3] + "." + parts[2], "signature" },
            { "empty signature", parts[0] + "." + parts[1] + ".", "base64url" },
            { "malformed base64 in payload", parts[0] + "." + parts[1][..10] + "*" + parts[1][11..] + "." + parts[2], "base64url" },
            { "malformed base64 in header", "e#J." + parts[1] + "." + parts[2], "base64url" },
            { "padding in signature", good + "=", "base64url" },
            { "header not json", JwtParts.Encode("not json") + "." + parts[1] + "." + parts[2], "header" },
            { "header is an array", JwtParts.Encode("[1]") + "." + parts[1] + "." + parts[2], "header" },
            { "tampered payload", parts[0] + "." + tampered + "." + parts[2], "signature" },
            { "tampered signature", parts[0] + "." + parts[1] + "." + flippedLast, "signature" },
            { "alg none, unsigned", JwtParts.Encode("""{"alg":"none"}""") + "." + parts[1] + ".", "HS256" },
            { "alg none, signed anyway", JwtParts.Sign("""{"alg":"none"}""", payload, Secret), "HS256" },
            { "alg HS512", JwtParts.Sign("""{"alg":"HS512","typ":"JWT"}""", payload, Secret), "HS256" },
            { "alg RS256", JwtParts.Sign("""{"alg":"RS256"}""", payload, Secret), "HS256" },
            { "alg lowercase", JwtParts.Sign("""{"alg":"hs256"}""", payload, Secret), "HS256" },
            { "alg missing", JwtParts.Sign("""{"typ":"JWT"}""", payload, Secret), "no alg" },
            { "alg duplicated", JwtParts.Sign("""{"alg":"HS256","alg":"none"}""", payload, Secret), "alg" },
            { "alg not a string", JwtParts.Sign("""{"alg":256}""", payload, Secret), "alg" },
            { "typ other than JWT", JwtParts.Sign("""{"alg":"HS256","typ":"at+jwt"}""", payload, Secret), "typ" },
            { "crit header", JwtParts.Sign("""{"alg":"HS256","crit":["b64"],"b64":false}""", payload, Secret), "critical" },
            { "wrong key", JwtParts.Sign(header, payload, "not-the-secret"), "signature" },
            { "secret prefix", JwtParts.Sign(header, payload, "secre"), "signature" },
            { "wrong issuer", JwtParts.Sign(header, Payload(s_nowSeconds, s_nowSeconds + 600, iss: "otherkey"), Secret), "API key" },
            { "no exp", JwtParts.Sign(header, Payload(s_nowSeconds), Secret), "exp" },
            { "exp as string", JwtParts.Sign(header, $$"""{"iss":"devkey","exp":"{{s_nowSeconds + 60}}"}""", Secret), "payload" },
            { "exp negative", JwtParts.Sign(header, """{"iss":"devkey","exp":-5}""", Secret), "exp" },
            { "exp absurd", JwtParts.Sign(header, """{"iss":"devkey","exp":1e300}""", Secret), "exp" },
            { "expired beyond leeway", JwtParts.Sign(header, Payload(s_nowSeconds - 3600, s_nowSeconds - 60), Secret), "expired" },
            { "not yet valid beyond leeway", JwtParts.Sign(header, Payload(s_nowSeconds + 61, s_nowSeconds + 3600), Secret), "not valid yet" },
            { "payload not json", JwtParts.Sign(header, "{\"iss\":", Secret), "payload" },
            { "payload an array", JwtParts.Sign(header, "[]", Secret), "payload" },
            { "payload null", JwtParts.Sign(header, "null", Secret), "payload" },
            { "duplicate iss", JwtParts.Sign(header, $$"""{"iss":"other","iss":"devkey","exp":{{s_nowSeconds + 60}}}""", Secret), "payload" },
            { "unknown track source", JwtParts.Sign(header, $$$"""{"iss":"devkey","exp":{{{s_nowSeconds + 60}}},"video":{"canPublishSources":["hologram"]}}""", Secret), "payload" },
            { "grant of wrong type", JwtParts.Sign(header, $$$"""{"iss":"devkey","exp":{{{s_nowSeconds + 60}}},"video":{"roomJoin":"yes"}}""", Secret), "payload" },
        };
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public void Bad_tokens_are_rejected_with_a_reason(string name, string token, string reasonMentions)
    {
        var result = Verifier().Verify(token);

        Assert.False(result.IsValid, name);
        Assert.Null(result.Claims);
        Assert.Contains(reasonMentions, result.FailureReason, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret + "\"", result.FailureReason!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-59, true)]   // exp 59 s ago: inside the 60 s leeway
    [InlineData(-60, false)]  // exactly at the edge: expired
    [InlineData(1, true)]
    public void Expiry_has_sixty_seconds_of_leeway(int expOffset, bool valid)
    {
        var token = JwtParts.Sign("""{"alg":"HS256"}""", Payload(s_nowSeconds - 600, s_nowSeconds + expOffset), Secret);

        Assert.Equal(valid, Verifier().Verify(token).IsValid);
    }

    [Theory]
    [InlineData(60, true)]
    [InlineData(61, false)]
    [InlineData(0, true)]
    public void Not_before_has_sixty_seconds_of_leeway(int nbfOffset, bool valid)
    {
        var token = JwtParts.Sign("""{"alg":"HS256"}""", Payload(s_nowSeconds + nbfOffset, s_nowSeconds + 3600), Secret);

        Assert.Equal(valid, Verifier().Verify(token).IsValid);
    }

    [Fact]
    public void Leeway_can_be_narrowed()
    {
        var token = JwtParts.Sign("""{"alg":"HS256"}""", Payload(s_nowSeconds - 600, s_nowSeconds - 30), Secret);
        var strict = new TokenVerifier(Key, Secret, new FakeTimeProvider(s_now)) { Leeway = TimeSpan.Zero };

        Assert.True(Verifier().Verify(token).IsValid);
        Assert.False(strict.Verify(token).IsValid);
    }

    [Fact]
    public void Our_tokens_expire_when_the_clock_passes_exp_plus_leeway()
    {
        var clock = new FakeTimeProvider(s_now);
        var jwt = new AccessToken(Key, Secret, clock) { Identity = "a", Ttl = TimeSpan.FromMinutes(15) }.ToJwt();
        var verifier = new TokenVerifier(Key, Secret, clock);

        clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(59));
        Assert.True(verifier.Verify(jwt).IsValid);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("The token has expired.", verifier.Verify(jwt).FailureReason);
    }

    [Fact]
    public void Arbitrary_input_never_throws()
    {
        var good = Good();
        var verifier = Verifier();
        var mutations = Gen.Select(Gen.Int[0, good.Length - 1], Gen.Char["A.-_*=z{"]);
        mutations.Sample((index, c) =>
        {
            var mutated = string.Concat(good.AsSpan(0, index), c.ToString(), good.AsSpan(index + 1));
            var result = verifier.Verify(mutated);
            return mutated == good ? result.IsValid : !result.IsValid && result.FailureReason is not null;
        }, iter: 2000);

        Gen.String.Sample(s => !verifier.Verify(s).IsValid, iter: 2000);
        Gen.String["abcXYZ09-_."].Sample(s => !verifier.Verify(s).IsValid, iter: 2000);
    }

    [Fact]
    public void A_token_much_longer_than_any_LiveKit_token_is_rejected()
    {
        var result = Verifier().Verify(new string('a', TokenVerifier.MaxTokenLength + 1));

        Assert.Equal("The token is too long.", result.FailureReason);
    }
}
