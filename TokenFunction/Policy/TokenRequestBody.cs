using System.Text.Json;
using System.Text.Json.Serialization;

namespace TokenFunction.Policy;

/// <summary>
/// The JSON body of <c>POST /api/token</c> (LiveKit's standard token endpoint, snake_case) and of
/// <c>/api/connection-details</c> (legacy camelCase <c>roomName</c>/<c>participantName</c>). Every field is optional.
/// </summary>
public sealed class TokenRequestBody
{
    [JsonPropertyName("room_name")]
    public string? RoomName { get; set; }

    [JsonPropertyName("participant_identity")]
    public string? ParticipantIdentity { get; set; }

    [JsonPropertyName("participant_name")]
    public string? ParticipantName { get; set; }

    [JsonPropertyName("participant_metadata")]
    public string? ParticipantMetadata { get; set; }

    [JsonPropertyName("participant_attributes")]
    public Dictionary<string, string>? ParticipantAttributes { get; set; }

    [JsonPropertyName("room_config")]
    public RoomConfigBody? RoomConfig { get; set; }

    /// <summary>Legacy (the seed's snippet, the sandbox): the room.</summary>
    [JsonPropertyName("roomName")]
    public string? LegacyRoomName { get; set; }

    /// <summary>Legacy: the identity, and the name unless one is given.</summary>
    [JsonPropertyName("participantName")]
    public string? LegacyParticipantName { get; set; }

    /// <summary>Requested lifetime in seconds, bounded by policy.</summary>
    [JsonPropertyName("ttl")]
    public long? Ttl { get; set; }

    // Narrowing only: a caller may turn off what policy grants, never turn on what it does not.
    [JsonPropertyName("can_publish")]
    public bool? CanPublish { get; set; }

    [JsonPropertyName("can_subscribe")]
    public bool? CanSubscribe { get; set; }

    [JsonPropertyName("can_publish_data")]
    public bool? CanPublishData { get; set; }

    [JsonPropertyName("can_update_own_metadata")]
    public bool? CanUpdateOwnMetadata { get; set; }

    [JsonPropertyName("can_publish_sources")]
    public List<string>? CanPublishSources { get; set; }

    /// <summary>Every other field: ignored, unless it names a privilege callers may not ask for.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}

/// <summary><c>room_config</c>: only agent dispatch (to agent names policy allows) may be requested.</summary>
public sealed class RoomConfigBody
{
    [JsonPropertyName("agents")]
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
public sealed class AgentDispatchBody
{
    [JsonPropertyName("agent_name")]
    public string? AgentName { get; set; }

    [JsonPropertyName("agentName")]
    public string? AgentNameCamel { get; set; }

    [JsonPropertyName("metadata")]
    public string? Metadata { get; set; }

    [JsonPropertyName("deployment")]
    public string? Deployment { get; set; }

    [JsonPropertyName("attributes")]
    public Dictionary<string, string>? Attributes { get; set; }

    /// <summary>The enum as protobuf JSON allows it: its value name (<c>"JRP_NEVER"</c>) or its number.</summary>
    [JsonPropertyName("restart_policy")]
    public JsonElement? RestartPolicy { get; set; }

    [JsonPropertyName("restartPolicy")]
    public JsonElement? RestartPolicyCamel { get; set; }
}
