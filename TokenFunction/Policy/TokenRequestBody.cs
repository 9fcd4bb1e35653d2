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

public sealed class AgentDispatchBody
{
    [JsonPropertyName("agent_name")]
    public string? AgentName { get; set; }

    /// <summary>The token's own camelCase spelling, which some clients send.</summary>
    [JsonPropertyName("agentName")]
    public string? AgentNameCamel { get; set; }

    [JsonPropertyName("metadata")]
    public string? Metadata { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}
