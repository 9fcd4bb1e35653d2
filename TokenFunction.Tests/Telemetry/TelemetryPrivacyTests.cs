using System.Security.Cryptography;
using TokenFunction.Contract;
using TokenFunction.Secrets;
using TokenFunction.Telemetry;
using TokenFunction.Tests.Auth;
using TokenFunction.Tests.Support.Auth;
using TokenFunction.Tests.Support.Http;
using TokenFunction.Tests.Support.Secrets;
using TokenFunction.Tests.Support.Telemetry;
using static TokenFunction.Telemetry.TokenServiceTelemetry;

namespace TokenFunction.Tests.Telemetry;

/// <summary>
/// Drives every instrumented path with values that cannot occur by chance (identities, rooms, names, metadata, the
/// caller's bearer token, the API key and secret from the vault), then scans everything the meter and the activity
/// source emitted: none of them may appear, and every tag must come from a fixed set.
/// </summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class TelemetryPrivacyTests
{
    private const string s_audience = "api://token-service";
    private static readonly IssuerKey s_key = IssuerKey.Rsa("rsa-privacy");

    // Tag keys and the values each may take; anything else is a leak or unbounded cardinality.
    private static readonly Dictionary<string, HashSet<string>?> s_allowed = new()
    {
        [Tags.Route] = ["token", "connection-details"],
        [Tags.AuthMode] = ["anonymous", "bearer"],
        [Tags.Status] = null, // checked as a 3-digit number below
        // The product's two lists (request refusals, bearer failures): the test checks nothing outside them is emitted.
        [Tags.Reason] = [.. RefusalReasons.All, .. Enum.GetValues<BearerFailureReason>().Select(ReasonTag)],
        [Tags.Cause] = [Causes.SecretUnavailable, Causes.IdentityProviderUnavailable],
        [Tags.Outcome] = [Outcomes.Ok, Outcomes.Throttled, Outcomes.Failed, Outcomes.TimedOut],
    };

    [Fact]
    public void Every_reason_tag_is_a_fixed_snake_case_word()
    {
        // Fixed words only: a reason list that grew a value from a request would show here first.
        Assert.All(s_allowed[Tags.Reason]!, r => Assert.Matches("^[a-z][a-z_]*[a-z]$", r));
        Assert.Contains("token_type", s_allowed[Tags.Reason]!);
        Assert.Equal(s_allowed[Tags.Reason]!.Count, RefusalReasons.All.Count + Enum.GetValues<BearerFailureReason>().Length);
    }

    [Fact]
    public async Task Nothing_emitted_carries_an_identity_a_room_a_token_a_key_or_a_secret()
    {
        var tag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var identity = "identity-" + tag;
        var room = "room-" + tag;
        var name = "name-" + tag;
        var metadata = "metadata-" + tag;
        var apiKey = "APIkey" + tag;
        var secret = "secret-" + tag;
        var subject = "subject-" + tag;
        var oddField = "field" + tag;
        using var capture = new TelemetryCapture();

        // Key Vault: a throttled read, then the pair (with a key tag) that signs everything below.
        using var vault = new KeyVaultHarness();
        vault.Fails(FakeResponse.Failure(429, "Throttled", ("Retry-After", "1")));
        await Assert.ThrowsAsync<SecretUnavailableException>(async () => await vault.Provider.GetCredentialsAsync());
        vault.Returns(secret, "v-" + tag, apiKey);
        await vault.AdvanceAsync(TimeSpan.FromSeconds(1));
        capture.CollectGauges();

        // Bearer mode against the loopback issuer: good and bad tokens for a sentinel subject.
        await using var issuer = await LocalOidcIssuer.StartAsync(s_key);
        // The sentinel metadata must reach the token (and so every place it could leak from): bearer callers may set it.
        using var bearer = new BearerCallerAuthenticatorTests.Harness(issuer);
        var good = issuer.CreateToken(s_key, s_audience, new Dictionary<string, object> { ["sub"] = subject, ["name"] = name });
        var bad = ForgedTokens.WithTamperedSignature(good);
        using (var endpoint = new EndpointHarness(new Dictionary<string, string?> { ["CallerChoices:AllowMetadata"] = "true" }, authenticator: bearer.Authenticator, apiCredentialsProvider: vault.Provider))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, (await endpoint.PostTokenAsync(RequestJson.Of((RequestFields.RoomName, room), (RequestFields.ParticipantMetadata, metadata)), headers: ("Authorization", "Bearer " + good))).StatusCode);
            EndpointAssert.Problem(await endpoint.PostTokenAsync("{}", headers: ("Authorization", "Bearer " + bad)), 401);
            EndpointAssert.Problem(await endpoint.PostTokenAsync(RequestJson.Of((RequestFields.ParticipantIdentity, identity)), headers: ("Authorization", "Bearer " + good)), 403);
        }

        // Anonymous: issued tokens and refusals whose fields the caller named.
        using (var endpoint = new EndpointHarness(apiCredentialsProvider: vault.Provider))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, (await endpoint.PostTokenAsync(RequestJson.Of((RequestFields.RoomName, room), (RequestFields.ParticipantIdentity, identity), (RequestFields.ParticipantName, name)))).StatusCode);
            await endpoint.ConnectionDetailsAsync("GET", $"?roomName={room}&participantName={identity}");
            EndpointAssert.Problem(await endpoint.PostTokenAsync($$"""{"{{oddField}}_admin":true,"room_admin":true}"""), 403);
            EndpointAssert.Problem(await endpoint.PostTokenAsync($$$"""{"participant_attributes":{"{{{oddField}}}":5}}"""), 400);
            EndpointAssert.Problem(await endpoint.PostTokenAsync($$$"""{"room_config":{"{{{oddField}}}":1}}"""), 403);
            EndpointAssert.Problem(await endpoint.PostTokenAsync($$"""{"room_name":"{{room}}\u0001"}"""), 400);
        }

        // Every kind of instrument was exercised, so the scan below had something to read.
        foreach (var instrument in new[] { Instruments.TokensIssued, Instruments.RequestsRefused, Instruments.RequestDuration, Instruments.KeyVaultFetches, Instruments.KeyPairAge, Instruments.BearerFailures })
        {
            Assert.NotEmpty(capture.Of(instrument));
        }

        Assert.Contains(capture.Spans, s => s.OperationName == Spans.KeyVaultFetch);
        Assert.Contains(capture.Spans, s => s.OperationName == Spans.MetadataFetch);

        var text = capture.AllText().ToList();
        string[] forbidden = [tag, identity, room, name, metadata, apiKey, secret, subject, oddField, good, bad, good.Split('.')[1], good.Split('.')[2]];
        foreach (var value in forbidden)
        {
            Assert.DoesNotContain(text, t => t.Contains(value, StringComparison.OrdinalIgnoreCase));
        }

        foreach (var measured in capture.Measurements)
        {
            Assert.Contains(measured.Instrument, Instruments.All);
            foreach (var (key, value) in measured.Tags)
            {
                Assert.True(s_allowed.TryGetValue(key, out var values), $"unexpected tag key {key} on {measured.Instrument}");
                if (values is null)
                {
                    Assert.Matches("^[1-5][0-9][0-9]$", value);
                }
                else
                {
                    Assert.True(values.Contains(value!), $"unexpected {key}={value} on {measured.Instrument}");
                }
            }
        }

        foreach (var span in capture.Spans)
        {
            Assert.Contains(span.OperationName, new[] { Spans.KeyVaultFetch, Spans.MetadataFetch });
            Assert.All(span.TagObjects, t => Assert.Equal(Tags.Outcome, t.Key));
        }
    }
}
