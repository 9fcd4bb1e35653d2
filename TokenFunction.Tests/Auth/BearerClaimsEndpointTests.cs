using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenFunction.Auth;
using TokenFunction.Contract;
using TokenFunction.Tests.Support.Auth;
using TokenFunction.Tests.Support.Fakes;
using TokenFunction.Tests.Support.Http;

namespace TokenFunction.Tests.Auth;

/// <summary>
/// Bearer mode through the real token function: who the caller is and how they are shown come from their access
/// token, within LiveKit's limits and policy's, and the token must be an access token with the scope or role required.
/// </summary>
public sealed class BearerClaimsEndpointTests
{
    private const string s_audience = "api://token-service";
    private static readonly IssuerKey s_key = IssuerKey.Ecdsa("ec-1");

    [Theory]
    [InlineData("""{"participant_name":"Bob (Host)"}""", RequestFields.ParticipantName)]
    [InlineData("""{"participant_metadata":"{\"role\":\"host\"}"}""", RequestFields.ParticipantMetadata)]
    [InlineData("""{"participant_attributes":{"role":"host"}}""", RequestFields.ParticipantAttributes)]
    public async Task A_caller_chosen_name_metadata_or_attributes_are_refused_by_default(string body, string field)
    {
        await using var context = await Context.StartAsync();

        var problem = EndpointAssert.Problem(await context.PostAsync(body, Claims("alice", "Alice")), 403, field);

        Assert.Contains(field, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_name_comes_from_the_claim_on_every_route_and_repeating_it_is_fine()
    {
        await using var context = await Context.StartAsync();
        var claims = Claims("alice", "Alice A.");

        var (body, _) = EndpointAssert.Token(context.Harness, await context.PostAsync(RequestJson.Of((RequestFields.ParticipantName, "Alice A."), (RequestFields.ParticipantMetadata, "")), claims));
        Assert.Equal("Alice A.", body.ParticipantName);

        // The legacy participantName names the identity; in bearer mode it never sets the display name.
        (body, _) = EndpointAssert.Token(context.Harness, await context.PostAsync(RequestJson.Of((RequestFields.LegacyParticipantName, "alice")), claims));
        Assert.Equal(("alice", "Alice A."), (body.ParticipantIdentity, body.ParticipantName));
        var details = await context.Harness.ConnectionDetailsAsync("GET", "?participantName=alice", body: null, contentType: null, headers: context.Authorization(claims));
        Assert.Equal("Alice A.", StrictDecoders.DecodeConnectionDetails(details.BodyText).ParticipantName);
        var posted = await context.Harness.ConnectionDetailsAsync("POST", "", RequestJson.Of((RequestFields.ParticipantName, "Bob")), headers: context.Authorization(claims));
        EndpointAssert.Problem(posted, 403, RequestFields.ParticipantName);
    }

    [Theory]
    [InlineData("CallerChoices:AllowName", "CallerChoices:AllowMetadata", "CallerChoices:AllowAttributes")]
    [InlineData("Auth:AllowCallerName", "Auth:AllowCallerMetadata", "Auth:AllowCallerAttributes")] // deprecated, still read
    public async Task Settings_let_callers_choose_name_metadata_and_attributes(string name, string metadata, string attributes)
    {
        await using var context = await Context.StartAsync(settings: new() { [name] = "true", [metadata] = "true", [attributes] = "true" });

        var response = await context.PostAsync(RequestJson.Of((RequestFields.ParticipantName, "Bob (Host)"), (RequestFields.ParticipantMetadata, "m"), (RequestFields.ParticipantAttributes, new JsonObject { ["k"] = "v" })), Claims("alice", "Alice"));

        var (body, verified) = EndpointAssert.Token(context.Harness, response);
        Assert.Equal(("alice", "Bob (Host)"), (body.ParticipantIdentity, body.ParticipantName));
        Assert.Equal("m", verified.Claims!.Metadata);
        Assert.Equal("v", verified.Claims.Attributes!["k"]);
    }

    [Theory]
    [InlineData("sub")]
    [InlineData("name")]
    public async Task A_claim_over_livekits_256_bytes_of_utf8_is_refused_naming_it(string claim)
    {
        await using var context = await Context.StartAsync();

        // 200 characters, 600 bytes: LiveKit counts bytes and would refuse the participant.
        var claims = Claims("alice", "Alice");
        claims[claim] = new string('李', 200);
        var problem = EndpointAssert.Problem(await context.PostAsync("{}", claims), 401);

        Assert.Contains($"'{claim}'", problem.Detail, StringComparison.Ordinal);

        claims[claim] = new string('李', 85);
        EndpointAssert.Token(context.Harness, await context.PostAsync("{}", claims));
    }

    [Theory]
    [InlineData("Alice\u0007")]
    [InlineData("Alice\nBob")]
    public async Task A_name_claim_with_control_characters_is_refused_naming_it(string name)
    {
        await using var context = await Context.StartAsync();

        var problem = EndpointAssert.Problem(await context.PostAsync("{}", Claims("alice", name)), 401);

        Assert.Contains("'name'", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TokenPolicy:MaxIdentityLength", "sub")]
    [InlineData("TokenPolicy:MaxNameLength", "name")]
    public async Task A_claim_over_the_policy_limit_is_403_naming_it(string setting, string claim)
    {
        await using var context = await Context.StartAsync(settings: new() { [setting] = "5" });

        var problem = EndpointAssert.Problem(await context.PostAsync("{}", Claims("alice-1", "Alice A.")), 403, "token." + claim);

        Assert.Contains($"'{claim}'", problem.Detail, StringComparison.Ordinal);
        EndpointAssert.Token(context.Harness, await context.PostAsync("{}", Claims("alice", "Alice")));
    }

    [Fact]
    public async Task Required_scopes_accept_a_token_with_any_of_them_and_refuse_others_with_insufficient_scope()
    {
        await using var context = await Context.StartAsync(o => o.RequiredScopes = "Token.Request Token.Admin");

        // Entra's scp is one space-separated string (learn.microsoft.com/entra/identity-platform/access-token-claims-reference).
        EndpointAssert.Token(context.Harness, await context.PostAsync("{}", With(Claims("alice", "Alice"), "scp", "openid Token.Request")));

        foreach (var claims in new[] { Claims("alice", "Alice"), With(Claims("alice", "Alice"), "scp", "User.Read Token.Requests"), With(Claims("app", "App"), "roles", new List<string> { "Token.Request" }) })
        {
            var response = await context.PostAsync("{}", claims);
            var problem = EndpointAssert.Problem(response, 403, "token.scp");
            Assert.Contains("scope", problem.Detail, StringComparison.Ordinal);
            Assert.StartsWith("Bearer error=\"insufficient_scope\"", response.Header("WWW-Authenticate"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Required_roles_accept_a_token_with_any_of_them()
    {
        await using var context = await Context.StartAsync(o => o.RequiredRoles = "LiveKit.Caller,LiveKit.Host");

        EndpointAssert.Token(context.Harness, await context.PostAsync("{}", With(Claims("alice", "Alice"), "roles", new List<string> { "Other", "LiveKit.Host" })));
        EndpointAssert.Problem(await context.PostAsync("{}", With(Claims("alice", "Alice"), "roles", new List<string> { "Other" })), 403, "token.roles");
        EndpointAssert.Problem(await context.PostAsync("{}", With(Claims("alice", "Alice"), "scp", "LiveKit.Caller")), 403, "token.roles");
    }

    [Fact]
    public async Task Valid_types_refuse_a_token_not_marked_as_an_access_token()
    {
        await using var context = await Context.StartAsync(o => o.ValidTypes = "at+jwt");

        EndpointAssert.Token(context.Harness, await context.PostAsync("{}", Claims("alice", "Alice"), tokenType: "at+jwt"));
        EndpointAssert.Token(context.Harness, await context.PostAsync("{}", Claims("alice", "Alice"), tokenType: "application/at+jwt"));
        var problem = EndpointAssert.Problem(await context.PostAsync("{}", Claims("alice", "Alice")), 401);
        Assert.Contains("typ", problem.Detail, StringComparison.Ordinal);
    }

    private static Dictionary<string, object> Claims(string sub, string name) => new() { ["sub"] = sub, ["name"] = name };

    private static Dictionary<string, object> With(Dictionary<string, object> claims, string claim, object value)
    {
        claims[claim] = value;
        return claims;
    }

    private sealed class Context : IAsyncDisposable
    {
        private LocalOidcIssuer _issuer = null!;
        private HttpClient _metadata = null!;
        private BearerCallerAuthenticator _authenticator = null!;

        public EndpointHarness Harness { get; private set; } = null!;

        public static async Task<Context> StartAsync(Action<CallerAuthenticationOptions>? configure = null, Dictionary<string, string?>? settings = null)
        {
            var context = new Context { _issuer = await LocalOidcIssuer.StartAsync(s_key) };
            var options = new CallerAuthenticationOptions { Mode = CallerAuthenticationMode.Bearer, Authority = context._issuer.Issuer, Audience = s_audience };
            configure?.Invoke(options);
            var validation = new CallerAuthenticationOptionsValidator().Validate(null, options);
            Assert.True(validation.Succeeded, validation.FailureMessage);
            context._metadata = context._issuer.CreateMetadataClient();
            context._authenticator = new BearerCallerAuthenticator(Options.Create(options), NullLogger<BearerCallerAuthenticator>.Instance, context._metadata);
            context.Harness = new EndpointHarness(settings, authenticator: context._authenticator);
            return context;
        }

        public (string, string)[] Authorization(Dictionary<string, object> claims, string? tokenType = null) =>
            [("Authorization", "Bearer " + _issuer.CreateToken(s_key, s_audience, claims, tokenType: tokenType))];

        public Task<FakeHttpResponseData> PostAsync(string body, Dictionary<string, object> claims, string? tokenType = null) =>
            Harness.PostTokenAsync(body, headers: Authorization(claims, tokenType));

        public async ValueTask DisposeAsync()
        {
            Harness.Dispose();
            _authenticator.Dispose();
            _metadata.Dispose();
            await _issuer.DisposeAsync();
        }
    }
}
