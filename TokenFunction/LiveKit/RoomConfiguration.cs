namespace TokenFunction.LiveKit;

/// <summary>
/// The <c>roomConfig</c> claim: how the room is created if this participant's join creates it, including the agents
/// to dispatch. Written camelCase as LiveKit's protobuf JSON; unset fields are omitted.
/// </summary>
public sealed class RoomConfiguration
{
    public string? Name { get; set; }

    /// <summary>Seconds an empty room stays open.</summary>
    public uint? EmptyTimeout { get; set; }

    /// <summary>Seconds the room stays open after the last participant leaves.</summary>
    public uint? DepartureTimeout { get; set; }

    public uint? MaxParticipants { get; set; }

    public string? Metadata { get; set; }

    public RoomEgress? Egress { get; set; }

    /// <summary>Milliseconds.</summary>
    public uint? MinPlayoutDelay { get; set; }

    /// <summary>Milliseconds.</summary>
    public uint? MaxPlayoutDelay { get; set; }

    public bool? SyncStreams { get; set; }

    public IList<RoomAgentDispatch>? Agents { get; set; }

    public IDictionary<string, string>? Tags { get; set; }
}
