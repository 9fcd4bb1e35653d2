namespace TokenFunction.LiveKit;

/// <summary>A kind of track a participant may publish (<c>canPublishSources</c> in a video grant).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(TrackSourceJsonConverter))]
public enum TrackSource
{
    /// <summary>Video from a camera (<c>camera</c>).</summary>
    Camera,

    /// <summary>Audio from a microphone (<c>microphone</c>).</summary>
    Microphone,

    /// <summary>A shared screen or window (<c>screen_share</c>).</summary>
    ScreenShare,

    /// <summary>The audio that goes with a screen share (<c>screen_share_audio</c>).</summary>
    ScreenShareAudio,
}
