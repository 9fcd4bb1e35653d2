using System.Text.Json;
using System.Text.Json.Nodes;
using TokenFunction.Tests.EndToEnd.Hosts;
using TokenFunction.Tests.Support;
using TokenFunction.Tests.Support.LiveKit;

namespace TokenFunction.Tests.EndToEnd;

/// <summary>
/// LiveKit's own JavaScript client (<c>livekit-client</c>, pinned) calls the real worker under this run's host
/// through <c>TokenSource.endpoint</c> and <c>TokenSource.sandboxTokenServer</c>; every token it gets is judged by
/// LiveKit's Node server SDK and must carry what the app asked for.
/// </summary>
[Collection(WorkerProcesses.Name)]
public sealed class LiveKitClientEndToEndTests(ClientWorkerFixture fixture) : IClassFixture<ClientWorkerFixture>
{
    private const string s_serverUrl = WorkerFixture.ServerUrl;

    /// <summary>Every option of the client's <c>TokenSourceFetchOptions</c>, alone or in the groups apps use.</summary>
    public static TheoryData<string> OptionCases => [.. s_options.Keys];

    private static readonly Dictionary<string, string> s_options = new(StringComparer.Ordinal)
    {
        ["none"] = "{}",
        ["room, identity and name"] = """{"roomName":"standup","participantIdentity":"alice","participantName":"Alice A."}""",
        ["metadata and attributes"] = """{"participantMetadata":"{\"team\":\"blue\"}","participantAttributes":{"role":"host","tier":"gold"}}""",
        ["agent name, metadata and deployment"] = """{"roomName":"support","agentName":"helper","agentMetadata":"{\"lang\":\"fr\"}","deployment":"production"}""",
        ["unicode"] = """{"roomName":"salle-été-🎉","participantIdentity":"zoë","participantName":"Zoë 🎤","participantMetadata":"données ✓","participantAttributes":{"clé":"valeur ✓"}}""",
    };

    [Theory]
    [MemberData(nameof(OptionCases))]
    public async Task Each_option_through_endpoint_and_sandbox_gives_a_valid_token_carrying_it(string name)
    {
        var options = JsonNode.Parse(s_options[name])!.AsObject();
        var sessions = await LiveKitClient.RunAsync(
        [
            LiveKitClient.Endpoint(Url("api/token"), new Dictionary<string, string> { ["x-functions-key"] = fixture.Worker.Host.FunctionKey }, false, LiveKitClient.Fetch(options)),
            LiveKitClient.Sandbox(fixture.SandboxId, fixture.BaseAddress, development: false, LiveKitClient.Fetch(options)),
        ]);

        var fetched = sessions.Select(s => Assert.Single(s.Fetches)).ToList();
        Assert.All(fetched, f => Assert.True(f.Ok, $"{f.ErrorName}: {f.ErrorMessage}"));
        Assert.Equal(fixture.BaseAddress + "api/v2/sandbox/connection-details", Assert.Single(sessions[1].Calls).Url);

        var verdicts = await LiveKitJudge.VerifyAsync(fetched.Select(f => (Text(f.Response, "participantToken"), WorkerFixture.ApiKey, WorkerFixture.ApiSecret)));
        for (var i = 0; i < fetched.Count; i++)
        {
            var verdict = verdicts[i];
            Assert.True(verdict.Ok, $"livekit-server-sdk rejected the token: {verdict.Error}");
            Assert.Equal(s_serverUrl, Text(fetched[i].Response, "serverUrl"));
            AssertCarries(options, verdict.Payload, verdict.RoomConfig, fetched[i]);
        }
    }

    [Fact]
    public async Task The_agent_options_reach_the_token_exactly_as_the_Node_SDK_writes_a_dispatch()
    {
        var options = JsonNode.Parse(s_options["agent name, metadata and deployment"])!.AsObject();
        var session = Assert.Single(await LiveKitClient.RunAsync(
            [LiveKitClient.Endpoint(Url("api/token"), new Dictionary<string, string> { ["x-functions-key"] = fixture.Worker.Host.FunctionKey }, false, LiveKitClient.Fetch(options))]));

        // What the client sent: the protocol's TokenSourceRequest, snake_case, the agent in room_config.agents[0].
        var sent = JsonNode.Parse(Assert.Single(session.Calls).Body!)!;
        Assert.Equal("production", sent["room_config"]!["agents"]![0]!["deployment"]!.GetValue<string>());

        var fetch = Assert.Single(session.Fetches);
        Assert.True(fetch.Ok, fetch.ErrorMessage);
        var (verdicts, minted) = await LiveKitJudge.VerifyAndMintAsync(
            [(Text(fetch.Response, "participantToken"), WorkerFixture.ApiKey, WorkerFixture.ApiSecret)],
            [new SdkMintRequest(WorkerFixture.ApiKey, WorkerFixture.ApiSecret, new JsonObject
            {
                ["identity"] = "x",
                ["roomConfig"] = JsonNode.Parse("""{"agents":[{"agentName":"helper","metadata":"{\"lang\":\"fr\"}","deployment":"production"}]}"""),
            })]);
        Assert.True(minted[0].Ok, minted[0].Error);
        Assert.True(JsonElement.DeepEquals(minted[0].RoomConfig, verdicts[0].RoomConfig), $"ours {verdicts[0].RoomConfig} vs SDK {minted[0].RoomConfig}");
        Assert.True(JsonElement.DeepEquals(minted[0].RoomConfig, fetch.RoomConfig), $"client read {fetch.RoomConfig}");
    }

    [Fact]
    public async Task The_client_cache_makes_one_http_call_for_two_fetches_with_the_same_options()
    {
        var options = JsonNode.Parse("""{"roomName":"cached","participantName":"Casey","participantAttributes":{"a":"b"}}""")!.AsObject();
        var session = Assert.Single(await LiveKitClient.RunAsync(
        [
            LiveKitClient.Endpoint(
                Url("api/token"), new Dictionary<string, string> { ["x-functions-key"] = fixture.Worker.Host.FunctionKey }, reuseOptions: true,
                LiveKitClient.Fetch(options), LiveKitClient.Fetch(options), LiveKitClient.Fetch(options, force: true)),
        ]));

        Assert.All(session.Fetches, f => Assert.True(f.Ok, f.ErrorMessage));
        // Two fetches, one call: the token lives 15 minutes and nbf is now, so the client's cache holds it.
        Assert.Equal(2, session.Calls.Count);
        var tokens = session.Fetches.Select(f => Text(f.Response, "participantToken")).ToList();
        Assert.Equal(tokens[0], tokens[1]);
        Assert.NotEqual(tokens[1], tokens[2]);
    }

    public static TheoryData<string, string, int, string?> Refusals => new()
    {
        { "endpoint", """{"agentName":"not-allowed"}""", 403, "room_config.agents[0].agent_name" },
        { "endpoint", """{"agentMetadata":"only metadata"}""", 403, "room_config.agents[0].agent_name" },
        { "endpoint", """{"deployment":"has_underscore","agentName":"helper"}""", 400, "room_config.agents[0].deployment" },
        { "endpoint", """{"participantIdentity":"ali\u0000ce"}""", 400, "participant_identity" },
        { "sandbox", """{"agentName":"not-allowed"}""", 403, "room_config.agents[0].agent_name" },
        { "wrong sandbox id", "{}", 401, "X-Sandbox-ID" },
        { "no function key", "{}", 401, null },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_refusal_reaches_the_app_as_an_Error_with_the_status_and_our_problem_detail(string source, string optionsJson, int status, string? field)
    {
        var options = JsonNode.Parse(optionsJson)!.AsObject();
        var key = new Dictionary<string, string> { ["x-functions-key"] = fixture.Worker.Host.FunctionKey };
        var session = source switch
        {
            "endpoint" => LiveKitClient.Endpoint(Url("api/token"), key, false, LiveKitClient.Fetch(options)),
            "sandbox" => LiveKitClient.Sandbox(fixture.SandboxId, fixture.BaseAddress, development: false, LiveKitClient.Fetch(options)),
            "wrong sandbox id" => LiveKitClient.Sandbox(WrongSandboxId(fixture.SandboxId), fixture.BaseAddress, development: true, LiveKitClient.Fetch(options)),
            _ => LiveKitClient.Endpoint(Url("api/token"), null, false, LiveKitClient.Fetch(options)),
        };

        var fetch = Assert.Single(Assert.Single(await LiveKitClient.RunAsync([session])).Fetches);

        Assert.False(fetch.Ok);
        Assert.Equal("Error", fetch.ErrorName);
        Assert.Contains($"received {status} / ", fetch.ErrorMessage, StringComparison.Ordinal);
        if (field is not null)
        {
            // The message ends with our RFC 9457 body, which the app can parse.
            var message = fetch.ErrorMessage!;
            var marker = $"received {status} / ";
            var body = message[(message.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
            using var problem = JsonDocument.Parse(body);
            Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Equal(field, problem.RootElement.GetProperty("field").GetString());
            Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("detail").GetString()));
        }

        Assert.DoesNotContain(fixture.SandboxId, fetch.ErrorMessage, StringComparison.Ordinal);
    }

    /// <summary>The id with its last character changed (to another one: the id is random, so it may end in any digit).</summary>
    private static string WrongSandboxId(string id) => id[..^1] + (id[^1] == '0' ? '1' : '0');

    private Uri Url(string path) => new(fixture.BaseAddress, path);

    private static string Text(JsonElement element, string name) => element.GetProperty(name).GetString()!;

    private static void AssertCarries(JsonObject options, JsonElement payload, JsonElement judgedRoomConfig, ClientFetch fetch)
    {
        string? Option(string name) => options[name]?.GetValue<string>();
        var video = payload.GetProperty("video");
        Assert.True(video.GetProperty("roomJoin").GetBoolean());

        var room = video.GetProperty("room").GetString()!;
        if (Option("roomName") is { } wantedRoom)
        {
            Assert.Equal(wantedRoom, room);
        }
        else
        {
            Assert.StartsWith("room-", room, StringComparison.Ordinal);
        }

        var identity = payload.GetProperty("sub").GetString()!;
        if (Option("participantIdentity") is { } wantedIdentity)
        {
            Assert.Equal(wantedIdentity, identity);
        }
        else
        {
            Assert.StartsWith("user-", identity, StringComparison.Ordinal);
        }

        Assert.Equal(Option("participantName") ?? identity, payload.GetProperty("name").GetString());
        Assert.Equal(Option("participantMetadata"), payload.TryGetProperty("metadata", out var metadata) ? metadata.GetString() : null);
        if (options["participantAttributes"] is JsonObject attributes)
        {
            Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(attributes.ToJsonString()).RootElement, payload.GetProperty("attributes")));
        }
        else
        {
            Assert.False(payload.TryGetProperty("attributes", out _));
        }

        if (Option("agentName") is { } agent)
        {
            var dispatch = judgedRoomConfig.GetProperty("agents").EnumerateArray().Single();
            Assert.Equal(agent, dispatch.GetProperty("agentName").GetString());
            Assert.Equal(Option("agentMetadata"), dispatch.GetProperty("metadata").GetString());
            Assert.Equal(Option("deployment"), dispatch.GetProperty("deployment").GetString());
            Assert.True(JsonElement.DeepEquals(judgedRoomConfig, fetch.RoomConfig), $"the client read {fetch.RoomConfig}, the judge {judgedRoomConfig}");
        }
        else
        {
            Assert.Equal(JsonValueKind.Null, judgedRoomConfig.ValueKind);
            Assert.Equal(JsonValueKind.Null, fetch.RoomConfig.ValueKind);
        }

        // What the client decoded from the token is what the judge read.
        Assert.Equal(identity, fetch.Payload.GetProperty("sub").GetString());
        Assert.Equal(payload.GetProperty("exp").GetInt64(), fetch.Payload.GetProperty("exp").GetInt64());
        Assert.Equal(15 * 60, payload.GetProperty("exp").GetInt64() - payload.GetProperty("nbf").GetInt64());
    }
}
