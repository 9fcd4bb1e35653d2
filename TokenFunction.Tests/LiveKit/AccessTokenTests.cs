using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using TokenFunction.LiveKit;
using TokenFunction.Tests.Support.LiveKit;

namespace TokenFunction.Tests.LiveKit;

public sealed class AccessTokenTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 28, 4, 30, 0, TimeSpan.Zero);

    private static AccessToken Participant(string secret = "secret") =>
        new AccessToken("devkey", secret, new FakeTimeProvider(s_now)) { Identity = "alice", Name = "Alice" }
            .AddGrant(new VideoGrant { RoomJoin = true, Room = "demo-room" });

    [Fact]
    public void Header_is_HS256_JWT()
    {
        var token = Participant().ToJwt();

        Assert.Equal("""{"alg":"HS256","typ":"JWT"}""", Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[0])));
    }

    [Fact]
    public void Signature_is_HMAC_SHA256_of_the_signing_input_with_the_dev_secret()
    {
        var token = Participant("secret").ToJwt();

        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        var expected = HMACSHA256.HashData("secret"u8, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        Assert.Equal(System.Buffers.Text.Base64Url.EncodeToString(expected), parts[2]);
    }

    [Fact]
    public void Registered_claims_come_from_key_identity_and_clock()
    {
        var token = Participant();
        token.Ttl = TimeSpan.FromMinutes(15);

        var payload = JwtParts.Payload(token.ToJwt());

        Assert.Equal("devkey", payload.GetProperty("iss").GetString());
        Assert.Equal("alice", payload.GetProperty("sub").GetString());
        Assert.Equal(s_now.ToUnixTimeSeconds(), payload.GetProperty("nbf").GetInt64());
        Assert.Equal(s_now.AddMinutes(15).ToUnixTimeSeconds(), payload.GetProperty("exp").GetInt64());
        Assert.False(payload.TryGetProperty("jti", out _));
        Assert.False(payload.TryGetProperty("identity", out _));
    }

    [Fact]
    public void Default_ttl_is_six_hours()
    {
        var payload = JwtParts.Payload(Participant().ToJwt());

        Assert.Equal(TimeSpan.FromHours(6), AccessToken.DefaultTtl);
        Assert.Equal(6 * 3600, payload.GetProperty("exp").GetInt64() - payload.GetProperty("nbf").GetInt64());
    }

    [Fact]
    public void Unset_fields_are_omitted()
    {
        var payload = JwtParts.Payload(Participant().ToJwt());

        Assert.Equal(["exp", "iss", "name", "nbf", "sub", "video"], JwtParts.PropertyNames(payload));
        Assert.Equal(["room", "roomJoin"], JwtParts.PropertyNames(payload.GetProperty("video")));
    }

    [Fact]
    public void Explicit_false_optional_booleans_are_written()
    {
        var token = Participant().AddGrant(new VideoGrant { CanPublish = false, CanSubscribe = true });

        var video = JwtParts.Payload(token.ToJwt()).GetProperty("video");

        Assert.False(video.GetProperty("canPublish").GetBoolean());
        Assert.True(video.GetProperty("canSubscribe").GetBoolean());
        Assert.False(video.TryGetProperty("canPublishData", out _));
    }
}
