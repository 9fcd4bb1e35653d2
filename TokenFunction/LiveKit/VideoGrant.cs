namespace TokenFunction.LiveKit;

/// <summary>
/// The <c>video</c> claim: what the participant may do in rooms. Plain booleans mean "absent = false"; the nullable
/// ones have server-side defaults (publish and subscribe default to true), so they stay out of the token unless set:
/// writing a default explicitly would change the token's meaning.
/// </summary>
public sealed class VideoGrant
{
    public bool RoomCreate { get; set; }

    public bool RoomList { get; set; }

    public bool RoomRecord { get; set; }

    public bool RoomAdmin { get; set; }

    public bool RoomJoin { get; set; }

    public string? Room { get; set; }

    public string? DestinationRoom { get; set; }

    public bool IngressAdmin { get; set; }

    public bool Hidden { get; set; }

    public bool Recorder { get; set; }

    public bool Agent { get; set; }

    public bool? CanPublish { get; set; }

    public bool? CanSubscribe { get; set; }

    public bool? CanPublishData { get; set; }

    public bool? CanUpdateOwnMetadata { get; set; }

    public bool? CanSubscribeMetrics { get; set; }

    public bool? CanManageAgentSession { get; set; }

    /// <summary>Absent or empty means every source.</summary>
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
