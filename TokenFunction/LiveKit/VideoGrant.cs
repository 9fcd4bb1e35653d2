namespace TokenFunction.LiveKit;

/// <summary>
/// The <c>video</c> claim: what the participant may do in the room. Only the fields this service can issue (joining
/// one room, and what policy's settings turn on or a caller narrows); LiveKit's other grants (room admin, recorder,
/// ingress, ...) are never issued, so they are not modelled. The nullable booleans have server-side defaults (publish
/// and subscribe default to true), so they stay out of the token unless set: writing a default explicitly would
/// change the token's meaning.
/// </summary>
/// <remarks>
/// Meanings and defaults from LiveKit's own grant types: https://github.com/livekit/protocol/blob/main/auth/grants.go
/// (what the server reads, including the defaults of the optional booleans) and
/// https://github.com/livekit/node-sdks/blob/main/packages/livekit-server-sdk/src/grants.ts.
/// </remarks>
internal sealed class VideoGrant
{
    /// <summary>
    /// <c>roomJoin</c>: the holder may join the room named by <see cref="Room"/> as a participant. Absent means false.
    /// </summary>
    public bool RoomJoin { get; set; }

    /// <summary>
    /// <c>room</c>: the room the join permission applies to; required with it. It overrides whatever room the client's
    /// connect URL names.
    /// </summary>
    public string? Room { get; set; }

    /// <summary>
    /// <c>canPublish</c>: the participant may publish tracks. Unset means true; false also forbids every source in
    /// <see cref="CanPublishSources"/>.
    /// </summary>
    public bool? CanPublish { get; set; }

    /// <summary><c>canSubscribe</c>: the participant may subscribe to other participants' tracks. Unset means true.</summary>
    public bool? CanSubscribe { get; set; }

    /// <summary>
    /// <c>canPublishData</c>: the participant may send data messages. Unset means the same as
    /// <see cref="CanPublish"/>, as the server reads it.
    /// </summary>
    public bool? CanPublishData { get; set; }

    /// <summary>
    /// <c>canUpdateOwnMetadata</c>: the participant may change its own name, metadata and attributes from the client
    /// (the server checks it for all three in https://github.com/livekit/livekit/blob/master/pkg/rtc/participant.go).
    /// Unset means false.
    /// </summary>
    public bool? CanUpdateOwnMetadata { get; set; }

    /// <summary>
    /// <c>canPublishSources</c>: the only kinds of track the participant may publish, written as LiveKit's lowercase
    /// names. Absent or empty means every source; <see cref="CanPublish"/> false still forbids them all.
    /// </summary>
    public IList<TrackSource>? CanPublishSources { get; set; }

    /// <summary>
    /// Overlays <paramref name="other"/> on this grant the way the Node SDK's <c>addGrant</c> spreads objects:
    /// whatever <paramref name="other"/> sets wins. A plain boolean counts as set only when true, because false is
    /// indistinguishable from unset here (and both mean the same on the wire).
    /// </summary>
    internal void MergeFrom(VideoGrant other)
    {
        RoomJoin |= other.RoomJoin;
        Room = other.Room ?? Room;
        CanPublish = other.CanPublish ?? CanPublish;
        CanSubscribe = other.CanSubscribe ?? CanSubscribe;
        CanPublishData = other.CanPublishData ?? CanPublishData;
        CanUpdateOwnMetadata = other.CanUpdateOwnMetadata ?? CanUpdateOwnMetadata;
        if (other.CanPublishSources is not null)
        {
            // A copy: the caller may keep mutating its own list after handing it over.
            CanPublishSources = [.. other.CanPublishSources];
        }
    }
}
