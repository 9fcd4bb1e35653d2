namespace TokenFunction.LiveKit;

/// <summary>
/// The <c>roomConfig</c> claim: how the room is created if this participant's join creates it. This service sets only
/// the agents to dispatch (a caller may ask for nothing else: policy refuses any other <c>room_config</c> member), so
/// the protocol's other fields (timeouts, limits, egress, ...) are not modelled. Written camelCase as LiveKit's
/// protobuf JSON; unset fields are omitted.
/// </summary>
/// <remarks>
/// Source: message <c>RoomConfiguration</c> in https://github.com/livekit/protocol/blob/main/protobufs/livekit_room.proto.
/// </remarks>
internal sealed class RoomConfiguration
{
    /// <summary><c>agents</c>: the agents dispatched into the room when it is created.</summary>
    public IList<RoomAgentDispatch>? Agents { get; set; }
}
