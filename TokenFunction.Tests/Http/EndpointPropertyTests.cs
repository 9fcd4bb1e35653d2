using System.Collections.Concurrent;
using System.Text;
using CsCheck;
using TokenFunction.Contract;
using TokenFunction.LiveKit;
using TokenFunction.Tests.Support;
using TokenFunction.Tests.Support.Fakes;
using TokenFunction.Tests.Support.Http;
using TokenFunction.Tests.Support.LiveKit;
using Xunit.Abstractions;

namespace TokenFunction.Tests.Http;

/// <summary>
/// Generated requests, valid and hostile mixed, through both token routes: never a 5xx, every 4xx a strict problem,
/// every token verified and never wider than policy, no secret or token in any log line, and every token issued here
/// also accepted by LiveKit's own Node verifier.
/// </summary>
[Collection(HeavyPropertyTests.Name)]
public sealed class EndpointPropertyTests(ITestOutputHelper output)
{
    internal const int Requests = 10_000;

    private static readonly string[] s_allowedAgents = ["helper", "translator"];

    private static readonly Dictionary<string, string?> s_policy = new()
    {
        ["TokenPolicy:CanPublishData"] = "false",
        ["TokenPolicy:CanUpdateOwnMetadata"] = "false",
        ["TokenPolicy:CanPublishSources"] = "camera,microphone",
        ["TokenPolicy:AllowedAgentNames"] = string.Join(',', s_allowedAgents),
        ["TokenPolicy:MaxTtl"] = "01:00:00",
    };

    [Fact]
    public async Task Generated_requests_never_get_a_5xx_or_a_grant_wider_than_policy()
    {
        using var harness = new EndpointHarness(s_policy);
        var tokens = new ConcurrentQueue<string>();
        var counts = new ConcurrentDictionary<int, int>();

        s_requestGen.Sample(
            request =>
            {
                var response = Send(harness, request);
                var status = (int)response.StatusCode;
                counts.AddOrUpdate(status, 1, (_, n) => n + 1);
                Assert.True(status < 500, $"{status} for {request}: {response.BodyText}");
                if (status >= 400)
                {
                    EndpointAssert.Problem(response, status);
                    return;
                }

                Assert.Equal("no-store", response.Header("Cache-Control"));
                var token = Token(response, request, out var room, out var identity, out var name);
                tokens.Enqueue(token);
                AssertWithinPolicy(harness, token, room, identity, name);
            },
            iter: Requests,
            print: r => r.ToString());

        Assert.Equal(Requests, counts.Values.Sum());
        output.WriteLine($"{Requests} requests: {Describe(counts)}; {tokens.Count} tokens");

        // The generator must really mix: plenty of tokens and plenty of each kind of refusal.
        Assert.True(tokens.Count > Requests / 5, $"only {tokens.Count} tokens: {Describe(counts)}");
        foreach (var status in new[] { 400, 403, 413, 415 })
        {
            Assert.True(counts.GetValueOrDefault(status) > 20, $"too few {status}s: {Describe(counts)}");
        }

        var leaks = LogScanner.Leaks(harness.Logs.GetSnapshot(), harness.ApiSecret, tokens);
        Assert.Empty(leaks);

        // Judged as of the harness's frozen clock, which minted them: a 1 s token must not expire during a slow run.
        var verdicts = await LiveKitJudge.VerifyAsync(tokens.Select(t => (t, EndpointHarness.ApiKey, harness.ApiSecret)), harness.Clock.GetUtcNow());
        Assert.Equal(tokens.Count, verdicts.Count);
        var refused = verdicts.Where(v => !v.Ok).Select(v => v.Error).Distinct().ToList();
        Assert.True(refused.Count == 0, "LiveKit's verifier refused tokens: " + string.Join("; ", refused));
    }

    private static string Describe(ConcurrentDictionary<int, int> counts) =>
        string.Join(", ", counts.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}×{kv.Value}"));

    private static FakeHttpResponseData Send(EndpointHarness harness, GeneratedRequest request)
    {
        var headers = new List<(string, string)>();
        if (request.Accept is not null)
        {
            headers.Add(("Accept", request.Accept));
        }

        return request.Route switch
        {
            Route.Token => harness.PostTokenAsync(request.Body, request.ContentType, request.Query, [.. headers]).GetAwaiter().GetResult(),
            Route.ConnectionDetailsGet => harness.ConnectionDetailsAsync("GET", request.Query, request.Body, request.ContentType, [.. headers]).GetAwaiter().GetResult(),
            _ => harness.ConnectionDetailsAsync("POST", request.Query, request.Body, request.ContentType, [.. headers]).GetAwaiter().GetResult(),
        };
    }

    private static string Token(FakeHttpResponseData response, GeneratedRequest request, out string room, out string identity, out string name)
    {
        if (request.Route != Route.Token)
        {
            Assert.Equal(200, (int)response.StatusCode);
            var details = StrictDecoders.DecodeConnectionDetails(response.BodyText);
            Assert.Equal(EndpointHarness.ServerUrl, details.ServerUrl);
            (room, identity, name) = (details.RoomName, "", details.ParticipantName);
            return details.ParticipantToken;
        }

        if ((int)response.StatusCode == 200)
        {
            Assert.StartsWith("text/plain", response.Header("Content-Type"), StringComparison.Ordinal);
            (room, identity, name) = ("", "", "");
            return response.BodyText;
        }

        Assert.Equal(201, (int)response.StatusCode);
        var body = StrictDecoders.DecodeTokenResponse(response.BodyText);
        Assert.Equal(EndpointHarness.ServerUrl, body.ServerUrl);
        (room, identity, name) = (body.RoomName!, body.ParticipantIdentity!, body.ParticipantName!);
        return body.ParticipantToken;
    }

    private static void AssertWithinPolicy(EndpointHarness harness, string token, string room, string identity, string name)
    {
        var verified = harness.Verifier.Verify(token);
        Assert.True(verified.IsValid, verified.FailureReason);
        var claims = verified.Claims!;
        var video = claims.Video!;
        Assert.True(video.RoomJoin);

        // No admin, recorder, hidden, agent, ingress, metrics, kind, sip, preset, sha256 or room settings beyond agents.
        Assert.Empty(JwtParts.UnissuedClaims(token));
        Assert.NotEqual(true, video.CanPublishData);
        Assert.NotEqual(true, video.CanUpdateOwnMetadata);

        // Policy allows camera and microphone only; an absent or empty list would mean every source.
        Assert.NotNull(video.CanPublishSources);
        Assert.NotEmpty(video.CanPublishSources);
        Assert.All(video.CanPublishSources, s => Assert.True(s is TrackSource.Camera or TrackSource.Microphone));

        if (claims.RoomConfig is { } config)
        {
            Assert.NotNull(config.Agents);
            Assert.All(config.Agents, a => Assert.Contains(a.AgentName, s_allowedAgents));
        }

        var lifetime = verified.ExpiresAt - verified.NotBefore;
        Assert.InRange(lifetime, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));

        var subject = verified.Subject!;
        Assert.False(string.IsNullOrEmpty(subject));
        Assert.True(Encoding.UTF8.GetByteCount(subject) <= 256 && Encoding.UTF8.GetByteCount(video.Room!) <= 256);
        Assert.DoesNotContain(subject, char.IsControl);
        Assert.DoesNotContain(video.Room!, char.IsControl);
        if (identity.Length > 0)
        {
            Assert.Equal(identity, subject);
        }

        if (room.Length > 0)
        {
            Assert.Equal(room, video.Room);
        }

        if (name.Length > 0)
        {
            Assert.Equal(name, claims.Name);
        }
    }

    public enum Route
    {
        Token,
        ConnectionDetailsGet,
        ConnectionDetailsPost,
    }

    public sealed record GeneratedRequest(Route Route, string? Body, string? ContentType, string Query, string? Accept)
    {
        public override string ToString() =>
            $"{Route} ct={ContentType} accept={Accept} query={Query} body={(Body is { Length: > 300 } ? Body[..300] + $"…({Body.Length})" : Body)}";
    }

    /// <summary>The request generator: JSON objects built from valid, hostile and wrongly typed fields, plus garbage.</summary>
    private static readonly Gen<GeneratedRequest> s_requestGen = BuildGenerator();

    private static Gen<GeneratedRequest> BuildGenerator()
    {
        var plain = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-_."], 1, 24];
        var text = Gen.Frequency(
            (6, plain),
            (2, Gen.String[Gen.Char, 0, 40]),                                             // any UTF-16, lone surrogates and controls included
            (1, Gen.String[Gen.Char["é漢字🎤\u200b\u202e"], 1, 20]),
            (1, plain.Select(s => s + "\u0001")),
            (1, Gen.String[Gen.Char['a', 'z'], 250, 262]),                                // around LiveKit's 256
            (1, Gen.Const("")));
        var str = text.Select(Json);
        var wrongType = Gen.OneOf<string>("42", "-1.5e3", "true", "false", "null", "[]", "{}", "[\"a\"]", "{\"a\":1}", "1e999");
        var anyValue = Gen.Frequency((3, str), (2, wrongType));
        var bigString = Gen.Int[10_000, 20_000].Select(n => Json(new string('m', n)));
        var sources = Gen.OneOf<string>("camera", "microphone", "screen_share", "screen_share_audio", "CAMERA", "bogus")
            .Array[0, 5].Select(a => "[" + string.Join(',', a.Select(Json)) + "]");
        var attributes = Gen.Frequency(
            (4, Gen.Select(text, text, (k, v) => "{" + Json(k) + ":" + Json(v) + "}")),
            (1, Gen.Const("{\"k\":1}")),
            (1, Gen.Int[17_000, 20_000].Select(n => "{\"k\":" + Json(new string('v', n)) + "}")));
        var agentName = Gen.Frequency((3, Gen.OneOf<string>(s_allowedAgents)), (2, Gen.OneOf<string>("evil", "Helper", "")), (1, text));
        var agent = Gen.Frequency(
            (5, agentName.Select(n => "{\"agent_name\":" + Json(n) + "}")),
            (1, agentName.Select(n => "{\"agentName\":" + Json(n) + ",\"metadata\":\"{}\"}")),
            (2, Gen.OneOf<string>(
                "{\"agent_name\":\"helper\",\"secret\":\"s3\"}",
                "{\"agent_name\":\"helper\",\"deployment\":\"bad_name\"}",
                "{\"agent_name\":\"helper\",\"restart_policy\":\"JRP_SOMETIMES\"}",
                "{\"metadata\":\"no name\"}",
                "{\"agent_name\":\"translator\",\"deployment\":\"prod\",\"restart_policy\":1,\"attributes\":{\"k\":\"v\"}}")),
            (1, wrongType));
        var roomConfig = Gen.Frequency(
            (3, Gen.Const("{}")),
            (4, agent.Array[0, 3].Select(a => "{\"agents\":[" + string.Join(',', a) + "]}")),
            (1, Gen.Const("{\"egress\":{\"room\":{\"file_outputs\":[{\"s3\":{\"access_key\":\"AK\",\"secret\":\"S\"}}]}}}")),
            (1, Gen.Const("{\"max_participants\":5000,\"name\":\"other\"}")),
            (1, Gen.Const("{\"agents\":\"helper\"}")),
            (1, wrongType));
        var boolOrWrong = Gen.Frequency((4, Gen.OneOf<string>("true", "false")), (1, wrongType));
        var ttl = Gen.Frequency((3, Gen.Long[-10, 7200].Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))), (1, wrongType));

        static Gen<string> Field(string name, Gen<string> value) => value.Select(v => Json(name) + ":" + v);
        var field = Gen.Frequency(
            (6, Field(RequestFields.RoomName, anyValue)),
            (6, Field(RequestFields.ParticipantIdentity, anyValue)),
            (4, Field(RequestFields.ParticipantName, anyValue)),
            (3, Field(RequestFields.LegacyRoomName, anyValue)),
            (3, Field(RequestFields.LegacyParticipantName, anyValue)),
            (3, Field(RequestFields.ParticipantMetadata, Gen.Frequency((6, anyValue), (1, bigString)))),
            (3, Field(RequestFields.ParticipantAttributes, attributes)),
            (4, Field(RequestFields.RoomConfig, roomConfig)),
            (3, Field(RequestFields.Ttl, ttl)),
            (2, Gen.OneOf<string>(RequestFields.CanPublish, RequestFields.CanSubscribe, RequestFields.CanPublishData, RequestFields.CanUpdateOwnMetadata).SelectMany(n => Field(n, boolOrWrong))),
            (2, Field(RequestFields.CanPublishSources, Gen.Frequency((4, sources), (1, wrongType)))),
            (3, Gen.OneOf<string>("room_admin", "roomAdmin", "roomCreate", "hidden", "recorder", "agent", "kind", "video", "sip", "canSubscribeMetrics", "room_preset", "ingressAdmin")
                .SelectMany(n => Field(n, Gen.Frequency((3, Gen.OneOf<string>("true", "\"agent\"", "{\"roomAdmin\":true}")), (1, Gen.OneOf<string>("false", "null")))))),
            (2, Gen.Select(text, anyValue, (n, v) => Json(n) + ":" + v)));            // unknown fields (and duplicates, by chance)

        var jsonObject = field.Array[0, 6].Select(f => "{" + string.Join(',', f) + "}");
        var body = Gen.Frequency(
            (30, jsonObject),
            (2, Gen.Const((string?)null)),
            (1, Gen.OneOf<string>("", "   ", "null", "[]", "\"x\"", "{", "{\"room_name\":\"a\",}", "{\"a\":1} x")),
            (1, Gen.String[Gen.Char, 1, 60]),                                              // random text, not JSON
            (1, jsonObject.Select(j => j.Length > 2 ? j[..(j.Length / 2)] : j)),            // truncated
            (1, Gen.Int[65 * 1024, 70 * 1024].Select(n => "{\"participant_metadata\":\"" + new string('a', n) + "\"}")));
        var contentType = Gen.Frequency(
            (20, Gen.Const<string?>("application/json")),
            (2, Gen.Const<string?>("application/json; charset=utf-8")),
            (1, Gen.OneOf<string?>("text/plain", "application/x-www-form-urlencoded", "application/json; charset=iso-8859-1", null)));
        var query = Gen.Frequency(
            (6, Gen.Const("")),
            (1, text.Select(t => "?roomName=" + Uri.EscapeDataString(Safe(t)))),
            (1, text.Select(t => "?participantName=" + Uri.EscapeDataString(Safe(t)))));
        var accept = Gen.Frequency((6, Gen.Const((string?)null)), (1, Gen.OneOf<string?>("text/plain", "application/json", "text/plain, application/json", "*/*")));
        var route = Gen.Frequency((8, Gen.Const(Route.Token)), (1, Gen.Const(Route.ConnectionDetailsGet)), (1, Gen.Const(Route.ConnectionDetailsPost)));

        return Gen.Select(route, body, contentType, query, accept, (r, b, c, q, a) => new GeneratedRequest(r, b, c, q, a));
    }

    /// <summary>A query string cannot carry a lone surrogate through Uri escaping: replace them.</summary>
    private static string Safe(string value)
    {
        var chars = value.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '?';
            }
        }

        return new string(chars);
    }

    /// <summary>A JSON string literal; lone surrogates and controls escaped as \uXXXX so they reach the parser intact.</summary>
    private static string Json(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c < 0x20 || char.IsSurrogate(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('"').ToString();
    }
}
