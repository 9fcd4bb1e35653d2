using Microsoft.Extensions.Logging;
using Moq;
using TokenFunction.Auth;
using TokenFunction.Secrets;
using TokenFunction.Tests.Support.Auth;
using TokenFunction.Tests.Support.Http;
using TokenFunction.Tests.Support.LiveKit;

namespace TokenFunction.Tests.Http;

/// <summary>Over good and bad requests, no log line carries the API secret or any token issued.</summary>
public sealed class LogCaptureTests
{
    [Fact]
    public async Task No_log_line_contains_the_secret_or_an_issued_token()
    {
        using var harness = new EndpointHarness(new Dictionary<string, string?> { ["TokenPolicy:AllowedAgentNames"] = "helper" });
        var tokens = new List<string>();
        string[] good =
        [
            "{}",
            """{"room_name":"r","participant_identity":"i","participant_name":"n","participant_metadata":"m","participant_attributes":{"a":"b"}}""",
            """{"roomName":"demo-room","participantName":"demo-user"}""",
            """{"room_config":{"agents":[{"agent_name":"helper"}]},"ttl":120}""",
        ];
        foreach (var body in good)
        {
            tokens.Add(EndpointAssert.Token(harness, await harness.PostTokenAsync(body)).Body.ParticipantToken);
        }

        tokens.Add((await harness.PostTokenAsync("{}", headers: ("Accept", "text/plain"))).BodyText);
        tokens.Add(StrictDecoders.DecodeConnectionDetails((await harness.ConnectionDetailsAsync("GET", "?roomName=x")).BodyText).ParticipantToken);

        // A caller who echoes an issued token back in every field it can, and the secret too: refusals must not log them.
        var echoed = tokens[0];
        string[] bad =
        [
            "{",
            $$"""{"room_name":"{{echoed}}{{new string('x', 300)}}"}""",
            $$"""{"participant_identity":"{{harness.ApiSecret}}\u0000"}""",
            $$"""{"room_admin":"{{echoed}}"}""",
            $$"""{"{{harness.ApiSecret}}":1,"ttl":-1}""",
            $$$"""{"room_config":{"agents":[{"agent_name":"{{{echoed}}}"}]}}""",
            """{"room_config":{"egress":{"s3":{"secret":""" + "\"" + harness.ApiSecret + "\"}}}}",
            $$"""{"ttl":"{{echoed}}"}""",
        ];
        foreach (var body in bad)
        {
            var response = await harness.PostTokenAsync(body);
            Assert.InRange((int)response.StatusCode, 400, 499);
            Assert.DoesNotContain(harness.ApiSecret, response.BodyText, StringComparison.Ordinal);
            Assert.DoesNotContain(echoed, response.BodyText, StringComparison.Ordinal);
        }

        var leaks = LogScanner.Leaks(harness.Logs.GetSnapshot(), harness.ApiSecret, tokens);
        Assert.Empty(leaks);

        var verdicts = await LiveKitJudge.VerifyAsync(tokens.Select(t => (t, EndpointHarness.ApiKey, harness.ApiSecret)), harness.Clock.GetUtcNow());
        Assert.All(verdicts, v => Assert.True(v.Ok, v.Error));

        // The scan itself must be able to see a leak: it does when a line carries a token or the secret.
        var issued = harness.Logs.GetSnapshot().Count(r => r.Id.Id == 1);
        Assert.Equal(tokens.Count, issued);
        var logger = (ILogger)harness.Services.GetService(typeof(ILogger<LogCaptureTests>))!;
        logger.Log(LogLevel.Information, default, tokens[^1], null, static (state, _) => "oops " + state);
        logger.Log(LogLevel.Information, default, harness.ApiSecret, null, static (state, _) => "oops " + state);
        Assert.Equal(2, LogScanner.Leaks(harness.Logs.GetSnapshot(), harness.ApiSecret, tokens).Count);
    }

    [Fact]
    public async Task Failure_paths_log_without_the_secret()
    {
        const string HeaderValue = "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJlLW9mLWEtY2FsbGVyLXRva2Vu";
        var authenticator = CallerAuthenticators.Answering(CallerAuthenticationResult.Failure("The bearer token is invalid.", "Bearer"));
        using (var harness = new EndpointHarness(authenticator: authenticator.Object))
        {
            EndpointAssert.Problem(await harness.PostTokenAsync("{}", headers: ("Authorization", HeaderValue)), 401);
            Assert.DoesNotContain(harness.Logs.GetSnapshot(), r => r.Message.Contains("eyJ", StringComparison.Ordinal));
        }

        var keys = new Mock<IApiCredentialsProvider>();
        keys.Setup(k => k.GetCredentialsAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new SecretUnavailableException("Vault unreachable."));
        using (var harness = new EndpointHarness(apiCredentialsProvider: keys.Object))
        {
            EndpointAssert.Problem(await harness.PostTokenAsync("{}"), 503);
            var warning = Assert.Single(harness.Logs.GetSnapshot(), r => r.Level == LogLevel.Warning);
            Assert.DoesNotContain(harness.ApiSecret, warning.Message + warning.Exception, StringComparison.Ordinal);
        }
    }
}
