using System.Text.Json;
using System.Text.Json.Serialization;
using TokenFunction.Contract;

namespace TokenFunction.Http;

/// <summary>
/// The JSON body of <c>POST /api/token</c> (LiveKit's standard token endpoint, snake_case) and of
/// <c>/api/connection-details</c> (legacy camelCase <c>roomName</c>/<c>participantName</c>). Every field is optional.
/// </summary>
internal sealed class TokenRequestBody
{
    [JsonPropertyName(RequestFields.RoomName)]
    public string? RoomName { get; set; }

    [JsonPropertyName(RequestFields.ParticipantIdentity)]
    public string? ParticipantIdentity { get; set; }

    [JsonPropertyName(RequestFields.ParticipantName)]
    public string? ParticipantName { get; set; }

    [JsonPropertyName(RequestFields.ParticipantMetadata)]
    public string? ParticipantMetadata { get; set; }

    [JsonPropertyName(RequestFields.ParticipantAttributes)]
    public Dictionary<string, string>? ParticipantAttributes { get; set; }

    [JsonPropertyName(RequestFields.RoomConfig)]
    public RoomConfigBody? RoomConfig { get; set; }

    /// <summary>Legacy (the seed's snippet, the sandbox): the room.</summary>
    [JsonPropertyName(RequestFields.LegacyRoomName)]
    public string? LegacyRoomName { get; set; }

    /// <summary>Legacy: the identity, and the name unless one is given.</summary>
    [JsonPropertyName(RequestFields.LegacyParticipantName)]
    public string? LegacyParticipantName { get; set; }

    /// <summary>Requested lifetime in seconds, bounded by policy.</summary>
    [JsonPropertyName(RequestFields.Ttl)]
    public long? Ttl { get; set; }

    // Narrowing only: a caller may turn off what policy grants, never turn on what it does not.
    [JsonPropertyName(RequestFields.CanPublish)]
    public bool? CanPublish { get; set; }

    [JsonPropertyName(RequestFields.CanSubscribe)]
    public bool? CanSubscribe { get; set; }

    [JsonPropertyName(RequestFields.CanPublishData)]
    public bool? CanPublishData { get; set; }

    [JsonPropertyName(RequestFields.CanUpdateOwnMetadata)]
    public bool? CanUpdateOwnMetadata { get; set; }

    [JsonPropertyName(RequestFields.CanPublishSources)]
    public List<string>? CanPublishSources { get; set; }

    /// <summary>Every other field: ignored, unless it names a privilege callers may not ask for.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}

/// <summary><c>room_config</c>: only agent dispatch (to agent names policy allows) may be requested.</summary>
internal sealed class RoomConfigBody
{
    [JsonPropertyName(RequestFields.Agents.List)]
    public List<AgentDispatchBody?>? Agents { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}

/// <summary>
/// One <c>room_config.agents[]</c> entry: every field of the protocol's <c>RoomAgentDispatch</c>, under its proto
/// name (what the clients send) and, where it differs, its JSON name (what protobuf JSON parsers also accept).
/// Fields this service does not know (a newer protocol's) are skipped, as the clients' own decoders skip them:
/// a dispatch grants the participant nothing.
/// </summary>
/// <remarks>
/// Fields: https://github.com/livekit/protocol/blob/main/protobufs/livekit_agent_dispatch.proto (RoomAgentDispatch).
/// </remarks>
internal sealed class AgentDispatchBody
{
    [JsonPropertyName(RequestFields.Agents.AgentName)]
    public string? AgentName { get; set; }

    [JsonPropertyName(RequestFields.Agents.AgentNameCamel)]
    public string? AgentNameCamel { get; set; }

    [JsonPropertyName(RequestFields.Agents.Metadata)]
    public string? Metadata { get; set; }

    [JsonPropertyName(RequestFields.Agents.Deployment)]
    public string? Deployment { get; set; }

    [JsonPropertyName(RequestFields.Agents.Attributes)]
    public Dictionary<string, string>? Attributes { get; set; }

    /// <summary>The enum as protobuf JSON allows it: its value name (<c>"JRP_NEVER"</c>) or its number.</summary>
    [JsonPropertyName(RequestFields.Agents.RestartPolicy)]
    public JsonElement? RestartPolicy { get; set; }

    [JsonPropertyName(RequestFields.Agents.RestartPolicyCamel)]
    public JsonElement? RestartPolicyCamel { get; set; }
}
