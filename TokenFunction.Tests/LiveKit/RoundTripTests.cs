using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using TokenFunction.LiveKit;
using TokenFunction.Tests.Support.LiveKit;

namespace TokenFunction.Tests.LiveKit;

public sealed class RoundTripTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 28, 4, 30, 0, TimeSpan.Zero);
    private static readonly FakeTimeProvider s_clock = new(s_now);

    // Reflection-based, includes nulls: two objects of the same type print the same only if every property agrees.
    private static readonly JsonSerializerOptions s_everyProperty = new() { WriteIndented = false };

    public static TheoryData<string, string> VideoFields => new()
    {
        { "roomJoin", "true" }, { "room", "\"room-α\"" },
        { "canPublish", "false" }, { "canPublish", "true" }, { "canSubscribe", "false" }, { "canSubscribe", "true" },
        { "canPublishData", "false" }, { "canPublishData", "true" }, { "canUpdateOwnMetadata", "true" },
        { "canUpdateOwnMetadata", "false" },
        { "canPublishSources", """["camera","microphone","screen_share","screen_share_audio"]""" },
        { "canPublishSources", """["screen_share"]""" },
    };

    [Theory]
    [MemberData(nameof(VideoFields))]
    public void Each_video_field_is_written_alone_under_its_protocol_name_and_read_back(string field, string json)
    {
        var grant = JsonSerializer.Deserialize<VideoGrant>($"{{\"{field}\":{json}}}", TestJson.CamelCase)!;
        var token = new AccessToken("devkey", "secret", s_clock) { Identity = "alice" };
        if (grant.RoomJoin)
        {
            grant.Room = "r";
        }

        token.AddGrant(grant);

        var jwt = token.ToJwt();
        var video = JwtParts.Payload(jwt).GetProperty("video");
        Assert.Equal(JsonNode.Parse(json)!.ToJsonString(), JsonNode.Parse(video.GetProperty(field).GetRawText())!.ToJsonString());
        var expectedNames = grant.RoomJoin ? new[] { "room", "roomJoin" } : [field];
        Assert.Equal(expectedNames, JwtParts.PropertyNames(video));

        var verified = new TokenVerifier("devkey", "secret", s_clock).Verify(jwt);
        Assert.True(verified.IsValid, verified.FailureReason);
        Assert.Equal(Print(grant), Print(verified.Claims!.Video));
    }

    [Fact]
    public void Every_claim_survives_a_round_trip()
    {
        var token = new AccessToken("APIfull", "a-32-byte-or-longer-secret-for-the-test", s_clock)
        {
            Identity = "agent-7",
            Name = "Agent Seven",
            Metadata = """{"role":"host"}""",
            Attributes = new Dictionary<string, string> { ["team"] = "blue", ["lang"] = "fr" },
            Ttl = TimeSpan.FromMinutes(10),
            RoomConfig = new RoomConfiguration
            {
                Agents =
                [
                    new RoomAgentDispatch
                    {
                        AgentName = "helper",
                        Metadata = "{\"x\":1}",
                        RestartPolicy = JobRestartPolicy.Never,
                        Deployment = "staging",
                        Attributes = new Dictionary<string, string> { ["tier"] = "gold" },
                    },
                    new RoomAgentDispatch { AgentName = "scribe" },
                ],
            },
        };
        token.AddGrant(new VideoGrant
        {
            RoomJoin = true,
            Room = "room-1",
            CanPublish = true,
            CanSubscribe = false,
            CanPublishData = true,
            CanUpdateOwnMetadata = true,
            CanPublishSources = [TrackSource.Microphone, TrackSource.ScreenShareAudio],
        });

        var result = new TokenVerifier("APIfull", "a-32-byte-or-longer-secret-for-the-test", s_clock).Verify(token.ToJwt());

        Assert.True(result.IsValid, result.FailureReason);
        var claims = result.Claims!;
        Assert.Equal("agent-7", claims.Identity);
        Assert.Equal("agent-7", result.Subject);
        Assert.Equal("APIfull", result.Issuer);
        Assert.Equal(s_now, result.NotBefore);
        Assert.Equal(s_now.AddMinutes(10), result.ExpiresAt);
        Assert.Equal("Agent Seven", claims.Name);
        Assert.Equal("""{"role":"host"}""", claims.Metadata);
        Assert.Equal(token.Attributes, claims.Attributes);
        Assert.Equal(Print(token.VideoGrant), Print(claims.Video));
        Assert.Equal(Print(token.RoomConfig), Print(claims.RoomConfig));
        Assert.Equal("helper", claims.RoomConfig!.Agents![0].AgentName);
    }

    [Fact]
    public void Room_config_is_camelCase_with_unset_fields_omitted()
    {
        var token = new AccessToken("devkey", "secret", s_clock)
        {
            RoomConfig = new RoomConfiguration { Agents = [new RoomAgentDispatch { AgentName = "a", RestartPolicy = JobRestartPolicy.OnFailure }] },
        };

        var roomConfig = JwtParts.Payload(token.ToJwt()).GetProperty("roomConfig");

        // A set field at its protocol default (JRP_ON_FAILURE is 0) is still written; unset ones are not.
        Assert.Equal("""{"agents":[{"agentName":"a","restartPolicy":"JRP_ON_FAILURE"}]}""", roomConfig.GetRawText());
    }

    [Fact]
    public void Non_ASCII_text_survives_and_is_written_as_UTF8()
    {
        var attributes = new Dictionary<string, string>
        {
            ["名前"] = "Zoë 🚀",
            ["emoji 👩‍💻"] = "ok",
            ["quote\"and\\slash"] = "line\nbreak\u0001",
            ["html"] = "<script>&'",
        };
        var token = new AccessToken("devkey", "secret", s_clock)
        {
            Identity = "Ünïcödé-用户",
            Name = "Ærøskøbing",
            Attributes = attributes,
        };

        var jwt = token.ToJwt();
        var result = new TokenVerifier("devkey", "secret", s_clock).Verify(jwt);

        Assert.True(result.IsValid, result.FailureReason);
        Assert.Equal(attributes, result.Claims!.Attributes);
        Assert.Equal("Ünïcödé-用户", result.Subject);
        Assert.Equal("Ærøskøbing", result.Claims.Name);
        var rawPayload = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(jwt.Split('.')[1]));
        // BMP text is written raw (like JSON.stringify); the encoder still escapes astral characters, which is equal JSON.
        Assert.Contains("\"名前\":\"Zoë ", rawPayload, StringComparison.Ordinal);
    }

    [Fact]
    public void AddGrant_lets_later_fields_win_and_copies_the_sources_in_our_writers_key_order()
    {
        // The merge rule follows the Node SDK's addGrant, `this.grants.video = { ...this.grants.video ?? {}, ...grant }`
        // (livekit-server-sdk 2.19.2 dist/AccessToken.js); the key order pinned below is our writer's own, not Node's.
        var token = new AccessToken("devkey", "secret", s_clock) { Identity = "a" };
        var sources = new List<TrackSource> { TrackSource.Camera };
        token.AddGrant(new VideoGrant { RoomJoin = true, Room = "first", CanPublish = false, CanPublishSources = sources });
        token.AddGrant(new VideoGrant { Room = "second", CanSubscribe = true });
        sources.Add(TrackSource.Microphone); // the token took a copy

        var video = JwtParts.Payload(token.ToJwt()).GetProperty("video");

        Assert.Equal("""{"roomJoin":true,"room":"second","canPublish":false,"canSubscribe":true,"canPublishSources":["camera"]}""", video.GetRawText());
    }

    [Fact]
    public void Track_sources_map_to_their_wire_names()
    {
        foreach (var source in Enum.GetValues<TrackSource>())
        {
            Assert.True(TrackSources.TryParse(TrackSources.ToWire(source), out var parsed));
            Assert.Equal(source, parsed);
        }

        Assert.Equal("screen_share_audio", TrackSources.ToWire(TrackSource.ScreenShareAudio));
        Assert.False(TrackSources.TryParse("Camera", out _));
        Assert.False(TrackSources.TryParse(null, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrackSources.ToWire((TrackSource)42));
    }

    public static TheoryData<int> TtlSeconds => [1, 59, 60, 600, 900, 21600, 86400 * 365];

    [Theory]
    [MemberData(nameof(TtlSeconds))]
    public void Ttl_sets_expiry_exactly(int seconds)
    {
        var now = s_now.AddMilliseconds(750); // fractions are dropped from both ends alike
        var token = new AccessToken("devkey", "secret", new FakeTimeProvider(now)) { Ttl = TimeSpan.FromSeconds(seconds) };

        var payload = JwtParts.Payload(token.ToJwt());

        Assert.Equal(s_now.ToUnixTimeSeconds(), payload.GetProperty("nbf").GetInt64());
        Assert.Equal(s_now.ToUnixTimeSeconds() + seconds, payload.GetProperty("exp").GetInt64());
    }

    [Fact]
    public void Explicit_not_before_and_expiry_win()
    {
        var token = new AccessToken("devkey", "secret", s_clock)
        {
            NotBefore = s_now.AddMinutes(5),
            ExpiresAt = s_now.AddMinutes(7),
            Ttl = TimeSpan.FromHours(1), // ignored: ExpiresAt is explicit
        };

        var payload = JwtParts.Payload(token.ToJwt());

        Assert.Equal(s_now.AddMinutes(5).ToUnixTimeSeconds(), payload.GetProperty("nbf").GetInt64());
        Assert.Equal(s_now.AddMinutes(7).ToUnixTimeSeconds(), payload.GetProperty("exp").GetInt64());
    }

    [Fact]
    public void Not_before_alone_shifts_the_ttl_window()
    {
        var token = new AccessToken("devkey", "secret", s_clock) { NotBefore = s_now.AddHours(1), Ttl = TimeSpan.FromMinutes(15) };

        var payload = JwtParts.Payload(token.ToJwt());

        Assert.Equal(s_now.AddHours(1).AddMinutes(15).ToUnixTimeSeconds(), payload.GetProperty("exp").GetInt64());
    }

    [Fact]
    public void Tokens_from_many_threads_and_secrets_all_verify()
    {
        // The signer keeps one keyed HMAC per thread; interleaving secrets on shared threads must never mix keys up.
        var secrets = new[] { "secret", "another-secret", "a-third-one-that-is-longer-than-32-bytes!!" };
        var failures = 0;
        Parallel.For(0, 300, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var secret = secrets[i % secrets.Length];
            var token = new AccessToken("k", secret, s_clock) { Identity = $"user-{i}" }.ToJwt();
            var ok = new TokenVerifier("k", secret, s_clock).Verify(token);
            var wrong = new TokenVerifier("k", secrets[(i + 1) % secrets.Length], s_clock).Verify(token);
            if (!ok.IsValid || ok.Subject != $"user-{i}" || wrong.IsValid)
            {
                Interlocked.Increment(ref failures);
            }
        });

        Assert.Equal(0, failures);
    }

    private static string Print<T>(T value) => JsonSerializer.Serialize(value, s_everyProperty);
}
