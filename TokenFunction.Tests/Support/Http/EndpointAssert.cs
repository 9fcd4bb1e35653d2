using TokenFunction.Tests.Support.Fakes;
using TokenFunction.Tests.Support.LiveKit;

namespace TokenFunction.Tests.Support.Http;

internal static class EndpointAssert
{
    /// <summary>A problem response with this status (and field, when given) and the problem content type.</summary>
    public static StrictDecoders.Problem Problem(FakeHttpResponseData response, int status, string? field = null)
    {
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {response.BodyText}");
        Assert.Equal("application/problem+json", response.Header("Content-Type"));
        var problem = StrictDecoders.DecodeProblem(response.BodyText);
        Assert.Equal(status, problem.Status);
        Assert.StartsWith("https://www.rfc-editor.org/rfc/rfc9110#section-", problem.Type, StringComparison.Ordinal);
        if (field is not null)
        {
            Assert.Equal(field, problem.Field);
        }

        return problem;
    }

    /// <summary>
    /// A 201 from /api/token: snake_case body, no-store, a token the verifier accepts that carries only claims the
    /// service issues; returns its claims.
    /// </summary>
    public static (StrictDecoders.TokenEndpointResponse Body, TokenVerificationResult Verified) Token(EndpointHarness harness, FakeHttpResponseData response)
    {
        Assert.True((int)response.StatusCode == 201, $"expected 201, got {(int)response.StatusCode}: {response.BodyText}");
        Assert.Equal("no-store", response.Header("Cache-Control"));
        Assert.StartsWith("application/json", response.Header("Content-Type"), StringComparison.Ordinal);
        var body = StrictDecoders.DecodeTokenResponse(response.BodyText);
        Assert.Equal(EndpointHarness.ServerUrl, body.ServerUrl);
        var verified = harness.Verifier.Verify(body.ParticipantToken);
        Assert.True(verified.IsValid, verified.FailureReason);
        Assert.Equal(EndpointHarness.ApiKey, verified.Issuer);
        Assert.Equal(body.ParticipantIdentity, verified.Subject);
        Assert.Equal(body.ParticipantName, verified.Claims!.Name);
        Assert.Equal(body.RoomName, verified.Claims.Video!.Room);
        Assert.True(verified.Claims.Video.RoomJoin);
        Assert.Empty(JwtParts.UnissuedClaims(body.ParticipantToken));
        return (body, verified);
    }
}
