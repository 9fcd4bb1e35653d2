using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using TokenFunction.LiveKit;
using TokenFunction.Tests.Support.LiveKit;

namespace TokenFunction.Tests.LiveKit;

/// <summary>
/// LiveKit's own Node SDK judges our tokens: for every case, our token must pass the SDK's TokenVerifier, and its
/// payload must equal, claim by claim, the payload of the SDK's AccessToken given the same claims (only nbf/exp
/// values and the header's typ may differ). All cases run in one node process.
/// </summary>
public sealed class LiveKitJudgeTests(LiveKitJudgeTests.Batch batch) : IClassFixture<LiveKitJudgeTests.Batch>
{
    /// <summary>Name, API key, secret, claims in the SDK's vocabulary.</summary>
    public static readonly IReadOnlyList<(string Name, string Key, string Secret, string Claims)> Cases =
    [
        ("dev secret participant", "devkey", "secret", """{"identity":"alice","name":"Alice","ttl":900,"video":{"roomJoin":true,"room":"demo-room"}}"""),
        ("dev secret default ttl", "devkey", "secret", """{"identity":"bob","video":{"roomJoin":true,"room":"r"}}"""),
        ("one-byte secret", "k", "s", """{"identity":"tiny","video":{"roomJoin":true,"room":"r"},"ttl":60}"""),
        ("cloud-length secret", "APIhT4bC9xyzAbc", "kXn0vR2s3f4T5g6H7j8K9l0ZaQbWcEdRfTgYhUjIkOlP", """{"identity":"carol","name":"Carol","ttl":600,"video":{"roomJoin":true,"room":"prod"}}"""),
        ("non-ascii secret", "devkey", "sécret-秘密-🔑", """{"identity":"dora","video":{"roomJoin":true,"room":"r"}}"""),
        ("metadata json string", "devkey", "secret", """{"identity":"eve","metadata":"{\"role\":\"host\",\"level\":3}","video":{"roomJoin":true,"room":"r"}}"""),
        ("non-ascii attributes", "devkey", "secret", """{"identity":"fay","attributes":{"名前":"Zoë 🚀","city":"Zürich","emoji 👩‍💻":"ok","quote\"":"a\\b\n"},"video":{"roomJoin":true,"room":"r"}}"""),
        ("many attributes", "devkey", "secret", """{"identity":"gus","attributes":{"a":"1","b":"2","c":"3","d":"4","e":"5","f":"","g":"7"},"video":{"roomJoin":true,"room":"r"}}"""),
        ("unicode identity and name", "devkey", "secret", """{"identity":"用户-ünï","name":"Ærøskøbing 🎉","video":{"roomJoin":true,"room":"salle été"}}"""),
        ("room name with punctuation", "devkey", "secret", """{"identity":"h","video":{"roomJoin":true,"room":"a/b c?d=e&f#g"}}"""),
        ("viewer cannot publish", "devkey", "secret", """{"identity":"viewer","video":{"roomJoin":true,"room":"r","canPublish":false,"canPublishData":false}}"""),
        ("publisher cannot subscribe", "devkey", "secret", """{"identity":"pub","video":{"roomJoin":true,"room":"r","canSubscribe":false,"canPublish":true}}"""),
        ("explicit true defaults", "devkey", "secret", """{"identity":"t","video":{"roomJoin":true,"room":"r","canPublish":true,"canSubscribe":true,"canPublishData":true}}"""),
        ("own metadata", "devkey", "secret", """{"identity":"m","video":{"roomJoin":true,"room":"r","canUpdateOwnMetadata":true}}"""),
        ("own metadata explicitly off", "devkey", "secret", """{"identity":"m2","video":{"roomJoin":true,"room":"r","canUpdateOwnMetadata":false}}"""),
        ("policy defaults", "devkey", "secret", """{"identity":"user-abcdefghjkmn","name":"user-abcdefghjkmn","ttl":900,"video":{"roomJoin":true,"room":"room-abcdefghjkmn","canPublish":true,"canSubscribe":true,"canPublishData":true}}"""),
        ("narrowed viewer with sources", "devkey", "secret", """{"identity":"v","video":{"roomJoin":true,"room":"r","canPublish":false,"canSubscribe":true,"canPublishData":false,"canPublishSources":["camera","microphone"]}}"""),
        ("camera and microphone", "devkey", "secret", """{"identity":"cm","video":{"roomJoin":true,"room":"r","canPublishSources":["camera","microphone"]}}"""),
        ("no video grant", "devkey", "secret", """{"identity":"nv","attributes":{"a":"b"}}"""),
        ("all publish sources", "devkey", "secret", """{"identity":"s","video":{"roomJoin":true,"room":"r","canPublishSources":["camera","microphone","screen_share","screen_share_audio"]}}"""),
        ("screen share only", "devkey", "secret", """{"identity":"s2","video":{"roomJoin":true,"room":"r","canPublishSources":["screen_share"]}}"""),
        ("empty publish sources", "devkey", "secret", """{"identity":"s3","video":{"roomJoin":true,"room":"r","canPublishSources":[]}}"""),
        ("agent dispatch", "devkey", "secret", """{"identity":"caller","video":{"roomJoin":true,"room":"support"},"roomConfig":{"agents":[{"agentName":"helper","metadata":"{\"lang\":\"fr\"}"},{"agentName":"scribe"}]}}"""),
        ("agent dispatch only name", "devkey", "secret", """{"identity":"u","video":{"roomJoin":true,"room":"r"},"roomConfig":{"agents":[{"agentName":"voice-agent"}]}}"""),
        ("agent dispatch every field", "devkey", "secret", """{"identity":"u","video":{"roomJoin":true,"room":"r"},"roomConfig":{"agents":[{"agentName":"helper","metadata":"{\"lang\":\"fr\"}","restartPolicy":"JRP_NEVER","deployment":"staging","attributes":{"tier":"gold","clé":"✓"}}]}}"""),
        ("agent dispatch default restart policy", "devkey", "secret", """{"identity":"u","video":{"roomJoin":true,"room":"r"},"roomConfig":{"agents":[{"agentName":"helper","restartPolicy":"JRP_ON_FAILURE"}]}}"""),
        ("eight agent dispatches", "devkey", "secret", """{"identity":"u","video":{"roomJoin":true,"room":"r"},"roomConfig":{"agents":[{"agentName":"a1"},{"agentName":"a2"},{"agentName":"a3"},{"agentName":"a4"},{"agentName":"a5"},{"agentName":"a6"},{"agentName":"a7"},{"agentName":"a8","deployment":"d"}]}}"""),
        ("agent dispatch without a name", "devkey", "secret", """{"identity":"u","video":{"roomJoin":true,"room":"r"},"roomConfig":{"agents":[{"metadata":"m","deployment":"production"}]}}"""),
        ("one second ttl", "devkey", "secret", """{"identity":"short","ttl":1,"video":{"roomJoin":true,"room":"r"}}"""),
        ("thirty day ttl", "devkey", "secret", """{"identity":"long","ttl":2592000,"video":{"roomJoin":true,"room":"r"}}"""),
        ("large metadata", "devkey", "secret", "{\"identity\":\"big\",\"metadata\":\"" + new string('x', 20_000) + "é\",\"video\":{\"roomJoin\":true,\"room\":\"r\"}}"),
        ("everything", "APIeverything", "a-secret-that-is-definitely-longer-than-32-bytes", """
            {"identity":"all","name":"All Of It","metadata":"m","attributes":{"k":"v"},"ttl":3600,
             "video":{"roomJoin":true,"room":"r","canPublish":true,"canSubscribe":false,"canPublishData":true,
                      "canUpdateOwnMetadata":true,"canPublishSources":["microphone"]},
             "roomConfig":{"agents":[{"agentName":"a","metadata":"x","restartPolicy":"JRP_NEVER","deployment":"d","attributes":{"t":"1"}}]}}
            """),
    ];

    public static TheoryData<string> CaseNames => [.. Cases.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void The_SDK_accepts_our_token_and_mints_the_same_claims(string name)
    {
        var result = batch.Results[name];

        // The SDK's verifier accepts our token, and our verifier accepts the SDK's (both ways round).
        Assert.True(result.OurVerdict.Ok, $"livekit-server-sdk rejected our token: {result.OurVerdict.Error}");
        Assert.True(result.SdkToken.Ok, $"the SDK could not mint the case: {result.SdkToken.Error}");
        var back = new TokenVerifier(result.Key, result.Secret).Verify(result.SdkToken.Token!);
        Assert.True(back.IsValid, back.FailureReason);

        // Header: alg equal; typ is ours alone.
        Assert.Equal("HS256", result.OurVerdict.Header.GetProperty("alg").GetString());
        Assert.Equal("HS256", result.SdkToken.Header.GetProperty("alg").GetString());
        Assert.Equal(["alg", "typ"], JwtParts.PropertyNames(result.OurVerdict.Header));

        // Payload: the same claim names, each equal; roomConfig compared as the protocol reads it; nbf/exp only
        // present, with the same lifetime.
        var ours = result.OurVerdict.Payload;
        var theirs = result.SdkToken.Payload;
        Assert.Equal(JwtParts.PropertyNames(theirs), JwtParts.PropertyNames(ours));
        foreach (var claim in ours.EnumerateObject())
        {
            switch (claim.Name)
            {
                case "nbf" or "exp":
                    Assert.Equal(JsonValueKind.Number, claim.Value.ValueKind);
                    break;
                case "roomConfig":
                    Assert.True(
                        JsonElement.DeepEquals(result.SdkToken.RoomConfig, result.OurVerdict.RoomConfig),
                        $"roomConfig differs: ours {result.OurVerdict.RoomConfig} vs SDK {result.SdkToken.RoomConfig}");
                    break;
                default:
                    Assert.True(
                        JsonElement.DeepEquals(theirs.GetProperty(claim.Name), claim.Value),
                        $"claim {claim.Name} differs: ours {claim.Value} vs SDK {theirs.GetProperty(claim.Name)}");
                    break;
            }
        }

        var lifetime = Lifetime(ours);
        Assert.InRange(lifetime, Lifetime(theirs) - 1, Lifetime(theirs) + 1);
    }

    [Fact]
    public void There_are_at_least_thirty_cases_including_the_dev_secret()
    {
        Assert.True(Cases.Count >= 30);
        Assert.Contains(Cases, c => c.Secret == "secret");
        Assert.Equal(Cases.Count, Cases.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public void The_judge_rejects_bad_tokens()
    {
        // Without this the judge could be saying yes to anything.
        Assert.False(batch.Tampered.Ok);
        Assert.False(batch.WrongSecret.Ok);
        Assert.False(batch.WrongKey.Ok);
        Assert.NotNull(batch.Tampered.Error);
    }

    [Fact]
    public async Task The_judge_checks_the_lifetime_as_of_the_minting_clock()
    {
        // Minted an hour ago by a clock the judge is told about: valid then, so accepted now; the same token judged
        // as of 20 s after it was minted is past its 1 s lifetime and the SDK's 10 s tolerance, so refused.
        var mintedAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()).AddHours(-1);
        var token = new AccessToken("devkey", "secret", new FakeTimeProvider(mintedAt)) { Identity = "short", Ttl = TimeSpan.FromSeconds(1) }.ToJwt();

        var asMinted = await LiveKitJudge.VerifyAsync([(token, "devkey", "secret")], mintedAt);
        var later = await LiveKitJudge.VerifyAsync([(token, "devkey", "secret")], mintedAt.AddSeconds(20));
        var wrongSecret = await LiveKitJudge.VerifyAsync([(token, "devkey", "not-the-secret")], mintedAt);

        Assert.True(asMinted[0].Ok, asMinted[0].Error);
        Assert.False(later[0].Ok);
        Assert.Contains("exp", later[0].Error, StringComparison.Ordinal);
        Assert.False(wrongSecret[0].Ok);
    }

    private static long Lifetime(JsonElement payload) =>
        payload.GetProperty("exp").GetInt64() - payload.GetProperty("nbf").GetInt64();

    /// <summary>
    /// Our token built from the case's claims. The case is in the SDK's vocabulary: <c>ttl</c> is the lifetime,
    /// <c>identity</c> is the <c>sub</c> claim, and every other name is a claim of <see cref="ClaimGrants"/>, the token
    /// module's one claim model, so a new claim needs no change here.
    /// </summary>
    internal static AccessToken Mint(string key, string secret, string claimsJson, TimeProvider? clock = null)
    {
        var claims = JsonNode.Parse(claimsJson)!.AsObject();
        var ttl = claims["ttl"]?.GetValue<int>();
        claims.Remove("ttl");
        if (claims["identity"] is { } identity)
        {
            claims.Remove("identity");
            claims["sub"] = identity;
        }

        var token = new AccessToken(key, secret, clock) { Claims = JsonSerializer.Deserialize(claims, LiveKitJsonContext.Default.ClaimGrants)! };
        if (ttl is { } seconds)
        {
            token.Ttl = TimeSpan.FromSeconds(seconds);
        }

        return token;
    }

    public sealed record CaseResult(string Key, string Secret, JudgeVerdict OurVerdict, SdkToken SdkToken);

    /// <summary>Mints every case with our module and runs the whole batch through one node process.</summary>
    public sealed class Batch : IAsyncLifetime
    {
        public Dictionary<string, CaseResult> Results { get; } = new(StringComparer.Ordinal);

        public JudgeVerdict Tampered { get; private set; } = null!;

        public JudgeVerdict WrongSecret { get; private set; } = null!;

        public JudgeVerdict WrongKey { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            // Minted on a frozen clock and judged as of that moment: the one-second case must not expire on the way
            // to the judge, however slow the machine (the SDK's tokens are minted in node, at node's now).
            var mintedAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            var clock = new FakeTimeProvider(mintedAt);
            var ours = Cases.Select(c => (Token: Mint(c.Key, c.Secret, c.Claims, clock).ToJwt(), c.Key, c.Secret)).ToList();
            var good = ours[0];
            var parts = good.Token.Split('.');
            var tampered = parts[0] + "." + JwtParts.Encode(JwtParts.Payload(good.Token).GetRawText().Replace("alice", "mallory", StringComparison.Ordinal)) + "." + parts[2];
            var controls = new List<(string Token, string ApiKey, string ApiSecret)>
            {
                (tampered, good.Key, good.Secret),
                (good.Token, good.Key, "not-the-secret"),
                (good.Token, "otherkey", good.Secret),
            };
            var requests = Cases.Select(c => new SdkMintRequest(c.Key, c.Secret, JsonNode.Parse(c.Claims)!.AsObject()));

            var (verdicts, minted) = await LiveKitJudge.VerifyAndMintAsync(ours.Concat(controls), requests, mintedAt);

            for (var i = 0; i < Cases.Count; i++)
            {
                Results[Cases[i].Name] = new CaseResult(Cases[i].Key, Cases[i].Secret, verdicts[i], minted[i]);
            }

            Tampered = verdicts[Cases.Count];
            WrongSecret = verdicts[Cases.Count + 1];
            WrongKey = verdicts[Cases.Count + 2];
        }

        public Task DisposeAsync() => Task.CompletedTask;
    }
}
