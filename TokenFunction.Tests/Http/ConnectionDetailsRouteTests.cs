using TokenFunction.Contract;
using TokenFunction.Tests.Support.Http;

namespace TokenFunction.Tests.Http;

public sealed class ConnectionDetailsRouteTests : IDisposable
{
    private readonly EndpointHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task Query_parameters_give_the_sandbox_shape(string method)
    {
        var response = await _harness.ConnectionDetailsAsync(method, "?roomName=lobby&participantName=carol");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("no-store", response.Header("Cache-Control"));
        var details = StrictDecoders.DecodeConnectionDetails(response.BodyText);
        Assert.Equal((EndpointHarness.ServerUrl, "lobby", "carol"), (details.ServerUrl, details.RoomName, details.ParticipantName));
        var verified = _harness.Verifier.Verify(details.ParticipantToken);
        Assert.True(verified.IsValid, verified.FailureReason);
        Assert.Equal("carol", verified.Subject);
        Assert.Equal("lobby", verified.Claims!.Video!.Room);
        Assert.Equal(TimeSpan.FromMinutes(15), verified.ExpiresAt - verified.NotBefore);
    }

    [Fact]
    public async Task A_json_body_works_like_the_query()
    {
        var response = await _harness.ConnectionDetailsAsync("POST", body: """{"roomName":"lobby","participantName":"dave"}""");
        var details = StrictDecoders.DecodeConnectionDetails(response.BodyText);
        Assert.Equal(("lobby", "dave"), (details.RoomName, details.ParticipantName));
    }

    [Fact]
    public async Task Nothing_given_means_everything_generated()
    {
        var details = StrictDecoders.DecodeConnectionDetails((await _harness.ConnectionDetailsAsync("POST", headers: ("X-Sandbox-ID", "ignored"))).BodyText);
        Assert.StartsWith("room-", details.RoomName, StringComparison.Ordinal);
        Assert.StartsWith("user-", details.ParticipantName, StringComparison.Ordinal);
        Assert.Equal(details.ParticipantName, _harness.Verifier.Verify(details.ParticipantToken).Subject);
    }

    [Fact]
    public async Task A_get_ignores_any_body()
    {
        var response = await _harness.ConnectionDetailsAsync("GET", body: "{not json", contentType: "text/plain");
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Bad_input_gets_the_same_problems_as_the_token_route()
    {
        EndpointAssert.Problem(await _harness.ConnectionDetailsAsync("POST", body: "{"), 400, RequestFields.Body);
        EndpointAssert.Problem(await _harness.ConnectionDetailsAsync("POST", body: "{}", contentType: "text/xml"), 415, RequestFields.ContentType);
        EndpointAssert.Problem(await _harness.ConnectionDetailsAsync("GET", "?roomName=" + new string('r', 300)), 400, RequestFields.LegacyRoomName);
        EndpointAssert.Problem(await _harness.ConnectionDetailsAsync("GET", "?participantName=a%00b"), 400, RequestFields.LegacyParticipantName);
    }
}
