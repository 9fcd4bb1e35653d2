using System.Text.Json.Serialization;

namespace TokenFunction.LiveKit;

/// <summary>
/// A kind of track a participant may publish (<c>canPublishSources</c> in a video grant), written by LiveKit's
/// lowercase wire name. The attributes are the one list of those names: JSON, settings and requests read them
/// through <see cref="WireNames{TEnum}"/>.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrackSource>))]
internal enum TrackSource
{
    /// <summary>Video from a camera.</summary>
    [JsonStringEnumMemberName("camera")]
    Camera,

    /// <summary>Audio from a microphone.</summary>
    [JsonStringEnumMemberName("microphone")]
    Microphone,

    /// <summary>A shared screen or window.</summary>
    [JsonStringEnumMemberName("screen_share")]
    ScreenShare,

    /// <summary>The audio that goes with a screen share.</summary>
    [JsonStringEnumMemberName("screen_share_audio")]
    ScreenShareAudio,
}
