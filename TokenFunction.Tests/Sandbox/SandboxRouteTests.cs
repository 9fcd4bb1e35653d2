using Microsoft.Extensions.DependencyInjection;
using TokenFunction.Auth;
using TokenFunction.Contract;
using TokenFunction.Functions;
using TokenFunction.Http;
using TokenFunction.Sandbox;
using TokenFunction.Tests.Support.Contract;
using TokenFunction.Tests.Support.Fakes;
using TokenFunction.Tests.Support.Http;

namespace TokenFunction.Tests.Sandbox;

/// <summary>The sandbox stand-in routes in-process: the gate, the two response shapes, the v1 lifetime, bearer mode.</summary>
public sealed class SandboxRouteTests
{
    private const string s_id = "0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task Without_Sandbox_Id_both_routes_answer_a_bare_404_as_if_absent(string version)
    {
        using var harness = new EndpointHarness();

        var response = await SendAsync(harness, version, "{}", ("X-Sandbox-ID", s_id));

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Empty(response.BodyText);
    }

    [Theory]
    [InlineData("v1", null)]
    [InlineData("v2", null)]
    [InlineData("v1", "0123456789abcdef0123456789abcdeX")]
    [InlineData("v2", "0123456789abcdef0123456789abcde")]
    [InlineData("v2", "")]
    public async Task A_missing_or_wrong_sandbox_id_is_a_401_problem(string version, string? presented)
    {
        using var harness = Harness();
        var headers = presented is null ? [] : new[] { ("X-Sandbox-ID", presented) };

        var response = await SendAsync(harness, version, "{}", headers);

        EndpointAssert.Problem(response, 401, "X-Sandbox-ID");
        Assert.DoesNotContain(s_id, response.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task V1_answers_the_sandbox_camel_case_shape_with_a_15_minute_token()
    {
        using var harness = Harness(("TokenPolicy:DefaultTtl", "00:30:00"));

        var response = await SendAsync(harness, "v1", null, [("X-Sandbox-ID", s_id)], "?roomName=lobby&participantName=sam");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("no-store", response.Header("Cache-Control"));
        var details = StrictDecoders.DecodeConnectionDetails(response.BodyText);
        Assert.Equal(("lobby", "sam", EndpointHarness.ServerUrl), (details.RoomName, details.ParticipantName, details.ServerUrl));
        var verified = harness.Verifier.Verify(details.ParticipantToken);
        Assert.True(verified.IsValid, verified.FailureReason);
        Assert.Equal(TimeSpan.FromMinutes(15), verified.ExpiresAt - verified.NotBefore);
    }

    [Fact]
    public async Task V1_keeps_a_shorter_policy_lifetime()
    {
        using var harness = Harness(("TokenPolicy:DefaultTtl", "00:05:00"));

        var response = await SendAsync(harness, "v1", null, [("X-Sandbox-ID", s_id)]);

        var verified = harness.Verifier.Verify(StrictDecoders.DecodeConnectionDetails(response.BodyText).ParticipantToken);
        Assert.Equal(TimeSpan.FromMinutes(5), verified.ExpiresAt - verified.NotBefore);
    }

    [Fact]
    public async Task V2_is_the_standard_endpoint_under_the_same_policy()
    {
        using var harness = Harness(("TokenPolicy:AllowedAgentNames", "helper"));

        var (body, verified) = EndpointAssert.Token(harness, await SendAsync(harness, "v2",
            """{"room_name":"r","participant_identity":"ann","room_config":{"agents":[{"agent_name":"helper","deployment":"production"}]}}""",
            ("X-Sandbox-ID", s_id)));
        Assert.Equal(("r", "ann"), (body.RoomName, body.ParticipantIdentity));
        Assert.Equal("production", Assert.Single(verified.Claims!.RoomConfig!.Agents!).Deployment);

        EndpointAssert.Problem(await SendAsync(harness, "v2", """{"room_config":{"agents":[{"agent_name":"other"}]}}""", ("X-Sandbox-ID", s_id)), 403, FieldPaths.Agent(0, RequestFields.Agents.AgentName));
        EndpointAssert.Problem(await SendAsync(harness, "v2", """{"room_admin":true}""", ("X-Sandbox-ID", s_id)), 403, "room_admin");
    }

    [Fact]
    public async Task Bearer_mode_still_applies_behind_the_sandbox_id()
    {
        using var harness = new EndpointHarness(new Dictionary<string, string?> { ["Sandbox:Id"] = s_id }, new RefusingAuthenticator());

        var response = await SendAsync(harness, "v2", "{}", ("X-Sandbox-ID", s_id));

        EndpointAssert.Problem(response, 401);
        Assert.Equal("Bearer", response.Header("WWW-Authenticate"));
    }

    [Theory]
    [InlineData("short-id-123")]
    [InlineData("-0123456789abcdef0123456789abcdef")]
    [InlineData("0123456789abcdef0123456789abcdef_")]
    [InlineData("0123456789abcdef 0123456789abcdef")]
    [InlineData("0123456789abcdef0123456789abcdéf")]
    public void A_sandbox_id_that_is_short_or_that_clients_would_alter_stops_start_up(string id)
    {
        var error = Assert.ThrowsAny<Exception>(() => new EndpointHarness(new Dictionary<string, string?> { ["Sandbox:Id"] = id }));
        Assert.Contains("Sandbox__Id", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Only_exactly_one_matching_header_value_opens_the_gate()
    {
        var gate = new SandboxGate(Microsoft.Extensions.Options.Options.Create(new SandboxOptions { Id = s_id }));

        Assert.True(gate.Matches([s_id]));
        Assert.False(gate.Matches([s_id, s_id]));
        Assert.False(gate.Matches([s_id.ToUpperInvariant()]));
        Assert.False(gate.Matches([]));
        Assert.False(gate.Matches(null));
    }

    private static EndpointHarness Harness(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?> { ["Sandbox:Id"] = s_id };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        return new EndpointHarness(values);
    }

    private static Task<FakeHttpResponseData> SendAsync(EndpointHarness harness, string version, string? body, params (string Name, string Value)[] headers) =>
        SendAsync(harness, version, body, headers, "");

    private static async Task<FakeHttpResponseData> SendAsync(EndpointHarness harness, string version, string? body, (string Name, string Value)[] headers, string query)
    {
        var path = version == "v1" ? "/api/sandbox/connection-details" : "/api/v2/sandbox/connection-details";
        var request = FakeHttpRequestData.Create("POST", path + query, body, "application/json", headers.Select(h => KeyValuePair.Create(h.Name, h.Value)), new FakeFunctionContext(harness.Services));
        var functions = new SandboxFunctions(harness.Services.GetRequiredService<TokenEndpoint>(), harness.Services.GetRequiredService<SandboxGate>());
        var response = version == "v1" ? await functions.RunV1(request) : await functions.RunV2(request);
        return ((FakeHttpResponseData)response).Checked("POST", path);
    }

    /// <summary>Bearer mode with no bearer token presented, as <c>BearerCallerAuthenticator</c> answers it.</summary>
    private sealed class RefusingAuthenticator : ICallerAuthenticator
    {
        public bool IsEnabled => true;

        public ValueTask<CallerAuthenticationResult> AuthenticateAsync(string? authorizationHeader, CancellationToken cancellationToken) =>
            ValueTask.FromResult(CallerAuthenticationResult.Failure("A bearer token is required.", "Bearer"));
    }
}
