namespace TokenFunction.Policy;

/// <summary>A value the caller sent and the field it came in, as the client spelled it, so a refusal names what the client wrote.</summary>
internal readonly record struct Requested<T>(T Value, string Field);

/// <summary>
/// One token request, whichever route, spelling (snake_case or legacy camelCase) or place (body or query) it came in:
/// what <see cref="TokenPolicy"/> evaluates. The HTTP edge builds it; nothing here is HTTP- or JSON-shaped. Every
/// member is optional; empty names count as absent.
/// </summary>
internal sealed class TokenRequest
{
    public static TokenRequest Empty { get; } = new();

    public Requested<string>? Room { get; init; }

    public Requested<string>? Identity { get; init; }

    /// <summary><c>participant_name</c>.</summary>
    public string? Name { get; init; }

    /// <summary>The legacy <c>participantName</c>: the identity, and the display name unless <see cref="Name"/> is given.</summary>
    public string? LegacyName { get; init; }

    public string? Metadata { get; init; }

    public IDictionary<string, string>? Attributes { get; init; }

    /// <summary>Requested lifetime in seconds, bounded by policy.</summary>
    public long? Ttl { get; init; }

    // Narrowing only: a caller may turn off what policy grants, never turn on what it does not.
    public bool? CanPublish { get; init; }

    public bool? CanSubscribe { get; init; }

    public bool? CanPublishData { get; init; }

    public bool? CanUpdateOwnMetadata { get; init; }

    /// <summary>Track sources by wire name, as sent (unknown names are policy's to refuse).</summary>
    public IReadOnlyList<string?>? CanPublishSources { get; init; }

    /// <summary><c>room_config</c>, when sent.</summary>
    public RoomConfigRequest? RoomConfig { get; init; }

    /// <summary>Fields outside the contract that ask for something (a value other than null or false), in the order sent.</summary>
    public IReadOnlyList<string> OtherFields { get; init; } = [];
}

/// <summary><c>room_config</c>: only agent dispatch may be requested.</summary>
internal sealed class RoomConfigRequest
{
    /// <summary>The <c>agents</c> entries; null where an entry was not an object.</summary>
    public IReadOnlyList<AgentRequest?> Agents { get; init; } = [];

    /// <summary>Every other member with a non-null value, in the order sent.</summary>
    public IReadOnlyList<string> OtherFields { get; init; } = [];
}

/// <summary>One <c>room_config.agents[]</c> entry.</summary>
internal sealed class AgentRequest
{
    /// <summary>The agent, with the member it came in relative to the entry (<c>agent_name</c> or <c>agentName</c>).</summary>
    public Requested<string>? AgentName { get; init; }

    public string? Metadata { get; init; }

    public string? Deployment { get; init; }

    public IDictionary<string, string>? Attributes { get; init; }

    public LiveKit.JobRestartPolicy? RestartPolicy { get; init; }
}
