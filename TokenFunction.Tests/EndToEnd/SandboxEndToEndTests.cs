using System.Net;
using TokenFunction.Tests.EndToEnd.Hosts;
using TokenFunction.Tests.Support;
using static TokenFunction.Tests.EndToEnd.Hosts.EndToEndHttp;

namespace TokenFunction.Tests.EndToEnd;

/// <summary>The sandbox stand-in routes through this run's host: anonymous to the host, gated by the sandbox id.</summary>
[Collection(WorkerProcesses.Name)]
public sealed class SandboxEndToEndTests(ClientWorkerFixture fixture) : IClassFixture<ClientWorkerFixture>
{
    private const string s_v1 = "api/sandbox/connection-details";
    private const string s_v2 = "api/v2/sandbox/connection-details";

    [Fact]
    public async Task V1_serves_the_sandbox_shape_without_a_function_key()
    {
        var request = Post($"{s_v1}?roomName=lobby&participantName=sam", null, key: null);
        request.Headers.Add("X-Sandbox-ID", fixture.SandboxId);

        var (response, body) = await SendAsync(fixture.Worker, request);

        var details = AssertStatusAndJson(fixture.Worker, response, body, HttpStatusCode.OK);
        AssertNoStore(response);
        Assert.Equal(("lobby", "sam"), (details.GetProperty("roomName").GetString(), details.GetProperty("participantName").GetString()));
        var claims = await AssertJudgedTokenAsync(details.GetProperty("participantToken").GetString()!);
        Assert.Equal(15 * 60, claims.GetProperty("exp").GetInt64() - claims.GetProperty("nbf").GetInt64());
    }

    [Fact]
    public async Task V2_serves_the_standard_response_without_a_function_key()
    {
        var request = Post(s_v2, """{"room_name":"r2","participant_identity":"v2-user","room_config":{}}""", key: null);
        request.Headers.Add("X-Sandbox-ID", fixture.SandboxId);

        var (response, body) = await SendAsync(fixture.Worker, request);

        var details = AssertStatusAndJson(fixture.Worker, response, body, HttpStatusCode.Created);
        Assert.Equal("v2-user", (await AssertJudgedTokenAsync(details.GetProperty("participant_token").GetString()!)).GetProperty("sub").GetString());
    }

    [Theory]
    [InlineData(s_v1, null)]
    [InlineData(s_v2, null)]
    [InlineData(s_v2, "wrong-but-long-enough-0000000000")]
    public async Task A_missing_or_wrong_sandbox_id_is_a_401_problem_naming_the_header(string path, string? id)
    {
        var request = Post(path, "{}", key: fixture.Worker.Host.FunctionKey);
        if (id is not null)
        {
            request.Headers.Add("X-Sandbox-ID", id);
        }

        var (response, body) = await SendAsync(fixture.Worker, request);

        var problem = AssertProblem(fixture.Worker, response, body, HttpStatusCode.Unauthorized);
        Assert.Equal("X-Sandbox-ID", problem.GetProperty("field").GetString());
        Assert.DoesNotContain(fixture.SandboxId, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(s_v1)]
    [InlineData(s_v2)]
    public async Task Only_post_is_routed(string path)
    {
        var request = Get(path, key: null);
        request.Headers.Add("X-Sandbox-ID", fixture.SandboxId);

        var (response, _) = await SendAsync(fixture.Worker, request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

/// <summary>With <c>Sandbox__Id</c> unset (the default), the sandbox routes look absent.</summary>
[Collection(WorkerProcesses.Name)]
public sealed class SandboxOffEndToEndTests(WorkerFixture worker) : IClassFixture<WorkerFixture>
{
    [Theory]
    [InlineData("api/sandbox/connection-details")]
    [InlineData("api/v2/sandbox/connection-details")]
    public async Task Both_routes_answer_a_bare_404(string path)
    {
        var request = Post(path, "{}", key: null);
        request.Headers.Add("X-Sandbox-ID", "0123456789abcdef0123456789abcdef");

        var (response, body) = await SendAsync(worker, request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(body);
    }
}
