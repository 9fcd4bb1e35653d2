using TokenFunction.Contract;
using TokenFunction.Tests.Support.Contract;

namespace TokenFunction.Tests.Contract;

/// <summary>The one list of request field names is the contract's: openapi.yaml's request schemas name the same fields.</summary>
public sealed class RequestFieldsTests
{
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
