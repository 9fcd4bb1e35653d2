using System.Diagnostics;
using TokenFunction.Tests.Auth;
using TokenFunction.Tests.Support.Auth;
using TokenFunction.Tests.Support.Telemetry;
using static TokenFunction.Telemetry.TokenServiceTelemetry;

namespace TokenFunction.Tests.Telemetry;

/// <summary>Bearer failures by reason, forced metadata refreshes and the metadata fetch spans, with the loopback issuer.</summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class BearerTelemetryTests
{
    private const string s_audience = "api://token-service";
    private static readonly IssuerKey s_key = IssuerKey.Rsa("rsa-telemetry");
    private static readonly IssuerKey s_rolled = IssuerKey.Rsa("rsa-rolled");

    [Fact]
    public async Task Each_bearer_failure_is_counted_by_reason()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_key);
        using var harness = new BearerCallerAuthenticatorTests.Harness(issuer);
        using var capture = new TelemetryCapture();
        var past = DateTime.UtcNow.AddHours(-3);

        await Fail(null);
        await Fail("Basic abc");
        await Fail("Bearer " + issuer.CreateToken(s_key, s_audience, notBefore: past, expires: past.AddHours(1)));
        await Fail("Bearer " + issuer.CreateToken(s_key, "api://someone-else"));
        await Fail("Bearer " + issuer.CreateToken(s_key, s_audience, issuer: "https://127.0.0.1:1/other"));
        await Fail("Bearer " + ForgedTokens.WithTamperedSignature(issuer.CreateToken(s_key, s_audience)));
        await Fail("Bearer " + issuer.CreateToken(s_rolled, s_audience));
        await Fail("Bearer " + issuer.CreateToken(s_key, s_audience, new Dictionary<string, object> { ["name"] = "no sub" }));

        Assert.Equal(2, capture.Sum(Instruments.BearerFailures, (Tags.Reason, "missing")));
        foreach (var reason in new[] { "expired", "audience", "issuer", "signature", "unknown_key", "identity_claim" })
        {
            Assert.True(capture.Sum(Instruments.BearerFailures, (Tags.Reason, reason)) == 1, reason);
        }

        Assert.Equal(8, capture.Sum(Instruments.BearerFailures));

        async Task Fail(string? header) => Assert.False((await harness.Authenticator.AuthenticateAsync(header, default)).Succeeded);
    }

    [Fact]
    public async Task A_token_refused_for_its_typ_header_is_tagged_token_type()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_key);
        using var harness = new BearerCallerAuthenticatorTests.Harness(issuer, o => o.ValidTypes = "at+jwt");
        using var capture = new TelemetryCapture();

        var result = await harness.Authenticator.AuthenticateAsync("Bearer " + issuer.CreateToken(s_key, s_audience, tokenType: "JWT"), default);

        Assert.False(result.Succeeded);
        var measured = Assert.Single(capture.Of(Instruments.BearerFailures));
        Assert.Equal("token_type", measured.Tags[Tags.Reason]);
    }

    [Fact]
    public async Task An_unknown_key_forces_one_refresh_and_each_metadata_read_has_a_span()
    {
        await using var issuer = await LocalOidcIssuer.StartAsync(s_key);
        using var harness = new BearerCallerAuthenticatorTests.Harness(issuer);
        using var capture = new TelemetryCapture();
        using var invocations = new ActivitySource("TokenFunction.Tests.Invocation");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == invocations.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        using (var invocation = invocations.StartActivity("invocation")!)
        {
            await harness.CallerAsync(issuer.CreateToken(s_key, s_audience));
            var reads = capture.Spans.Where(s => s.OperationName == Spans.MetadataFetch).ToList();
            Assert.Equal(2, reads.Count);   // discovery document and keys
            Assert.All(reads, s => Assert.Equal(invocation.SpanId, s.ParentSpanId));
        }

        Assert.Equal(0, capture.Sum(Instruments.MetadataRefreshes));
        issuer.Publish(s_key, s_rolled);
        await harness.CallerAsync(issuer.CreateToken(s_rolled, s_audience));

        Assert.Equal(1, capture.Sum(Instruments.MetadataRefreshes));
        Assert.Equal(4, capture.Spans.Count(s => s.OperationName == Spans.MetadataFetch));
        Assert.Equal(0, capture.Sum(Instruments.BearerFailures));
    }
}
