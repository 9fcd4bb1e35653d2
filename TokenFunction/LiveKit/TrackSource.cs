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
    /// <summary><c>camera</c>: video from a camera.</summary>
    [JsonStringEnumMemberName("camera")]
    Camera,

    /// <summary><c>microphone</c>: audio from a microphone.</summary>
    [JsonStringEnumMemberName("microphone")]
    Microphone,

    /// <summary><c>screen_share</c>: a shared screen or window.</summary>
    [JsonStringEnumMemberName("screen_share")]
    ScreenShare,

    /// <summary><c>screen_share_audio</c>: the audio that goes with a screen share.</summary>
    [JsonStringEnumMemberName("screen_share_audio")]
    ScreenShareAudio,
}
