namespace TokenFunction.LiveKit;

/// <summary>A kind of track a participant may publish (<c>canPublishSources</c> in a video grant).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(TrackSourceJsonConverter))]
public enum TrackSource
{
    Camera,
    Microphone,
    ScreenShare,
    ScreenShareAudio,
}
