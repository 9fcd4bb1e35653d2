namespace TokenFunction.LiveKit;

/// <summary>
/// The <c>video</c> claim: what the participant may do in rooms. Plain booleans mean "absent = false"; the nullable
/// ones have server-side defaults (publish and subscribe default to true), so they stay out of the token unless set:
/// writing a default explicitly would change the token's meaning.
/// </summary>
/// <remarks>
/// Meanings and defaults from LiveKit's own grant types: https://github.com/livekit/protocol/blob/main/auth/grants.go
/// (what the server reads, including the defaults of the optional booleans) and
/// https://github.com/livekit/node-sdks/blob/main/packages/livekit-server-sdk/src/grants.ts.
/// </remarks>
public sealed class VideoGrant
{
    /// <summary>The holder may create rooms through the server API (<c>roomCreate</c>).</summary>
    public bool RoomCreate { get; set; }

    /// <summary>The holder may list the server's rooms (<c>roomList</c>).</summary>
    public bool RoomList { get; set; }

    /// <summary>The holder may start recordings, i.e. egress (<c>roomRecord</c>).</summary>
    public bool RoomRecord { get; set; }

    /// <summary>
    /// The holder may administer the room named by <see cref="Room"/>: manage its participants and tracks
    /// (<c>roomAdmin</c>). Never issued to callers of this service.
    /// </summary>
    public bool RoomAdmin { get; set; }

    /// <summary>The holder may join the room named by <see cref="Room"/> as a participant (<c>roomJoin</c>).</summary>
    public bool RoomJoin { get; set; }

    /// <summary>
    /// The room the admin and join permissions apply to (<c>room</c>); required with either. It overrides whatever
    /// room the client's connect URL names.
    /// </summary>
    public string? Room { get; set; }

    /// <summary>A room the participant may be forwarded to (<c>destinationRoom</c>).</summary>
    public string? DestinationRoom { get; set; }

    /// <summary>The holder may manage every ingress, not one room's (<c>ingressAdmin</c>).</summary>
    public bool IngressAdmin { get; set; }

    /// <summary>The participant is invisible to the room's other participants (<c>hidden</c>).</summary>
    public bool Hidden { get; set; }

    /// <summary>The participant records the room, so the room reports that it is being recorded (<c>recorder</c>).</summary>
    public bool Recorder { get; set; }

    /// <summary>The holder may connect as a worker of LiveKit's Agents framework (<c>agent</c>).</summary>
    public bool Agent { get; set; }

    /// <summary>
    /// The participant may publish tracks (<c>canPublish</c>). Unset means true; false also forbids every source in
    /// <see cref="CanPublishSources"/>.
    /// </summary>
    public bool? CanPublish { get; set; }

    /// <summary>The participant may subscribe to other participants' tracks (<c>canSubscribe</c>). Unset means true.</summary>
    public bool? CanSubscribe { get; set; }

    /// <summary>
    /// The participant may send data messages (<c>canPublishData</c>). Unset means the same as
    /// <see cref="CanPublish"/>, as the server reads it.
    /// </summary>
    public bool? CanPublishData { get; set; }

    /// <summary>
    /// The participant may change its own name, metadata and attributes from the client
    /// (<c>canUpdateOwnMetadata</c>; the server checks it for all three in
    /// https://github.com/livekit/livekit/blob/master/pkg/rtc/participant.go). Unset means false.
    /// </summary>
    public bool? CanUpdateOwnMetadata { get; set; }

    /// <summary>The participant may subscribe to the room's metrics (<c>canSubscribeMetrics</c>). Unset means false.</summary>
    public bool? CanSubscribeMetrics { get; set; }

    /// <summary>
    /// The participant may manage an agent session remotely (<c>canManageAgentSession</c>). Unset means false.
    /// </summary>
    public bool? CanManageAgentSession { get; set; }

    /// <summary>
    /// The only kinds of track the participant may publish (<c>canPublishSources</c>, written as LiveKit's lowercase
    /// names). Absent or empty means every source; <see cref="CanPublish"/> false still forbids them all.
    /// </summary>
    public IList<TrackSource>? CanPublishSources { get; set; }

    /// <summary>
    /// Overlays <paramref name="other"/> on this grant the way the Node SDK's <c>addGrant</c> spreads objects:
    /// whatever <paramref name="other"/> sets wins. A plain boolean counts as set only when true, because false is
    /// indistinguishable from unset here (and both mean the same on the wire).
    /// </summary>
    internal void MergeFrom(VideoGrant other)
    {
        RoomCreate |= other.RoomCreate;
        RoomList |= other.RoomList;
        RoomRecord |= other.RoomRecord;
        RoomAdmin |= other.RoomAdmin;
        RoomJoin |= other.RoomJoin;
        IngressAdmin |= other.IngressAdmin;
        Hidden |= other.Hidden;
        Recorder |= other.Recorder;
        Agent |= other.Agent;
        Room = other.Room ?? Room;
        DestinationRoom = other.DestinationRoom ?? DestinationRoom;
        CanPublish = other.CanPublish ?? CanPublish;
        CanSubscribe = other.CanSubscribe ?? CanSubscribe;
        CanPublishData = other.CanPublishData ?? CanPublishData;
        CanUpdateOwnMetadata = other.CanUpdateOwnMetadata ?? CanUpdateOwnMetadata;
        CanSubscribeMetrics = other.CanSubscribeMetrics ?? CanSubscribeMetrics;
        CanManageAgentSession = other.CanManageAgentSession ?? CanManageAgentSession;
        if (other.CanPublishSources is not null)
        {
            // A copy: the caller may keep mutating its own list after handing it over.
            CanPublishSources = [.. other.CanPublishSources];
        }
    }
}
