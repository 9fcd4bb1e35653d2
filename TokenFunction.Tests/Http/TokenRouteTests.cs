using System.Text;
using TokenFunction.Contract;
using TokenFunction.Functions;
using TokenFunction.Http;
using TokenFunction.LiveKit;
using TokenFunction.Tests.Support.Contract;
using TokenFunction.Tests.Support.Fakes;
using TokenFunction.Tests.Support.Http;
using TokenFunction.Tests.Support.LiveKit;

namespace TokenFunction.Tests.Http;

public sealed class TokenRouteTests : IDisposable
{
    private readonly EndpointHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"room_config":{}}""")]
    [InlineData("""  {"unknown_newer_field":{"x":[1,2,3]},"another":true}  """)]
    public async Task Missing_values_are_generated_with_the_policy_defaults(string? body)
    {
        var response = await _harness.PostTokenAsync(body);

        var (decoded, verified) = EndpointAssert.Token(_harness, response);
        Assert.Matches("^room-[a-z2-9]{12}$", decoded.RoomName);
        Assert.Matches("^user-[a-z2-9]{12}$", decoded.ParticipantIdentity);
        Assert.Equal(decoded.ParticipantIdentity, decoded.ParticipantName);
        var video = verified.Claims!.Video!;
        Assert.True(video.CanPublish);
        Assert.True(video.CanSubscribe);
        Assert.True(video.CanPublishData);
        Assert.Null(video.CanUpdateOwnMetadata);
        Assert.Empty(JwtParts.UnissuedClaims(decoded.ParticipantToken));
        Assert.Null(verified.Claims.RoomConfig);
        Assert.Equal(TimeSpan.FromMinutes(15), verified.ExpiresAt - verified.NotBefore);
        Assert.Equal(_harness.Clock.GetUtcNow(), verified.NotBefore);
    }

    [Fact]
    public async Task Two_requests_get_different_generated_rooms_and_identities()
    {
        var first = StrictDecoders.DecodeTokenResponse((await _harness.PostTokenAsync("{}")).BodyText);
        var second = StrictDecoders.DecodeTokenResponse((await _harness.PostTokenAsync("{}")).BodyText);
        Assert.NotEqual(first.RoomName, second.RoomName);
        Assert.NotEqual(first.ParticipantIdentity, second.ParticipantIdentity);
    }

    [Fact]
    public async Task The_standard_fields_are_carried_into_the_token()
    {
        var response = await _harness.PostTokenAsync("""
            {"room_name":"standup","participant_identity":"alice","participant_name":"Alice A.",
             "participant_metadata":"{\"team\":\"red\"}","participant_attributes":{"role":"host","emoji":"🎤"}}
            """);

        var (body, verified) = EndpointAssert.Token(_harness, response);
        Assert.Equal(("standup", "alice", "Alice A."), (body.RoomName, body.ParticipantIdentity, body.ParticipantName));
        Assert.Equal("{\"team\":\"red\"}", verified.Claims!.Metadata);
        Assert.Equal(new Dictionary<string, string> { ["role"] = "host", ["emoji"] = "🎤" }, verified.Claims.Attributes);
    }

    [Fact]
    public async Task Legacy_camelCase_body_sets_room_identity_and_name()
    {
        var (body, _) = EndpointAssert.Token(_harness, await _harness.PostTokenAsync("""{"roomName":"demo-room","participantName":"demo-user"}"""));
        Assert.Equal(("demo-room", "demo-user", "demo-user"), (body.RoomName, body.ParticipantIdentity, body.ParticipantName));
    }

    [Fact]
    public async Task Legacy_query_parameters_are_honoured_and_participant_name_still_wins_for_the_name()
    {
        var (body, _) = EndpointAssert.Token(_harness, await _harness.PostTokenAsync("""{"participant_name":"Bob"}""", query: "?roomName=q-room&participantName=bob&code=ignored"));
        Assert.Equal(("q-room", "bob", "Bob"), (body.RoomName, body.ParticipantIdentity, body.ParticipantName));
    }

    [Theory]
    [InlineData("""{"room_name":"a","roomName":"b"}""", "", RequestFields.LegacyRoomName)]
    [InlineData("""{"room_name":"a"}""", "?roomName=b", RequestFields.LegacyRoomName)]
    [InlineData("""{"participant_identity":"a","participantName":"b"}""", "", RequestFields.LegacyParticipantName)]
    public async Task Conflicting_spellings_are_refused_naming_the_field(string body, string query, string field)
    {
        EndpointAssert.Problem(await _harness.PostTokenAsync(body, query: query), 400, field);
    }

    [Fact]
    public async Task Accept_text_plain_gets_the_bare_jwt()
    {
        var response = await _harness.PostTokenAsync("""{"roomName":"demo-room","participantName":"demo-user"}""", headers: ("Accept", "text/plain"));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Header("Content-Type"));
        Assert.Equal("no-store", response.Header("Cache-Control"));
        var verified = _harness.Verifier.Verify(response.BodyText);
        Assert.True(verified.IsValid, verified.FailureReason);
        Assert.Equal("demo-user", verified.Subject);
    }

    [Theory]
    [InlineData("text/plain, application/json")]
    [InlineData("application/json")]
    [InlineData("*/*")]
    public async Task Anyone_accepting_json_gets_json(string accept)
    {
        EndpointAssert.Token(_harness, await _harness.PostTokenAsync("{}", headers: ("Accept", accept)));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"room_name":"a",}""")]
    [InlineData("""{"room_name":"a"} trailing""")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("""{"room_name": /* comment */ "a"}""")]
    public async Task Malformed_json_is_a_400_problem(string body)
    {
        EndpointAssert.Problem(await _harness.PostTokenAsync(body), 400);
    }

    [Theory]
    [InlineData("""{"room_name":42}""", RequestFields.RoomName)]
    [InlineData("""{"participant_identity":true}""", RequestFields.ParticipantIdentity)]
    [InlineData("""{"participant_attributes":{"a":1}}""", "participant_attributes.a")]
    [InlineData("""{"participant_attributes":["a"]}""", RequestFields.ParticipantAttributes)]
    [InlineData("""{"ttl":"ten minutes"}""", RequestFields.Ttl)]
    [InlineData("""{"ttl":1e400}""", RequestFields.Ttl)]
    [InlineData("""{"room_config":[]}""", RequestFields.RoomConfig)]
    [InlineData("""{"can_publish":"no"}""", RequestFields.CanPublish)]
    public async Task Wrong_json_types_are_a_400_naming_the_field(string body, string field)
    {
        EndpointAssert.Problem(await _harness.PostTokenAsync(body), 400, field);
    }

    [Fact]
    public async Task Duplicate_keys_are_refused_rather_than_guessed()
    {
        EndpointAssert.Problem(await _harness.PostTokenAsync("""{"participant_identity":"alice","participant_identity":"admin"}"""), 400, RequestFields.ParticipantIdentity);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=latin1")]
    [InlineData(null)]
    public async Task A_body_that_is_not_json_is_415(string? contentType)
    {
        EndpointAssert.Problem(await _harness.PostTokenAsync("""{"room_name":"a"}""", contentType), 415, RequestFields.ContentType);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON;charset=\"UTF-8\"")]
    public async Task Json_content_types_with_utf8_are_accepted(string contentType)
    {
        EndpointAssert.Token(_harness, await _harness.PostTokenAsync("{}", contentType));
    }

    [Fact]
    public async Task An_oversize_body_is_413_even_without_content_length()
    {
        var body = "{\"participant_metadata\":\"" + new string('a', 70 * 1024) + "\"}";
        EndpointAssert.Problem(await _harness.PostTokenAsync(body), 413, RequestFields.Body);
    }

    [Fact]
    public async Task A_body_longer_than_its_content_length_claims_is_still_capped()
    {
        var body = "{\"participant_metadata\":\"" + new string('a', 70 * 1024) + "\"}";
        EndpointAssert.Problem(await _harness.PostTokenAsync(body, headers: ("Content-Length", "20")), 413, RequestFields.Body);
    }

    [Fact]
    public async Task A_declared_oversize_body_is_refused_before_reading_it()
    {
        var stream = new ThrowingStream();
        var headers = new Microsoft.Azure.Functions.Worker.Http.HttpHeadersCollection();
        headers.TryAddWithoutValidation("Content-Type", "application/json");
        headers.TryAddWithoutValidation("Content-Length", "100000000");
        var request = new FakeHttpRequestData(new FakeFunctionContext(_harness.Services), "POST", "http://localhost/api/token", stream, headers);
        var response = (FakeHttpResponseData)await new TokenRouteFunction(
            (TokenEndpoint)_harness.Services.GetService(typeof(TokenEndpoint))!).Run(request);
        EndpointAssert.Problem(response, 413, RequestFields.Body);
    }

    [Fact]
    public async Task A_body_at_the_limit_is_read()
    {
        var prefix = "{\"participant_metadata\":\"";
        var body = prefix + new string('a', (16 * 1024) - 1) + "\"}";
        body += new string(' ', (64 * 1024) - Encoding.UTF8.GetByteCount(body));
        Assert.Equal(64 * 1024, Encoding.UTF8.GetByteCount(body));
        EndpointAssert.Token(_harness, await _harness.PostTokenAsync(body));
    }

    [Theory]
    [InlineData(RequestFields.RoomName, 257)]
    [InlineData(RequestFields.ParticipantIdentity, 257)]
    [InlineData(RequestFields.ParticipantName, 257)]
    public async Task Names_longer_than_livekit_allows_are_400(string field, int length)
    {
        EndpointAssert.Problem(await _harness.PostTokenAsync($$"""{"{{field}}":"{{new string('x', length)}}"}"""), 400, field);
        EndpointAssert.Token(_harness, await _harness.PostTokenAsync($$"""{"{{field}}":"{{new string('x', length - 1)}}"}"""));
    }

    [Fact]
    public async Task Length_limits_count_utf8_bytes_as_livekit_does()
    {
        // 86 × "é" = 172 bytes is fine; 129 × "é" = 258 bytes is not, though only 129 characters.
        EndpointAssert.Token(_harness, await _harness.PostTokenAsync($$"""{"room_name":"{{new string('é', 86)}}"}"""));
        EndpointAssert.Problem(await _harness.PostTokenAsync($$"""{"room_name":"{{new string('é', 129)}}"}"""), 400, RequestFields.RoomName);
    }

    [Theory]
    [InlineData(RequestFields.RoomName, "a\\u0000b")]
    [InlineData(RequestFields.ParticipantIdentity, "a\\nb")]
    [InlineData(RequestFields.ParticipantName, "a\\u007fb")]
    [InlineData(RequestFields.RoomName, "a\\u0085b")]
    [InlineData(RequestFields.ParticipantIdentity, "\\ud800")]
    [InlineData(RequestFields.ParticipantMetadata, "\\udc00x")]
    public async Task Control_characters_and_broken_unicode_are_400(string field, string escaped)
    {
        EndpointAssert.Problem(await _harness.PostTokenAsync($$"""{"{{field}}":"{{escaped}}"}"""), 400, field);
    }

    [Fact]
    public async Task Metadata_may_carry_newlines_but_not_more_than_the_limit()
    {
        EndpointAssert.Token(_harness, await _harness.PostTokenAsync("""{"participant_metadata":"line1\nline2"}"""));
        EndpointAssert.Problem(await _harness.PostTokenAsync($$"""{"participant_metadata":"{{new string('m', (16 * 1024) + 1)}}"}"""), 400, RequestFields.ParticipantMetadata);
    }

    [Fact]
    public async Task Attributes_over_the_limit_or_with_empty_keys_are_400()
    {
        EndpointAssert.Problem(await _harness.PostTokenAsync($$$"""{"participant_attributes":{"k":"{{{new string('v', 16 * 1024)}}}"}}"""), 400, RequestFields.ParticipantAttributes);
        EndpointAssert.Problem(await _harness.PostTokenAsync("""{"participant_attributes":{"":"v"}}"""), 400, RequestFields.ParticipantAttributes);
        EndpointAssert.Problem(await _harness.PostTokenAsync("""{"participant_attributes":{"k":null}}"""), 400, RequestFields.ParticipantAttributes);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(3601)]
    public async Task A_ttl_outside_policy_is_400(long ttl)
    {
        EndpointAssert.Problem(await _harness.PostTokenAsync($$"""{"ttl":{{ttl}}}"""), 400, RequestFields.Ttl);
    }

    [Fact]
    public async Task A_ttl_within_policy_sets_the_lifetime()
    {
        var (_, verified) = EndpointAssert.Token(_harness, await _harness.PostTokenAsync("""{"ttl":60}"""));
        Assert.Equal(TimeSpan.FromSeconds(60), verified.ExpiresAt - verified.NotBefore);
    }

    [Theory]
    [InlineData("""{"room_admin":true}""", "room_admin")]
    [InlineData("""{"roomAdmin":true}""", "roomAdmin")]
    [InlineData("""{"roomCreate":1}""", "roomCreate")]
    [InlineData("""{"hidden":true}""", "hidden")]
    [InlineData("""{"recorder":"yes"}""", "recorder")]
    [InlineData("""{"agent":true}""", "agent")]
    [InlineData("""{"kind":"agent"}""", "kind")]
    [InlineData("""{"video":{"roomAdmin":true}}""", "video")]
    [InlineData("""{"sip":{"admin":true}}""", "sip")]
    [InlineData("""{"can_subscribe_metrics":true}""", "can_subscribe_metrics")]
    [InlineData("""{"room_preset":"x"}""", "room_preset")]
    public async Task Asking_for_privileges_is_403_naming_the_field(string body, string field)
    {
        EndpointAssert.Problem(await _harness.PostTokenAsync(body), 403, field);
    }

    [Fact]
    public async Task Declining_a_privilege_asks_for_nothing()
    {
        var (body, _) = EndpointAssert.Token(_harness, await _harness.PostTokenAsync("""{"room_admin":false,"hidden":null}"""));
        Assert.Empty(JwtParts.UnissuedClaims(body.ParticipantToken));
    }

    [Fact]
    public async Task Callers_can_narrow_the_grants()
    {
        var (_, verified) = EndpointAssert.Token(_harness, await _harness.PostTokenAsync(
            """{"can_publish":false,"can_publish_data":false,"can_subscribe":true,"can_publish_sources":["microphone","microphone"]}"""));
        var video = verified.Claims!.Video!;
        Assert.False(video.CanPublish);
        Assert.False(video.CanPublishData);
        Assert.True(video.CanSubscribe);
        Assert.Equal([TrackSource.Microphone], video.CanPublishSources);
    }

    [Fact]
    public async Task An_empty_source_list_narrows_nothing()
    {
        using var harness = new EndpointHarness(new Dictionary<string, string?> { ["TokenPolicy:CanPublishSources"] = "camera, microphone" });
        var (_, verified) = EndpointAssert.Token(harness, await harness.PostTokenAsync("""{"can_publish_sources":[]}"""));
        Assert.Equal([TrackSource.Camera, TrackSource.Microphone], verified.Claims!.Video!.CanPublishSources);
    }

    [Theory]
    [InlineData("""{"can_update_own_metadata":true}""", RequestFields.CanUpdateOwnMetadata)]
    [InlineData("""{"can_publish_sources":["screen_share"]}""", RequestFields.CanPublishSources)]
    public async Task Callers_cannot_widen_the_grants(string body, string field)
    {
        using var harness = new EndpointHarness(new Dictionary<string, string?> { ["TokenPolicy:CanPublishSources"] = "camera,microphone" });
        EndpointAssert.Problem(await harness.PostTokenAsync(body), 403, field);
    }

    [Fact]
    public async Task Publishing_denied_by_policy_cannot_be_requested()
    {
        using var harness = new EndpointHarness(new Dictionary<string, string?> { ["TokenPolicy:CanPublish"] = "false", ["TokenPolicy:CanPublishData"] = "false" });
        EndpointAssert.Problem(await harness.PostTokenAsync("""{"can_publish":true}"""), 403, RequestFields.CanPublish);
        var (_, verified) = EndpointAssert.Token(harness, await harness.PostTokenAsync("{}"));
        Assert.False(verified.Claims!.Video!.CanPublish);
        Assert.False(verified.Claims.Video.CanPublishData);
    }

    [Fact]
    public async Task An_unknown_track_source_is_400()
    {
        EndpointAssert.Problem(await _harness.PostTokenAsync("""{"can_publish_sources":["CAMERA"]}"""), 400, RequestFields.CanPublishSources);
    }

    [Fact]
    public async Task Agent_dispatch_to_an_allowed_agent_goes_into_the_room_config()
    {
        using var harness = new EndpointHarness(new Dictionary<string, string?> { ["TokenPolicy:AllowedAgentNames"] = "helper, translator" });
        var (_, verified) = EndpointAssert.Token(harness, await harness.PostTokenAsync(
            """{"room_config":{"agents":[{"agent_name":"translator","metadata":"{\"lang\":\"fr\"}"}]}}"""));
        var agent = Assert.Single(verified.Claims!.RoomConfig!.Agents!);
        Assert.Equal(("translator", "{\"lang\":\"fr\"}"), (agent.AgentName, agent.Metadata));
    }

    [Theory]
    [InlineData("""{"room_config":{"agents":[{"agent_name":"evil"}]}}""", 403, "room_config.agents[0].agent_name")]
    [InlineData("""{"room_config":{"agents":[{"agent_name":"helper"},{"agentName":"evil"}]}}""", 403, "room_config.agents[1].agentName")]
    [InlineData("""{"room_config":{"agents":[{}]}}""", 403, "room_config.agents[0].agent_name")]
    [InlineData("""{"room_config":{"agents":[{"metadata":"m","deployment":"production"}]}}""", 403, "room_config.agents[0].agent_name")]
    [InlineData("""{"room_config":{"agents":[{"agent_name":"helper","deployment":"has_underscore"}]}}""", 400, "room_config.agents[0].deployment")]
    [InlineData("""{"room_config":{"agents":[{"agent_name":"helper","deployment":"has space"}]}}""", 400, "room_config.agents[0].deployment")]
    [InlineData("""{"room_config":{"agents":[{"agent_name":"helper","deployment":"01234567890123456789012345678901234567890123456789012345678901234"}]}}""", 400, "room_config.agents[0].deployment")]
    [InlineData("""{"room_config":{"agents":[{"agent_name":"helper","restart_policy":"JRP_ALWAYS"}]}}""", 400, "room_config.agents[0].restart_policy")]
    [InlineData("""{"room_config":{"agents":[{"agent_name":"helper","restart_policy":2}]}}""", 400, "room_config.agents[0].restart_policy")]
    [InlineData("""{"room_config":{"agents":[{"agent_name":"helper","restart_policy":0,"restartPolicy":"JRP_NEVER"}]}}""", 400, "room_config.agents[0].restartPolicy")]
    [InlineData("""{"room_config":{"agents":[{"agent_name":"helper","attributes":{"":"v"}}]}}""", 400, "room_config.agents[0].attributes")]
    [InlineData("""{"room_config":{"agents":[{"agent_name":"helper","attributes":{"k":1}}]}}""", 400, "room_config.agents[0].attributes.k")]
    [InlineData("""{"room_config":{"agents":[{"agent_name":"helper","deployment":7}]}}""", 400, "room_config.agents[0].deployment")]
    [InlineData("""{"room_config":{"agents":[null]}}""", 400, "room_config.agents[0]")]
    [InlineData("""{"room_config":{"egress":{"room":{"file_outputs":[{"s3":{"access_key":"AK","secret":"S"}}]}}}}""", 403, "room_config.egress")]
    [InlineData("""{"room_config":{"max_participants":1000}}""", 403, "room_config.max_participants")]
    [InlineData("""{"room_config":{"name":"other-room"}}""", 403, "room_config.name")]
    public async Task Room_config_beyond_policy_is_refused_naming_the_field(string body, int status, string field)
    {
        using var harness = new EndpointHarness(new Dictionary<string, string?> { ["TokenPolicy:AllowedAgentNames"] = "helper" });
        EndpointAssert.Problem(await harness.PostTokenAsync(body), status, field);
    }

    [Fact]
    public async Task Every_agent_dispatch_field_of_the_protocol_goes_into_the_token_as_the_protocol_names_it()
    {
        using var harness = new EndpointHarness(new Dictionary<string, string?> { ["TokenPolicy:AllowedAgentNames"] = "helper" });
        var response = await harness.PostTokenAsync("""
            {"room_config":{"agents":[{"agent_name":"helper","metadata":"{\"lang\":\"fr\"}","deployment":"staging-2",
              "attributes":{"tier":"gold","clé":"✓"},"restart_policy":"JRP_NEVER","some_future_field":{"x":1}},
              {"agentName":"helper","restartPolicy":1}]}}
            """);

        var (body, _) = EndpointAssert.Token(harness, response);
        var roomConfig = JwtParts.Payload(body.ParticipantToken).GetProperty("roomConfig");
        Assert.Equal(
            """{"agents":[{"agentName":"helper","metadata":"{\"lang\":\"fr\"}","restartPolicy":"JRP_NEVER","deployment":"staging-2","attributes":{"tier":"gold","clé":"✓"}},{"agentName":"helper","restartPolicy":"JRP_NEVER"}]}""",
            roomConfig.GetRawText());
    }

    [Fact]
    public async Task An_agent_entry_that_names_no_agent_dispatches_the_automatic_agent_when_policy_allows_it()
    {
        using var harness = new EndpointHarness(new Dictionary<string, string?> { ["TokenPolicy:AllowUnnamedAgentDispatch"] = "true" });
        var (_, verified) = EndpointAssert.Token(harness, await harness.PostTokenAsync("""{"room_config":{"agents":[{"metadata":"m","deployment":"production"}]}}"""));

        var agent = Assert.Single(verified.Claims!.RoomConfig!.Agents!);
        Assert.Null(agent.AgentName);
        Assert.Equal(("m", "production"), (agent.Metadata, agent.Deployment));

        // Allowing the unnamed agent allows no named one.
        EndpointAssert.Problem(await harness.PostTokenAsync("""{"room_config":{"agents":[{"agent_name":"helper"}]}}"""), 403, FieldPaths.Agent(0, RequestFields.Agents.AgentName));
    }

    [Fact]
    public async Task Agent_attributes_are_bounded_like_participant_attributes()
    {
        using var harness = new EndpointHarness(new Dictionary<string, string?> { ["TokenPolicy:AllowedAgentNames"] = "helper", ["TokenPolicy:MaxAttributesBytes"] = "10" });
        EndpointAssert.Problem(await harness.PostTokenAsync("""{"room_config":{"agents":[{"agent_name":"helper","attributes":{"key":"12345678"}}]}}"""), 400, FieldPaths.Agent(0, RequestFields.Agents.Attributes));
        EndpointAssert.Token(harness, await harness.PostTokenAsync("""{"room_config":{"agents":[{"agent_name":"helper","attributes":{"key":"1234567"}}]}}"""));
    }

    [Fact]
    public async Task No_agent_may_be_dispatched_when_policy_names_none()
    {
        EndpointAssert.Problem(await _harness.PostTokenAsync("""{"room_config":{"agents":[{"agent_name":"helper"}]}}"""), 403, FieldPaths.Agent(0, RequestFields.Agents.AgentName));
    }

    [Theory]
    [InlineData("CallerChoices:AllowRoom", "CallerChoices:AllowIdentity")]
    [InlineData("TokenPolicy:AllowCallerRoom", "TokenPolicy:AllowCallerIdentity")] // deprecated, still read
    public async Task Policy_can_forbid_choosing_the_room_or_the_identity(string room, string identity)
    {
        using var harness = new EndpointHarness(new Dictionary<string, string?>
        {
            [room] = "false",
            [identity] = "false",
        });
        EndpointAssert.Problem(await harness.PostTokenAsync("""{"room_name":"mine"}"""), 403, RequestFields.RoomName);
        EndpointAssert.Problem(await harness.PostTokenAsync("", query: "?participantName=ceo"), 403, RequestFields.LegacyParticipantName);
        var (body, _) = EndpointAssert.Token(harness, await harness.PostTokenAsync("""{"participant_name":"Just a label"}"""));
        Assert.StartsWith("room-", body.RoomName, StringComparison.Ordinal);
        Assert.StartsWith("user-", body.ParticipantIdentity, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Room_names_outside_the_policy_pattern_are_403()
    {
        using var harness = new EndpointHarness(new Dictionary<string, string?> { ["TokenPolicy:RoomNamePattern"] = "team-[a-z]+" });
        EndpointAssert.Token(harness, await harness.PostTokenAsync("""{"room_name":"team-red"}"""));
        EndpointAssert.Problem(await harness.PostTokenAsync("""{"room_name":"team-red-x"}"""), 403, RequestFields.RoomName);
        EndpointAssert.Problem(await harness.PostTokenAsync("""{"room_name":"xteam-red"}"""), 403, RequestFields.RoomName);
    }

    private sealed class ThrowingStream : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The body must not be read.");
    }
}
