using System.Net;
using TokenFunction.Tests.EndToEnd.Hosts;
using TokenFunction.Tests.Support;
using static TokenFunction.Tests.EndToEnd.Hosts.EndToEndHttp;

namespace TokenFunction.Tests.EndToEnd;

/// <summary>GET|POST /api/connection-details (sandbox-compatible) through this run's host against the real worker.</summary>
[Collection(WorkerProcesses.Name)]
public sealed class ConnectionDetailsEndToEndTests(WorkerFixture worker) : IClassFixture<WorkerFixture>
{
    internal const string Path = "api/connection-details";

    private string Key => worker.Host.FunctionKey;

    // The host checking the worker's declared auth level (Function), before the app sees the request.
    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task Declared_function_auth_level_without_a_function_key_the_host_refuses_with_401(string method)
    {
        var request = method == "GET" ? Get(Path, key: null) : Post(Path, null, key: null);

        var (response, _) = await SendAsync(worker, request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task Query_parameters_choose_room_and_participant(string method)
    {
        var path = $"{Path}?roomName=sandbox-room&participantName=sam";
        var request = method == "GET" ? Get(path, Key) : Post(path, null, Key);

        var (response, body) = await SendAsync(worker, request);

        var details = AssertStatusAndJson(worker, response, body, HttpStatusCode.OK);
        AssertNoStore(response);
        Assert.Equal(WorkerFixture.ServerUrl, details.GetProperty("serverUrl").GetString());
        Assert.Equal("sandbox-room", details.GetProperty("roomName").GetString());
        Assert.Equal("sam", details.GetProperty("participantName").GetString());
        var claims = await AssertJudgedTokenAsync(details.GetProperty("participantToken").GetString()!);
        Assert.Equal("sam", claims.GetProperty("sub").GetString());
        Assert.Equal("sandbox-room", claims.GetProperty("video").GetProperty("room").GetString());
    }

    [Fact]
    public async Task A_json_body_chooses_room_and_participant()
    {
        var (response, body) = await SendAsync(worker, Post(Path, """{"roomName":"body-room","participantName":"bo"}""", Key));

        var details = AssertStatusAndJson(worker, response, body, HttpStatusCode.OK);
        Assert.Equal("body-room", details.GetProperty("roomName").GetString());
        Assert.Equal("bo", details.GetProperty("participantName").GetString());
    }

    [Fact]
    public async Task Missing_names_are_generated()
    {
        var (response, body) = await SendAsync(worker, Get(Path, Key));

        var details = AssertStatusAndJson(worker, response, body, HttpStatusCode.OK);
        Assert.StartsWith("room-", details.GetProperty("roomName").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("user-", details.GetProperty("participantName").GetString(), StringComparison.Ordinal);
        var claims = await AssertJudgedTokenAsync(details.GetProperty("participantToken").GetString()!);
        Assert.Equal(15 * 60, claims.GetProperty("exp").GetInt64() - claims.GetProperty("nbf").GetInt64());
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        var (response, body) = await SendAsync(worker, Post(Path, "{\"roomName\":", Key));

        AssertProblem(worker, response, body, HttpStatusCode.BadRequest);
    }

    // The host matching the methods the worker declared for the trigger (GET, POST).
    [Fact]
    public async Task Declared_methods_only_other_methods_are_404_from_the_host()
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(Path, UriKind.Relative));
        request.Headers.Add("x-functions-key", Key);

        var (response, _) = await SendAsync(worker, request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
