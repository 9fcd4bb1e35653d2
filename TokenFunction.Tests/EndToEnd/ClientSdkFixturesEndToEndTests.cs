using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TokenFunction.Tests.EndToEnd.Hosts;
using TokenFunction.Tests.Support;
using TokenFunction.Tests.Support.LiveKit;

namespace TokenFunction.Tests.EndToEnd;

/// <summary>
/// The request bodies LiveKit's Swift, Android and Flutter clients send, byte for byte as their serializers write
/// them, replayed against the real worker; each response is decoded the way that SDK decodes it.
/// </summary>
/// <remarks>
/// Written from the SDKs' sources (read 2026-11-30):
/// - Swift: https://github.com/livekit/client-sdk-swift/blob/main/Sources/LiveKit/Token/TokenSource.swift
///   (TokenRequestOptions.toRequest, TokenSourceRequest CodingKeys, TokenSourceResponse CodingKeys: snake_case only),
///   Sources/LiveKit/Token/EndpointTokenSource.swift (JSONEncoder, Content-Type application/json, 2xx else a
///   network error without the body), Sources/LiveKit/Types/RoomConfiguration.swift (agent_name, metadata,
///   deployment). Synthesized Encodable leaves nil optionals out, so room_config is always at least {};
///   JSONEncoder escapes '/' as "\/".
/// - Android: https://github.com/livekit/client-sdk-android/blob/main/livekit-android-sdk/src/main/java/io/livekit/android/token/TokenSource.kt
///   and EndpointTokenSource.kt (kotlinx Json, JsonNamingStrategy.SnakeCase, explicitNulls = false, declaration
///   order; the response decoded snake_case first, then camelCase; the status code is never checked).
/// - Flutter: https://github.com/livekit/client-sdk-flutter/blob/main/lib/src/token_source/endpoint.dart,
///   token_source.dart, room_configuration.g.dart (json_serializable, null-aware entries; package:http adds
///   "; charset=utf-8"; TokenSourceResponse.fromJson normalises camelCase to snake_case; non-2xx throws
///   TokenSourceHttpException with status and body).
/// </remarks>
[Collection(WorkerProcesses.Name)]
public sealed class ClientSdkFixturesEndToEndTests(ClientWorkerFixture fixture) : IClassFixture<ClientWorkerFixture>
{
    public enum Sdk
    {
        Swift,
        Android,
        Flutter,
    }

    /// <summary>(sdk, case) → the body that SDK writes for that case's TokenRequestOptions.</summary>
    private static readonly Dictionary<(Sdk, string), string> s_bodies = new()
    {
        // TokenRequestOptions() — nothing set.
        [(Sdk.Swift, "none")] = """{"room_config":{}}""",
        [(Sdk.Android, "none")] = """{"room_config":{}}""",
        [(Sdk.Flutter, "none")] = """{"room_config":{}}""",

        // roomName "team/standup", participantName "Zoë", participantIdentity "zoe", metadata, attributes.
        [(Sdk.Swift, "participant")] = """{"participant_identity":"zoe","room_name":"team\/standup","participant_attributes":{"role":"host"},"participant_name":"Zoë","room_config":{},"participant_metadata":"{\"team\":\"blue\"}"}""",
        [(Sdk.Android, "participant")] = """{"room_name":"team/standup","participant_name":"Zoë","participant_identity":"zoe","participant_metadata":"{\"team\":\"blue\"}","participant_attributes":{"role":"host"},"room_config":{}}""",
        [(Sdk.Flutter, "participant")] = """{"room_name":"team/standup","participant_name":"Zoë","participant_identity":"zoe","participant_metadata":"{\"team\":\"blue\"}","participant_attributes":{"role":"host"},"room_config":{}}""",

        // agentName "helper", agentMetadata, agentDeployment "production" → room_config.agents[0].
        [(Sdk.Swift, "agent")] = """{"room_name":"support","room_config":{"agents":[{"deployment":"production","agent_name":"helper","metadata":"{\"lang\":\"fr\"}"}]}}""",
        [(Sdk.Android, "agent")] = """{"room_name":"support","room_config":{"agents":[{"agent_name":"helper","metadata":"{\"lang\":\"fr\"}","deployment":"production"}]}}""",
        [(Sdk.Flutter, "agent")] = """{"room_name":"support","room_config":{"agents":[{"agent_name":"helper","metadata":"{\"lang\":\"fr\"}","deployment":"production"}]}}""",

        // Only agentMetadata: an entry that names no agent (refused by default policy, 403).
        [(Sdk.Swift, "unnamed agent")] = """{"room_config":{"agents":[{"metadata":"hi"}]}}""",
        [(Sdk.Android, "unnamed agent")] = """{"room_config":{"agents":[{"metadata":"hi"}]}}""",
        [(Sdk.Flutter, "unnamed agent")] = """{"room_config":{"agents":[{"metadata":"hi"}]}}""",
    };

    public static TheoryData<Sdk, string> Cases
    {
        get
        {
            var data = new TheoryData<Sdk, string>();
            foreach (var (sdk, name) in s_bodies.Keys)
            {
                data.Add(sdk, name);
            }

            return data;
        }
    }

    public static TheoryData<Sdk> Sdks => [Sdk.Swift, Sdk.Android, Sdk.Flutter];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_sdks_request_gets_what_it_asked_for_decoded_as_the_sdk_decodes_it(Sdk sdk, string name)
    {
        using var response = await SendAsync(sdk, "api/token", s_bodies[(sdk, name)], ("x-functions-key", fixture.Worker.Host.FunctionKey));
        var body = await response.Content.ReadAsStringAsync();
        var decoded = Decode(sdk, response.StatusCode, body);

        if (name == "unnamed agent")
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Null(decoded.Token);
            if (sdk == Sdk.Flutter)
            {
                Assert.Contains("room_config.agents[0].agent_name", decoded.Error, StringComparison.Ordinal);
            }

            return;
        }

        Assert.True(decoded.Token is not null, $"{sdk} could not decode {(int)response.StatusCode}: {body} ({decoded.Error})");
        Assert.Equal(WorkerFixture.ServerUrl, decoded.ServerUrl);
        var verdict = Assert.Single(await LiveKitJudge.VerifyAsync([(decoded.Token, WorkerFixture.ApiKey, WorkerFixture.ApiSecret)]));
        Assert.True(verdict.Ok, verdict.Error);
        var payload = verdict.Payload;
        switch (name)
        {
            case "participant":
                Assert.Equal(("team/standup", "zoe", "Zoë"), (payload.GetProperty("video").GetProperty("room").GetString(), payload.GetProperty("sub").GetString(), payload.GetProperty("name").GetString()));
                Assert.Equal("{\"team\":\"blue\"}", payload.GetProperty("metadata").GetString());
                Assert.Equal("host", payload.GetProperty("attributes").GetProperty("role").GetString());
                Assert.Equal(("team/standup", "Zoë"), (decoded.RoomName, decoded.ParticipantName));
                break;
            case "agent":
                var agent = Assert.Single(verdict.RoomConfig.GetProperty("agents").EnumerateArray().ToList());
                Assert.Equal("helper", agent.GetProperty("agentName").GetString());
                Assert.Equal("{\"lang\":\"fr\"}", agent.GetProperty("metadata").GetString());
                Assert.Equal("production", agent.GetProperty("deployment").GetString());
                break;
            default:
                Assert.StartsWith("user-", payload.GetProperty("sub").GetString(), StringComparison.Ordinal);
                Assert.Equal(JsonValueKind.Null, verdict.RoomConfig.ValueKind);
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Sdks))]
    public async Task The_sdks_development_token_server_works_against_our_v2_sandbox_route(Sdk sdk)
    {
        using var response = await SendAsync(sdk, "api/v2/sandbox/connection-details", s_bodies[(sdk, "agent")], ("X-Sandbox-ID", fixture.SandboxId));
        var decoded = Decode(sdk, response.StatusCode, await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(decoded.Token);
        Assert.True(Assert.Single(await LiveKitJudge.VerifyAsync([(decoded.Token, WorkerFixture.ApiKey, WorkerFixture.ApiSecret)])).Ok);
    }

    [Theory]
    [InlineData(Sdk.Swift, false)]
    [InlineData(Sdk.Android, true)]
    [InlineData(Sdk.Flutter, true)]
    public async Task Only_sdks_that_read_camel_case_can_use_connection_details(Sdk sdk, bool decodes)
    {
        using var response = await SendAsync(sdk, "api/connection-details", s_bodies[(sdk, "participant")], ("x-functions-key", fixture.Worker.Host.FunctionKey));
        var decoded = Decode(sdk, response.StatusCode, await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(decodes, decoded.Token is not null);
    }

    private async Task<HttpResponseMessage> SendAsync(Sdk sdk, string path, string body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(sdk == Sdk.Flutter ? "application/json; charset=utf-8" : "application/json");
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return await fixture.Worker.Client.SendAsync(request);
    }

    private sealed record Decoded(string? ServerUrl, string? Token, string? RoomName, string? ParticipantName, string? Error);

    /// <summary>The response as the SDK turns it into its TokenSourceResponse, or the error the app would see.</summary>
    private static Decoded Decode(Sdk sdk, HttpStatusCode status, string body)
    {
        var ok = (int)status is >= 200 and < 300;
        switch (sdk)
        {
            case Sdk.Swift:
                // Non-2xx: LiveKitError(.network) without the body. 2xx: Decodable with snake_case keys only.
                return ok ? Read(body, "server_url", "participant_token", "room_name", "participant_name", requireUrl: true) : new(null, null, null, null, "network error");
            case Sdk.Android:
                // No status check: whatever came back is decoded, snake_case first, then camelCase.
                var snake = Read(body, "server_url", "participant_token", "room_name", "participant_name", requireUrl: false);
                return snake.Token is not null ? snake : Read(body, "serverUrl", "participantToken", "roomName", "participantName", requireUrl: false);
            default:
                if (!ok)
                {
                    return new(null, null, null, null, $"TokenSourceHttpException(statusCode: {(int)status}, body: {body})");
                }

                using (var document = JsonDocument.Parse(body))
                {
                    var json = document.RootElement;
                    string? Either(string snakeName, string camelName) =>
                        Str(json, snakeName) ?? Str(json, camelName);
                    var token = Either("participant_token", "participantToken");
                    var url = Either("server_url", "serverUrl");
                    return url is null || token is null
                        ? new(null, null, null, null, "type 'Null' is not a subtype of type 'String'")
                        : new(url, token, Either("room_name", "roomName"), Either("participant_name", "participantName"), null);
                }
        }
    }

    private static Decoded Read(string body, string url, string token, string room, string participant, bool requireUrl)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var json = document.RootElement;
            var serverUrl = Str(json, url);
            var participantToken = Str(json, token);
            if (serverUrl is null || participantToken is null || (requireUrl && !Uri.TryCreate(serverUrl, UriKind.Absolute, out _)))
            {
                return new(null, null, null, null, "keyNotFound");
            }

            return new(serverUrl, participantToken, Str(json, room), Str(json, participant), null);
        }
        catch (JsonException e)
        {
            return new(null, null, null, null, e.Message);
        }
    }

    private static string? Str(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
