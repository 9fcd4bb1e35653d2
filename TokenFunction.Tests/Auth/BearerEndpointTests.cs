using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenFunction.Auth;
using TokenFunction.Tests.Support.Auth;
using TokenFunction.Tests.Support.Http;

namespace TokenFunction.Tests.Auth;

/// <summary>The bearer authenticator behind the real token function: what a client actually sees.</summary>
public sealed class BearerEndpointTests
{
    private const string s_audience = "api://token-service";
    private static readonly IssuerKey s_key = IssuerKey.Ecdsa("ec-1");

    [Fact]
    public async Task A_valid_bearer_token_gets_a_livekit_token_for_the_callers_own_identity()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_key);
        using var metadata = issuer.CreateMetadataClient();
        using var authenticator = Create(issuer, metadata);
        using var harness = new EndpointHarness(authenticator: authenticator);
        var bearer = issuer.CreateToken(s_key, s_audience, new Dictionary<string, object> { ["sub"] = "alice", ["name"] = "Alice A." });

        var (body, verified) = EndpointAssert.Token(harness, await harness.PostTokenAsync("{}", headers: ("Authorization", "Bearer " + bearer)));

        Assert.Equal("alice", body.ParticipantIdentity);
        Assert.Equal("Alice A.", body.ParticipantName);
        Assert.Equal("alice", verified.Subject);
        Assert.DoesNotContain(harness.Logs.GetSnapshot(), r => r.Message.Contains(bearer.Split('.')[2], StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_bearer_token_is_a_401_problem_with_the_bare_challenge()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_key);
        using var metadata = issuer.CreateMetadataClient();
        using var authenticator = Create(issuer, metadata);
        using var harness = new EndpointHarness(authenticator: authenticator);

        var response = await harness.PostTokenAsync("{}");

        EndpointAssert.Problem(response, 401);
        Assert.Equal("Bearer", response.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task An_expired_bearer_token_is_a_401_with_an_rfc_6750_challenge_and_no_token_echoed()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_key);
        using var metadata = issuer.CreateMetadataClient();
        using var authenticator = Create(issuer, metadata);
        using var harness = new EndpointHarness(authenticator: authenticator);
        var now = DateTime.UtcNow;
        var bearer = issuer.CreateToken(s_key, s_audience, notBefore: now.AddHours(-2), expires: now.AddHours(-1));

        var response = await harness.ConnectionDetailsAsync("GET", headers: ("Authorization", "Bearer " + bearer));

        var problem = EndpointAssert.Problem(response, 401);
        Assert.Equal("The token has expired.", problem.Detail);
        Assert.Equal("Bearer error=\"invalid_token\", error_description=\"The token has expired.\"", response.Header("WWW-Authenticate"));
        foreach (var part in bearer.Split('.'))
        {
            Assert.DoesNotContain(part, response.BodyText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_unreachable_identity_provider_is_a_503_with_retry_after_not_a_401_or_500()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_key);

        // The production metadata client does not trust the test issuer's self-signed certificate.
        using var authenticator = Create(issuer, metadataClient: null);
        using var harness = new EndpointHarness(authenticator: authenticator);

        var response = await harness.PostTokenAsync("{}", headers: ("Authorization", "Bearer " + issuer.CreateToken(s_key, s_audience)));

        EndpointAssert.Problem(response, 503);
        // The real next attempt: with nothing cached, 1 s after the first failed read (then 2, 4, ... s).
        Assert.Equal("1", response.Header("Retry-After"));
    }

    private static BearerCallerAuthenticator Create(LocalOidcIssuer issuer, HttpClient? metadataClient) => new(
        Options.Create(new CallerAuthenticationOptions { Mode = CallerAuthenticationMode.Bearer, Authority = issuer.Issuer, Audience = s_audience }),
        NullLogger<BearerCallerAuthenticator>.Instance,
        metadataClient);
}
