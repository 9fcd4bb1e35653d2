using Moq;
using TokenFunction.Auth;
using TokenFunction.Contract;
using TokenFunction.Secrets;
using TokenFunction.Tests.Support.Auth;
using TokenFunction.Tests.Support.Http;
using TokenFunction.Tests.Support.Telemetry;
using static TokenFunction.Telemetry.TokenServiceTelemetry;

namespace TokenFunction.Tests.Telemetry;

/// <summary>Each endpoint instrument is emitted, with the right tags, on the path that should emit it.</summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class EndpointTelemetryTests
{
    [Fact]
    public async Task An_issued_token_is_counted_by_route_and_auth_mode_and_its_time_recorded()
    {
        using var capture = new TelemetryCapture();
        using var anonymous = new EndpointHarness();
        using var bearer = new EndpointHarness(authenticator: CallerAuthenticators.Answering(
            CallerAuthenticationResult.Success(new AuthenticatedCaller("alice", "Alice", null))).Object);

        EndpointAssert.Token(anonymous, await anonymous.PostTokenAsync(RequestJson.Of((RequestFields.RoomName, "r"))));
        await anonymous.ConnectionDetailsAsync("GET", "?roomName=r&participantName=p");
        EndpointAssert.Token(bearer, await bearer.PostTokenAsync("{}"));

        Assert.Equal(1, capture.Sum(Instruments.TokensIssued, (Tags.Route, "token"), (Tags.AuthMode, "anonymous")));
        Assert.Equal(1, capture.Sum(Instruments.TokensIssued, (Tags.Route, "connection-details"), (Tags.AuthMode, "anonymous")));
        Assert.Equal(1, capture.Sum(Instruments.TokensIssued, (Tags.Route, "token"), (Tags.AuthMode, "bearer")));
        Assert.Equal(3, capture.Sum(Instruments.TokensIssued));
        Assert.Empty(capture.Of(Instruments.RequestsRefused));

        var durations = capture.Of(Instruments.RequestDuration);
        Assert.Equal(3, durations.Count);
        Assert.Equal(["201", "200", "201"], durations.Select(d => d.Tags[Tags.Status]));
        Assert.All(durations, d => Assert.InRange(d.Value, 0, 60));
    }

    [Theory]
    [InlineData("""{"room_name":5}""", "application/json", 400, "room_name")]
    [InlineData("{", "application/json", 400, "body")]
    [InlineData("""{"ttl":0}""", "application/json", 400, "ttl")]
    [InlineData("""{"participant_attributes":{"k":5}}""", "application/json", 400, "participant_attributes")]
    [InlineData("""{"room_name":"r"}""", "text/plain", 415, "content_type")]
    [InlineData("""{"room_admin":true}""", "application/json", 403, "privileged_grant")]
    [InlineData("""{"Room_Admin":true}""", "application/json", 403, "privileged_grant")]
    [InlineData("""{"room_config":{"egress":{"room":{}}}}""", "application/json", 403, "room_config")]
    [InlineData("""{"can_update_own_metadata":true}""", "application/json", 403, "can_update_own_metadata")]
    [InlineData("""{"participant_identity":"x","participant_attributes":{"caller-chosen-key":5}}""", "application/json", 400, "participant_attributes")]
    public async Task Each_refusal_is_counted_with_its_status_and_a_fixed_reason(string body, string contentType, int status, string reason)
    {
        using var capture = new TelemetryCapture();
        using var harness = new EndpointHarness();

        EndpointAssert.Problem(await harness.PostTokenAsync(body, contentType), status);

        var refused = Assert.Single(capture.Of(Instruments.RequestsRefused));
        Assert.Equal("token", refused.Tags[Tags.Route]);
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Tags[Tags.Status]);
        Assert.Equal(reason, refused.Tags[Tags.Reason]);
        Assert.Equal(0, capture.Sum(Instruments.TokensIssued));
    }

    [Fact]
    public async Task A_body_over_the_cap_is_counted_as_413_body()
    {
        using var capture = new TelemetryCapture();
        using var harness = new EndpointHarness(new Dictionary<string, string?> { ["TokenPolicy:MaxRequestBodyBytes"] = "1024" });

        EndpointAssert.Problem(await harness.PostTokenAsync($$"""{"room_name":"{{new string('r', 2000)}}"}"""), 413);

        Assert.Equal(1, capture.Sum(Instruments.RequestsRefused, (Tags.Status, "413"), (Tags.Reason, "body")));
    }

    [Fact]
    public async Task A_failed_authentication_is_a_refusal_with_reason_authentication()
    {
        using var capture = new TelemetryCapture();
        using var harness = new EndpointHarness(authenticator: CallerAuthenticators.Answering(CallerAuthenticationResult.Failure("expired", "Bearer")).Object);

        EndpointAssert.Problem(await harness.ConnectionDetailsAsync("GET"), 401);

        Assert.Equal(1, capture.Sum(Instruments.RequestsRefused, (Tags.Route, "connection-details"), (Tags.Status, "401"), (Tags.Reason, "authentication")));
    }

    [Fact]
    public async Task Each_503_is_counted_by_its_cause()
    {
        using var capture = new TelemetryCapture();
        var keys = new Mock<IApiCredentialsProvider>();
        keys.Setup(k => k.GetCredentialsAsync(It.IsAny<CancellationToken>()))
            .ThrowsAsync(new SecretUnavailableException("Key Vault did not answer.", TimeSpan.FromSeconds(2)));
        var idp = new Mock<ICallerAuthenticator>();
        idp.SetupGet(a => a.IsEnabled).Returns(true);
        idp.Setup(a => a.AuthenticateAsync(It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new CallerAuthenticationUnavailableException("down"));
        using var noSecret = new EndpointHarness(apiCredentialsProvider: keys.Object);
        using var noIssuer = new EndpointHarness(authenticator: idp.Object);

        EndpointAssert.Problem(await noSecret.PostTokenAsync("{}"), 503);
        EndpointAssert.Problem(await noSecret.PostTokenAsync("{}"), 503);
        EndpointAssert.Problem(await noIssuer.ConnectionDetailsAsync("GET"), 503);

        Assert.Equal(2, capture.Sum(Instruments.Unavailable, (Tags.Route, "token"), (Tags.Cause, Causes.SecretUnavailable)));
        Assert.Equal(1, capture.Sum(Instruments.Unavailable, (Tags.Route, "connection-details"), (Tags.Cause, Causes.IdentityProviderUnavailable)));
        Assert.Equal(3, capture.Of(Instruments.RequestDuration).Count(d => d.Tags[Tags.Status] == "503"));
        Assert.Empty(capture.Of(Instruments.RequestsRefused));
    }

    [Fact]
    public async Task A_500_is_recorded_with_its_status_so_the_5xx_alert_sees_it()
    {
        using var capture = new TelemetryCapture();
        var keys = new Mock<IApiCredentialsProvider>();
        keys.Setup(k => k.GetCredentialsAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("bug"));
        using var harness = new EndpointHarness(apiCredentialsProvider: keys.Object);

        EndpointAssert.Problem(await harness.PostTokenAsync("{}"), 500);

        Assert.Equal("500", Assert.Single(capture.Of(Instruments.RequestDuration)).Tags[Tags.Status]);
    }

    [Fact]
    public void Recording_on_the_hot_path_does_not_allocate_while_a_listener_collects()
    {
        using var capture = new AllocationFreeListener();
        RequestRefused("token", 403, "room_admin");
        TokenIssued("token", authenticated: false);
        RequestCompleted("token", 201, System.Diagnostics.Stopwatch.GetTimestamp());

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            TokenIssued("token", authenticated: false);
            RequestRefused("token", 403, "room_admin");
            RequestCompleted("token", 201, System.Diagnostics.Stopwatch.GetTimestamp());
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(3003, capture.Count);
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData(null, "other")]
    [InlineData("", "other")]
    [InlineData(RequestFields.LegacyRoomName, "room_name")]
    [InlineData(RequestFields.LegacyParticipantName, "participant_name")]
    [InlineData(RequestFields.Agents.Path + "[0]." + RequestFields.Agents.AgentName, "room_config")]
    [InlineData(RequestFields.ContentType, "content_type")]
    [InlineData("SIP_Admin", "privileged_grant")]
    [InlineData("alice@example.com", "other")]
    [InlineData("(unnamed)", "other")]
    public void Refusal_reasons_come_from_a_fixed_set(string? field, string reason) =>
        Assert.Equal(reason, RefusalReason(403, field));

    /// <summary>A listener whose callbacks only count, so any allocation measured is the instruments' own.</summary>
    private sealed class AllocationFreeListener : IDisposable
    {
        private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
        private int _count;

        public AllocationFreeListener()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref _count));
            _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _count));
            _listener.Start();
        }

        public int Count => Volatile.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
