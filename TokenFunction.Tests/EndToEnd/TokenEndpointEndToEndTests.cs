using System.Net;
using TokenFunction.Contract;
using TokenFunction.Tests.EndToEnd.Hosts;
using TokenFunction.Tests.Support;
using static TokenFunction.Tests.EndToEnd.Hosts.EndToEndHttp;

namespace TokenFunction.Tests.EndToEnd;

/// <summary>POST /api/token through this run's host against the real worker (http-contract.md).</summary>
[Collection(WorkerProcesses.Name)]
public sealed class TokenEndpointEndToEndTests(WorkerFixture worker) : IClassFixture<WorkerFixture>
{
    internal const string Path = "api/token";

    private string Key => worker.Host.FunctionKey;

    // The 401s below are the host checking the auth level the worker declared for the function
    // (AuthorizationLevel.Function), as the Functions host does in Azure; the app's code never sees these requests.
    [Fact]
    public async Task Declared_function_auth_level_without_a_function_key_the_host_refuses_with_401()
    {
        var (response, _) = await SendAsync(worker, Post(Path, "{}", key: null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Declared_function_auth_level_a_wrong_function_key_is_refused_with_401_by_the_host()
    {
        var (response, _) = await SendAsync(worker, Post(Path, "{}", key: "not-the-key"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_key_in_the_code_query_parameter_is_accepted()
    {
        var (response, body) = await SendAsync(worker, Post($"{Path}?code={Uri.EscapeDataString(Key)}", "{}", key: null));

        AssertStatusAndJson(worker, response, body, HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData(null)]
    [InlineData("""{"room_config":{}}""")]
    [InlineData("""{"some_future_field":1,"another":{"x":[1,2]}}""")]
    public async Task An_empty_request_gets_a_generated_room_and_identity(string? json)
    {
        var (response, body) = await SendAsync(worker, Post(Path, json, Key));

        var details = AssertStatusAndJson(worker, response, body, HttpStatusCode.Created);
        AssertNoStore(response);
        Assert.Equal(WorkerFixture.ServerUrl, details.GetProperty("server_url").GetString());
        var room = details.GetProperty("room_name").GetString()!;
        var identity = details.GetProperty("participant_identity").GetString()!;
        Assert.StartsWith("room-", room, StringComparison.Ordinal);
        Assert.StartsWith("user-", identity, StringComparison.Ordinal);
        Assert.Equal(identity, details.GetProperty("participant_name").GetString());

        var claims = await AssertJudgedTokenAsync(details.GetProperty("participant_token").GetString()!);
        Assert.Equal(identity, claims.GetProperty("sub").GetString());
        Assert.Equal(room, claims.GetProperty("video").GetProperty("room").GetString());
        Assert.True(claims.GetProperty("video").GetProperty("roomJoin").GetBoolean());
    }

    [Fact]
    public async Task Two_empty_requests_get_different_rooms_and_identities()
    {
        var (first, firstBody) = await SendAsync(worker, Post(Path, "{}", Key));
        var (second, secondBody) = await SendAsync(worker, Post(Path, "{}", Key));

        var a = AssertStatusAndJson(worker, first, firstBody, HttpStatusCode.Created);
        var b = AssertStatusAndJson(worker, second, secondBody, HttpStatusCode.Created);
        Assert.NotEqual(a.GetProperty("room_name").GetString(), b.GetProperty("room_name").GetString());
        Assert.NotEqual(a.GetProperty("participant_identity").GetString(), b.GetProperty("participant_identity").GetString());
    }

    [Fact]
    public async Task Snake_case_fields_are_honoured_and_signed_into_the_token()
    {
        const string Json = """
            {"room_name":"standup","participant_identity":"alice","participant_name":"Alice A.",
             "participant_metadata":"{\"team\":\"blue\"}","participant_attributes":{"role":"host"}}
            """;

        var (response, body) = await SendAsync(worker, Post(Path, Json, Key));

        var details = AssertStatusAndJson(worker, response, body, HttpStatusCode.Created);
        Assert.Equal("standup", details.GetProperty("room_name").GetString());
        Assert.Equal("alice", details.GetProperty("participant_identity").GetString());
        Assert.Equal("Alice A.", details.GetProperty("participant_name").GetString());
        var claims = await AssertJudgedTokenAsync(details.GetProperty("participant_token").GetString()!);
        Assert.Equal("alice", claims.GetProperty("sub").GetString());
        Assert.Equal("Alice A.", claims.GetProperty("name").GetString());
        Assert.Equal("standup", claims.GetProperty("video").GetProperty("room").GetString());
        Assert.Equal("""{"team":"blue"}""", claims.GetProperty("metadata").GetString());
        Assert.Equal("host", claims.GetProperty("attributes").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Older_clients_camel_case_body_sets_room_identity_and_name()
    {
        var (response, body) = await SendAsync(worker, Post(Path, """{"roomName":"demo-room","participantName":"demo-user"}""", Key));

        var details = AssertStatusAndJson(worker, response, body, HttpStatusCode.Created);
        Assert.Equal("demo-room", details.GetProperty("room_name").GetString());
        Assert.Equal("demo-user", details.GetProperty("participant_identity").GetString());
        Assert.Equal("demo-user", details.GetProperty("participant_name").GetString());
        var claims = await AssertJudgedTokenAsync(details.GetProperty("participant_token").GetString()!);
        Assert.Equal("demo-user", claims.GetProperty("sub").GetString());
    }

    [Fact]
    public async Task Older_clients_camel_case_query_sets_room_and_identity()
    {
        var (response, body) = await SendAsync(worker, Post($"{Path}?roomName=q-room&participantName=q-user", null, Key));

        var details = AssertStatusAndJson(worker, response, body, HttpStatusCode.Created);
        Assert.Equal("q-room", details.GetProperty("room_name").GetString());
        Assert.Equal("q-user", details.GetProperty("participant_identity").GetString());
    }

    [Fact]
    public async Task Accept_text_plain_gets_the_bare_jwt_as_in_the_seed()
    {
        var request = Post(Path, """{"roomName":"plain-room","participantName":"plain-user"}""", Key);
        request.Headers.Accept.ParseAdd("text/plain");

        var (response, body) = await SendAsync(worker, request);

        AssertStatus(worker, response, body, HttpStatusCode.OK);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        AssertNoStore(response);
        var claims = await AssertJudgedTokenAsync(body.Trim());
        Assert.Equal("plain-user", claims.GetProperty("sub").GetString());
    }

    [Fact]
    public async Task The_token_lives_for_the_policy_default_of_15_minutes_from_now()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var (response, body) = await SendAsync(worker, Post(Path, "{}", Key));

        var details = AssertStatusAndJson(worker, response, body, HttpStatusCode.Created);
        var claims = await AssertJudgedTokenAsync(details.GetProperty("participant_token").GetString()!);
        var nbf = claims.GetProperty("nbf").GetInt64();
        Assert.InRange(nbf, before - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        Assert.Equal(15 * 60, claims.GetProperty("exp").GetInt64() - nbf);
    }

    [Theory]
    [InlineData("""{"room_name":"r1","video":{"roomAdmin":true,"roomCreate":true}}""", "video")]
    [InlineData("""{"room_name":"r1","grants":{"roomAdmin":true}}""", "grants")]
    [InlineData("""{"room_name":"r1","kind":"agent"}""", "kind")]
    [InlineData("""{"room_name":"r1","room_admin":true}""", "room_admin")]
    [InlineData("""{"room_name":"r1","sip":{"admin":true}}""", "sip")]
    public async Task Asking_for_grants_beyond_policy_is_403_naming_the_field(string json, string field)
    {
        var (response, body) = await SendAsync(worker, Post(Path, json, Key));

        AssertProblem(worker, response, body, HttpStatusCode.Forbidden, field);
    }

    [Theory]
    [InlineData("{\"room_name\":")]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"room_name\":42}")]
    public async Task Malformed_json_is_a_400_problem(string json)
    {
        var (response, body) = await SendAsync(worker, Post(Path, json, Key));

        AssertProblem(worker, response, body, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_body_in_another_content_type_is_415_naming_the_content_type()
    {
        var (response, body) = await SendAsync(worker, Post(Path, "<room>x</room>", Key, "application/xml"));

        AssertProblem(worker, response, body, HttpStatusCode.UnsupportedMediaType, RequestFields.ContentType);
    }

    [Fact]
    public async Task An_oversize_body_is_413_naming_the_body()
    {
        var json = "{\"participant_metadata\":\"" + new string('m', 2 * 1024 * 1024) + "\"}";

        var (response, body) = await SendAsync(worker, Post(Path, json, Key));

        AssertProblem(worker, response, body, HttpStatusCode.RequestEntityTooLarge, RequestFields.Body);
    }

    [Theory]
    [InlineData(RequestFields.ParticipantIdentity)]
    [InlineData(RequestFields.ParticipantName)]
    [InlineData(RequestFields.RoomName)]
    public async Task A_value_over_256_characters_is_a_400_naming_the_field(string field)
    {
        var json = $"{{\"{field}\":\"{new string('x', 257)}\"}}";

        var (response, body) = await SendAsync(worker, Post(Path, json, Key));

        AssertProblem(worker, response, body, HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData(RequestFields.ParticipantIdentity, "ali\\u0000ce")]
    [InlineData(RequestFields.RoomName, "ro\\nom")]
    public async Task Control_characters_in_identity_or_room_are_a_400_naming_the_field(string field, string value)
    {
        var (response, body) = await SendAsync(worker, Post(Path, $"{{\"{field}\":\"{value}\"}}", Key));

        AssertProblem(worker, response, body, HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData("""{"room_config":{"agents":[{"agent_name":"no-such-agent"}]}}""", "room_config.agents[0].agent_name")]
    [InlineData("""{"room_config":{"egress":{"room":{"room_name":"r","file_outputs":[{"s3":{"access_key":"AK","secret":"SK","bucket":"b"}}]}}}}""", "room_config.egress")]
    public async Task Room_configuration_beyond_policy_is_403_naming_the_field(string json, string field)
    {
        var (response, body) = await SendAsync(worker, Post(Path, json, Key));

        AssertProblem(worker, response, body, HttpStatusCode.Forbidden, field);
        Assert.DoesNotContain("\"SK\"", body, StringComparison.Ordinal);
    }
}
