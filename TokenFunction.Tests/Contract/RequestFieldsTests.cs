using System.Reflection;
using TokenFunction.Contract;
using TokenFunction.Tests.Support.Contract;

namespace TokenFunction.Tests.Contract;

/// <summary>
/// The one list of request field names is the contract's: each name is spelled here once by hand, as LiveKit's token
/// endpoint contract and ours spell it, and openapi.yaml's request schemas name the same fields. Every other test
/// names fields through <see cref="RequestFields"/>, so this class is where a misspelt or renamed field fails.
/// </summary>
public sealed class RequestFieldsTests
{
    // LiveKit's standard token endpoint (TokenSourceRequest as snake_case JSON: room_name ... room_config, and each
    // room_config.agents[] entry's RoomAgentDispatch fields), the legacy camelCase roomName/participantName of the
    // seed's snippet and the v1 sandbox, and our own additions documented in openapi.yaml and docs/api.md (ttl, the
    // can_* narrowing fields, the problem field names of the body and its media type).
    public static TheoryData<string, string> WireSpellings => new()
    {
        { nameof(RequestFields.RoomName), "room_name" },
        { nameof(RequestFields.ParticipantIdentity), "participant_identity" },
        { nameof(RequestFields.ParticipantName), "participant_name" },
        { nameof(RequestFields.ParticipantMetadata), "participant_metadata" },
        { nameof(RequestFields.ParticipantAttributes), "participant_attributes" },
        { nameof(RequestFields.RoomConfig), "room_config" },
        { nameof(RequestFields.Ttl), "ttl" },
        { nameof(RequestFields.CanPublish), "can_publish" },
        { nameof(RequestFields.CanSubscribe), "can_subscribe" },
        { nameof(RequestFields.CanPublishData), "can_publish_data" },
        { nameof(RequestFields.CanUpdateOwnMetadata), "can_update_own_metadata" },
        { nameof(RequestFields.CanPublishSources), "can_publish_sources" },
        { nameof(RequestFields.LegacyRoomName), "roomName" },
        { nameof(RequestFields.LegacyParticipantName), "participantName" },
        { nameof(RequestFields.Body), "body" },
        { nameof(RequestFields.ContentType), "Content-Type" },
        { "Agents." + nameof(RequestFields.Agents.List), "agents" },
        { "Agents." + nameof(RequestFields.Agents.AgentName), "agent_name" },
        { "Agents." + nameof(RequestFields.Agents.AgentNameCamel), "agentName" },
        { "Agents." + nameof(RequestFields.Agents.Metadata), "metadata" },
        { "Agents." + nameof(RequestFields.Agents.Deployment), "deployment" },
        { "Agents." + nameof(RequestFields.Agents.Attributes), "attributes" },
        { "Agents." + nameof(RequestFields.Agents.RestartPolicy), "restart_policy" },
        { "Agents." + nameof(RequestFields.Agents.RestartPolicyCamel), "restartPolicy" },
        { "Agents." + nameof(RequestFields.Agents.Path), "room_config.agents" },
    };

    private static Dictionary<string, string> Constants() =>
        new[] { (Prefix: "", Type: typeof(RequestFields)), (Prefix: "Agents.", Type: typeof(RequestFields.Agents)) }
            .SelectMany(c => c.Type.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral && f.FieldType == typeof(string))
                .Select(f => (Name: c.Prefix + f.Name, Value: (string)f.GetRawConstantValue()!)))
            .ToDictionary(c => c.Name, c => c.Value, StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(WireSpellings))]
    public void Each_field_is_spelled_as_the_contract_spells_it(string constant, string spelling) =>
        Assert.Equal(spelling, Constants()[constant]);

    [Fact]
    public void Every_field_name_has_its_spelling_pinned_above()
    {
        var pinned = WireSpellings.Select(row => (string)row[0]).Order(StringComparer.Ordinal);
        Assert.Equal(pinned, Constants().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_agent_entry_is_named_by_its_index()
    {
        Assert.Equal("room_config.agents[0]", RequestFields.Agents.Entry(0));
        Assert.Equal("room_config.agents[12]", RequestFields.Agents.Entry(12));
    }

    private static IEnumerable<string> Properties(string schema) =>
        OpenApiContract.Repository.Document.Components!.Schemas![schema].Properties!.Keys;

    [Fact]
    public void The_token_request_schema_names_exactly_the_standard_and_legacy_fields()
    {
        string[] expected = [.. RequestFields.Standard, RequestFields.LegacyRoomName, RequestFields.LegacyParticipantName];
        Assert.Equal(expected.Order(StringComparer.Ordinal), Properties("TokenRequest").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_agent_dispatch_schema_names_exactly_the_agent_fields()
    {
        string[] expected =
        [
            RequestFields.Agents.AgentName, RequestFields.Agents.AgentNameCamel, RequestFields.Agents.Metadata, RequestFields.Agents.Deployment,
            RequestFields.Agents.Attributes, RequestFields.Agents.RestartPolicy, RequestFields.Agents.RestartPolicyCamel,
        ];
        var schema = OpenApiContract.Repository.Document.Components!.Schemas!
            .Single(s => s.Value.Properties?.ContainsKey(RequestFields.Agents.AgentName) == true).Key;
        Assert.Equal(expected.Order(StringComparer.Ordinal), Properties(schema).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("room_admin")]
    [InlineData("roomAdmin")]
    [InlineData("ROOM_ADMIN")]
    [InlineData("canSubscribeMetrics")]
    public void A_privileged_field_is_recognised_in_any_spelling(string field) => Assert.True(RequestFields.IsPrivileged(field));

    [Theory]
    [InlineData("room_name")]
    [InlineData("participant_identity")]
    [InlineData("can_publish")]
    public void A_standard_field_is_not_privileged(string field) => Assert.False(RequestFields.IsPrivileged(field));
}
