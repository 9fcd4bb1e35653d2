using System.Diagnostics.CodeAnalysis;

namespace TokenFunction.LiveKit;

/// <summary>The lowercase wire names LiveKit uses for <see cref="TrackSource"/> inside a token.</summary>
public static class TrackSources
{
    public const string CameraWire = "camera";
    public const string MicrophoneWire = "microphone";
    public const string ScreenShareWire = "screen_share";
    public const string ScreenShareAudioWire = "screen_share_audio";

    /// <summary>Parses a wire name exactly (case-sensitive, as the server does).</summary>
    public static bool TryParse([NotNullWhen(true)] string? wire, out TrackSource source)
    {
        switch (wire)
        {
            case CameraWire:
                source = TrackSource.Camera;
                return true;
            case MicrophoneWire:
                source = TrackSource.Microphone;
                return true;
            case ScreenShareWire:
                source = TrackSource.ScreenShare;
                return true;
            case ScreenShareAudioWire:
                source = TrackSource.ScreenShareAudio;
                return true;
            default:
                source = default;
                return false;
        }
    }

    public static string ToWire(TrackSource source) => source switch
    {
        TrackSource.Camera => CameraWire,
        TrackSource.Microphone => MicrophoneWire,
        TrackSource.ScreenShare => ScreenShareWire,
        TrackSource.ScreenShareAudio => ScreenShareAudioWire,
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "Not a LiveKit track source."),
    };
}
