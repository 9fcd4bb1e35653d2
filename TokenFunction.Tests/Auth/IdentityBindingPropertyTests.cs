using System.Net;
using System.Text.Json;
using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenFunction.Auth;
using TokenFunction.Contract;
using TokenFunction.Tests.Support;
using TokenFunction.Tests.Support.Auth;
using TokenFunction.Tests.Support.Fakes;
using TokenFunction.Tests.Support.Http;

namespace TokenFunction.Tests.Auth;

/// <summary>
/// In bearer mode no request obtains a LiveKit identity other than the caller's: thousands of generated requests go
/// through the real token function (endpoint, policy, LiveKit signer) with the real bearer authenticator against the
/// loopback OIDC issuer, mixing genuine and forged credentials with every way a request can name an identity.
/// </summary>
[Collection(HeavyPropertyTests.Name)]
public sealed class IdentityBindingPropertyTests
{
    private const string s_audience = "api://token-service";
    private const int s_cases = 5_000;

    private static readonly IssuerKey s_issuerKey = IssuerKey.Ecdsa("ec-1");

    // An attacker's own key, published under the issuer's kid in the forged header.
    private static readonly IssuerKey s_attackerKey = IssuerKey.Ecdsa("ec-1");
    private static readonly IssuerKey s_attackerRsa = IssuerKey.Rsa("ec-1");

    private enum Credential
    {
        Genuine,
        None,
        WrongScheme,
        PayloadSwapped,
        AlgNone,
        Hs256WithPublicKey,
        ForeignKeySameKid,
        ForeignRsaKeySameKid,
        WrongAudience,
        WrongIssuer,
        Expired,
    }

    private enum Route
    {
        TokenJson,
        TokenPlainText,
        ConnectionDetailsGet,
        ConnectionDetailsPost,
    }

    private enum Ask
    {
        Nothing,
        ParticipantIdentity,
        LegacyBodyName,
        QueryName,
        BodyAndQuery,
    }

    [Fact]
    public async Task No_request_obtains_an_identity_other_than_the_callers()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_issuerKey);
        using var metadataClient = issuer.CreateMetadataClient();
        using var authenticator = new BearerCallerAuthenticator(
            Options.Create(new CallerAuthenticationOptions { Mode = CallerAuthenticationMode.Bearer, Authority = issuer.Issuer, Audience = s_audience }),
            NullLogger<BearerCallerAuthenticator>.Instance,
            metadataClient);
        using var harness = new EndpointHarness(authenticator: authenticator, captureLogs: false);
        var outcomes = new Dictionary<string, int>();

        // Identities an identity provider issues: never blank (the authenticator refuses those), otherwise varied.
        var identity = Gen.Select(Gen.Char["abcXYZ09éß李"], Gen.Char["abcdefXYZ0189@._-+ éß李"].Array[0, 23], (first, rest) => first + new string(rest));
        var credentials = Gen.Frequency((1, Gen.Const(Credential.Genuine)), (1, Gen.Enum<Credential>()));
        // Two different identities: with the same one, a "forged" token (e.g. its payload swapped for the other's) is
        // the genuine token again, and the forged branch below would wrongly expect 401 (CsCheck seed 9P8MebTXAnm4).
        var identities = Gen.Select(identity, identity).Where(pair => !string.Equals(pair.Item1, pair.Item2, StringComparison.Ordinal));
        var gen = Gen.Select(identities, credentials, Gen.Enum<Route>(), Gen.Enum<Ask>(), Gen.Int[0, 4], Gen.Int[0, 4]);

        await gen.SampleAsync(
            async (identities, credential, route, ask, firstPick, secondPick) =>
            {
                var (sub, other) = identities;
                var requested = new[] { Pick(firstPick, sub, other), Pick(secondPick, sub, other) };
                var response = await SendAsync(harness, Header(issuer, credential, sub, other), route, ask, requested);
                var status = (int)response.StatusCode;
                var asksForAnother = Sent(route, ask, requested).Any(r => !string.Equals(r, sub, StringComparison.Ordinal));

                if (status is >= 200 and < 300)
                {
                    // The one property that matters: whatever was asked, a token carries the caller's own identity.
                    var verified = harness.Verifier.Verify(TokenOf(response, route));
                    Assert.True(verified.IsValid, verified.FailureReason);
                    Assert.Equal(sub, verified.Subject);
                    Assert.Equal(Credential.Genuine, credential);
                    Assert.False(asksForAnother, $"another identity was granted: {string.Join(" | ", requested)}");
                    if (route == Route.TokenJson)
                    {
                        Assert.Equal(sub, StrictDecoders.DecodeTokenResponse(response.BodyText).ParticipantIdentity);
                    }
                }
                else if (credential != Credential.Genuine)
                {
                    Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                    Assert.StartsWith("Bearer", response.Header("WWW-Authenticate"), StringComparison.Ordinal);
                }
                else
                {
                    // A genuine caller is refused only for naming someone else (403), or two names that disagree (400).
                    Assert.True(asksForAnother, $"genuine caller refused with {status}: {response.BodyText}");
                    Assert.True(status is 400 or 403, $"unexpected {status}: {response.BodyText}");
                }

                lock (outcomes)
                {
                    var key = $"{(credential == Credential.Genuine ? "genuine" : "forged")}:{status}";
                    outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
                }
            },
            iter: s_cases,
            threads: 1);

        // Not vacuous: every branch was exercised many times.
        Assert.Equal(s_cases, outcomes.Values.Sum());
        Assert.True(outcomes.Where(o => o.Key.StartsWith("genuine:2", StringComparison.Ordinal)).Sum(o => o.Value) > s_cases / 20, Describe(outcomes));
        Assert.True(outcomes.GetValueOrDefault("genuine:403") > s_cases / 20, Describe(outcomes));
        Assert.True(outcomes.GetValueOrDefault("forged:401") > s_cases / 3, Describe(outcomes));
    }

    /// <summary>The identity values the request really carries (a GET has no body, so it carries the query only).</summary>
    private static string[] Sent(Route route, Ask ask, string[] requested) => ask switch
    {
        Ask.Nothing => [],
        Ask.BodyAndQuery when route == Route.ConnectionDetailsGet => [requested[1]],
        Ask.BodyAndQuery => requested,
        _ => [requested[0]],
    };

    private static string Pick(int pick, string sub, string other) => pick switch
    {
        0 => sub,
        1 => other,
        2 => string.Equals(sub.ToUpperInvariant(), sub, StringComparison.Ordinal) ? sub.ToLowerInvariant() : sub.ToUpperInvariant(),
        3 => sub + "x",
        _ => " " + sub,
    };

    private static string? Header(LocalOidcIssuer issuer, Credential credential, string sub, string other)
    {
        var now = DateTime.UtcNow;
        var genuine = issuer.CreateToken(s_issuerKey, s_audience, Claims(sub));
        return credential switch
        {
            Credential.Genuine => "Bearer " + genuine,
            Credential.None => null,
            Credential.WrongScheme => "Basic " + genuine,
            Credential.PayloadSwapped => "Bearer " + ForgedTokens.WithPayloadClaim(genuine, "sub", other),
            Credential.AlgNone => "Bearer " + ForgedTokens.Unsigned(issuer.ValidClaims(s_audience, other)),
            Credential.Hs256WithPublicKey => "Bearer " + ForgedTokens.Hs256WithPublicKey(s_issuerKey, issuer.ValidClaims(s_audience, other)),
            Credential.ForeignKeySameKid => "Bearer " + issuer.CreateToken(s_attackerKey, s_audience, Claims(other)),
            Credential.ForeignRsaKeySameKid => "Bearer " + issuer.CreateToken(s_attackerRsa, s_audience, Claims(other)),
            Credential.WrongAudience => "Bearer " + issuer.CreateToken(s_issuerKey, "api://another-app", Claims(other)),
            Credential.WrongIssuer => "Bearer " + issuer.CreateToken(s_issuerKey, s_audience, Claims(other), issuer: "https://127.0.0.1:1/evil/v2.0"),
            Credential.Expired => "Bearer " + issuer.CreateToken(s_issuerKey, s_audience, Claims(sub), notBefore: now.AddHours(-2), expires: now.AddMinutes(-5)),
            _ => throw new ArgumentOutOfRangeException(nameof(credential)),
        };
    }

    private static Task<FakeHttpResponseData> SendAsync(EndpointHarness harness, string? authorization, Route route, Ask ask, string[] requested)
    {
        var headers = new List<(string, string)>();
        if (authorization is not null)
        {
            headers.Add(("Authorization", authorization));
        }

        var body = new Dictionary<string, string>();
        var query = string.Empty;
        switch (ask)
        {
            case Ask.ParticipantIdentity:
                body[RequestFields.ParticipantIdentity] = requested[0];
                break;
            case Ask.LegacyBodyName:
                body[RequestFields.LegacyParticipantName] = requested[0];
                break;
            case Ask.QueryName:
                query = "?" + RequestFields.LegacyParticipantName + "=" + Uri.EscapeDataString(requested[0]);
                break;
            case Ask.BodyAndQuery:
                body[RequestFields.ParticipantIdentity] = requested[0];
                query = "?" + RequestFields.LegacyParticipantName + "=" + Uri.EscapeDataString(requested[1]);
                break;
            case Ask.Nothing:
                break;
        }

        var json = JsonSerializer.Serialize(body);
        switch (route)
        {
            case Route.TokenJson:
                return harness.PostTokenAsync(json, query: query, headers: [.. headers]);
            case Route.TokenPlainText:
                headers.Add(("Accept", "text/plain"));
                return harness.PostTokenAsync(json, query: query, headers: [.. headers]);
            case Route.ConnectionDetailsGet:
                // GET carries no body: body-only asks move to the query, where the sandbox contract reads them.
                var getQuery = ask is Ask.ParticipantIdentity or Ask.LegacyBodyName ? "?" + RequestFields.LegacyParticipantName + "=" + Uri.EscapeDataString(requested[0]) : query;
                return harness.ConnectionDetailsAsync("GET", getQuery, body: null, contentType: null, headers: [.. headers]);
            default:
                return harness.ConnectionDetailsAsync("POST", query, json, headers: [.. headers]);
        }
    }

    private static string TokenOf(FakeHttpResponseData response, Route route) => route switch
    {
        Route.TokenJson => StrictDecoders.DecodeTokenResponse(response.BodyText).ParticipantToken,
        Route.TokenPlainText => response.BodyText,
        _ => StrictDecoders.DecodeConnectionDetails(response.BodyText).ParticipantToken,
    };

    private static Dictionary<string, object> Claims(string sub) => new() { ["sub"] = sub, ["name"] = "Display " + sub };


    private static string Describe(Dictionary<string, int> outcomes) =>
        string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}"));
}
