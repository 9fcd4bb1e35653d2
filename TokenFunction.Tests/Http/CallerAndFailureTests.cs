using Moq;
using TokenFunction.Auth;
using TokenFunction.Contract;
using TokenFunction.Functions;
using TokenFunction.Http;
using TokenFunction.Secrets;
using TokenFunction.Tests.Support.Auth;
using TokenFunction.Tests.Support.Fakes;
using TokenFunction.Tests.Support.Http;

namespace TokenFunction.Tests.Http;

/// <summary>The seams: caller authentication, the API credentials provider's 503, and our own faults as 500s.</summary>
public sealed class CallerAndFailureTests
{
    private static CallerAuthenticationResult Alice(Func<string, bool>? rooms = null) =>
        CallerAuthenticationResult.Success(new AuthenticatedCaller("alice@contoso", "Alice", rooms));

    [Fact]
    public async Task The_authorization_header_goes_to_the_authenticator_and_a_failure_is_401_with_a_challenge()
    {
        var authenticator = CallerAuthenticators.Answering(CallerAuthenticationResult.Failure("The bearer token has expired.", "Bearer error=\"invalid_token\""));
        using var harness = new EndpointHarness(authenticator: authenticator.Object);

        var response = await harness.PostTokenAsync("{}", headers: ("Authorization", "Bearer abc.def.ghi"));

        var problem = EndpointAssert.Problem(response, 401);
        Assert.Equal("The bearer token has expired.", problem.Detail);
        Assert.Equal("Bearer error=\"invalid_token\"", response.Header("WWW-Authenticate"));
        authenticator.Verify(a => a.AuthenticateAsync("Bearer abc.def.ghi", It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Connection_details_authenticate_too()
    {
        var authenticator = CallerAuthenticators.Answering(CallerAuthenticationResult.Failure("Missing bearer token.", "Bearer"));
        using var harness = new EndpointHarness(authenticator: authenticator.Object);
        EndpointAssert.Problem(await harness.ConnectionDetailsAsync("GET"), 401);
        authenticator.Verify(a => a.AuthenticateAsync(null, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task An_authenticated_caller_gets_their_own_identity_and_name()
    {
        using var harness = new EndpointHarness(authenticator: CallerAuthenticators.Answering(Alice()).Object);
        var (body, _) = EndpointAssert.Token(harness, await harness.PostTokenAsync(RequestJson.Of((RequestFields.RoomName, "r1"))));
        Assert.Equal(("alice@contoso", "Alice"), (body.ParticipantIdentity, body.ParticipantName));
    }

    [Fact]
    public async Task An_authenticated_caller_may_repeat_their_own_identity_and_name_but_choose_a_name_only_when_allowed()
    {
        using var harness = new EndpointHarness(authenticator: CallerAuthenticators.Answering(Alice()).Object);
        var (body, _) = EndpointAssert.Token(harness, await harness.PostTokenAsync(RequestJson.Of((RequestFields.ParticipantIdentity, "alice@contoso"), (RequestFields.ParticipantName, "Alice"))));
        Assert.Equal(("alice@contoso", "Alice"), (body.ParticipantIdentity, body.ParticipantName));
        EndpointAssert.Problem(await harness.PostTokenAsync(RequestJson.Of((RequestFields.ParticipantIdentity, "alice@contoso"), (RequestFields.ParticipantName, "Al"))), 403, RequestFields.ParticipantName);

        using var lenient = new EndpointHarness(new Dictionary<string, string?> { ["CallerChoices:AllowName"] = "true" }, authenticator: CallerAuthenticators.Answering(Alice()).Object);
        (body, _) = EndpointAssert.Token(lenient, await lenient.PostTokenAsync(RequestJson.Of((RequestFields.ParticipantIdentity, "alice@contoso"), (RequestFields.ParticipantName, "Al"))));
        Assert.Equal(("alice@contoso", "Al"), (body.ParticipantIdentity, body.ParticipantName));
    }

    [Theory]
    [InlineData("""{"participant_identity":"bob@contoso"}""", "", RequestFields.ParticipantIdentity)]
    [InlineData("""{"participantName":"bob@contoso"}""", "", RequestFields.LegacyParticipantName)]
    [InlineData("{}", "?participantName=bob", RequestFields.LegacyParticipantName)]
    public async Task An_authenticated_caller_cannot_take_another_identity(string body, string query, string field)
    {
        using var harness = new EndpointHarness(authenticator: CallerAuthenticators.Answering(Alice()).Object);
        EndpointAssert.Problem(await harness.PostTokenAsync(body, query: query), 403, field);
    }

    [Fact]
    public async Task An_authenticated_caller_cannot_join_a_room_their_claims_exclude()
    {
        using var harness = new EndpointHarness(authenticator: CallerAuthenticators.Answering(Alice(room => room.StartsWith("team-", StringComparison.Ordinal))).Object);
        EndpointAssert.Token(harness, await harness.PostTokenAsync(RequestJson.Of((RequestFields.RoomName, "team-a"))));
        EndpointAssert.Problem(await harness.PostTokenAsync(RequestJson.Of((RequestFields.RoomName, "board"))), 403, RequestFields.RoomName);
        EndpointAssert.Problem(await harness.ConnectionDetailsAsync("GET", "?roomName=board"), 403, RequestFields.LegacyRoomName);
    }

    [Fact]
    public async Task An_unavailable_secret_is_503_with_retry_after()
    {
        var keys = new Mock<IApiCredentialsProvider>();
        keys.Setup(k => k.GetCredentialsAsync(It.IsAny<CancellationToken>()))
            .ThrowsAsync(new SecretUnavailableException("Key Vault did not answer.", TimeSpan.FromSeconds(2.2)));
        using var harness = new EndpointHarness(apiCredentialsProvider: keys.Object);

        var response = await harness.PostTokenAsync("{}");

        EndpointAssert.Problem(response, 503);
        Assert.Equal("3", response.Header("Retry-After"));
        Assert.DoesNotContain("Key Vault", response.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unexpected_exception_is_a_500_with_the_invocation_id_and_no_details()
    {
        var keys = new Mock<IApiCredentialsProvider>();
        keys.Setup(k => k.GetCredentialsAsync(It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("internal detail: cache corrupted at slot 7"));
        using var harness = new EndpointHarness(apiCredentialsProvider: keys.Object);
        var context = new FakeFunctionContext(harness.Services);
        var request = FakeHttpRequestData.Create("POST", "/api/token", "{}", context: context);

        var response = (FakeHttpResponseData)await new TokenRouteFunction(
            (TokenEndpoint)harness.Services.GetService(typeof(TokenEndpoint))!).Run(request);

        var problem = EndpointAssert.Problem(response, 500);
        Assert.Equal(context.InvocationId, problem.CorrelationId);
        Assert.DoesNotContain("cache corrupted", response.BodyText, StringComparison.Ordinal);
        var logged = Assert.Single(harness.Logs.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Error);
        Assert.Contains(context.InvocationId, logged.Message, StringComparison.Ordinal);
        Assert.Contains("cache corrupted", logged.Exception!.Message, StringComparison.Ordinal);
    }
}
