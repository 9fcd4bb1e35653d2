namespace TokenFunction.LiveKit;

/// <summary>
/// The <c>roomConfig</c> claim: how the room is created if this participant's join creates it, including the agents
/// to dispatch. Written camelCase as LiveKit's protobuf JSON; unset fields are omitted.
/// </summary>
/// <remarks>
/// Source: message <c>RoomConfiguration</c> in https://github.com/livekit/protocol/blob/main/protobufs/livekit_room.proto.
/// </remarks>
public sealed class RoomConfiguration
{
    /// <summary>The room's name, which is its unique id.</summary>
    public string? Name { get; set; }

    /// <summary>Seconds the room stays open when nobody joins it.</summary>
    public uint? EmptyTimeout { get; set; }

    /// <summary>Seconds the room stays open after the last participant leaves.</summary>
    public uint? DepartureTimeout { get; set; }

    /// <summary>The most participants the room admits, not counting egress and agent participants.</summary>
    public uint? MaxParticipants { get; set; }

    /// <summary>The room's own metadata (not a participant's).</summary>
    public string? Metadata { get; set; }

    /// <summary>Egress started automatically for the room, its participants or its tracks.</summary>
    public RoomEgress? Egress { get; set; }

    /// <summary>The subscribers' minimum playout delay, in milliseconds.</summary>
    public uint? MinPlayoutDelay { get; set; }

    /// <summary>The subscribers' maximum playout delay, in milliseconds.</summary>
    public uint? MaxPlayoutDelay { get; set; }

    /// <summary>
    /// Better audio/video sync when the playout delay is above 200 ms, at the cost of transceiver reuse: not for
    /// rooms whose subscriptions change often.
    /// </summary>
    public bool? SyncStreams { get; set; }

    /// <summary>The agents dispatched into the room when it is created.</summary>
    public IList<RoomAgentDispatch>? Agents { get; set; }

    /// <summary>Tags attached to the room.</summary>
    public IDictionary<string, string>? Tags { get; set; }
}
