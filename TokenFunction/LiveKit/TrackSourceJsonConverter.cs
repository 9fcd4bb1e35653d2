using System.Text.Json;
using System.Text.Json.Serialization;

namespace TokenFunction.LiveKit;

/// <summary>Writes <see cref="TrackSource"/> as LiveKit's lowercase wire name, never as a number.</summary>
internal sealed class TrackSourceJsonConverter : JsonConverter<TrackSource>
{
    private static readonly JsonEncodedText s_camera = JsonEncodedText.Encode(TrackSources.CameraWire);
    private static readonly JsonEncodedText s_microphone = JsonEncodedText.Encode(TrackSources.MicrophoneWire);
    private static readonly JsonEncodedText s_screenShare = JsonEncodedText.Encode(TrackSources.ScreenShareWire);
    private static readonly JsonEncodedText s_screenShareAudio = JsonEncodedText.Encode(TrackSources.ScreenShareAudioWire);

    public override TrackSource Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && TrackSources.TryParse(reader.GetString(), out var source))
        {
            return source;
        }

        throw new JsonException("Unknown track source.");
    }

    public override void Write(Utf8JsonWriter writer, TrackSource value, JsonSerializerOptions options)
    {
        writer.WriteStringValue(value switch
        {
            TrackSource.Camera => s_camera,
            TrackSource.Microphone => s_microphone,
            TrackSource.ScreenShare => s_screenShare,
            TrackSource.ScreenShareAudio => s_screenShareAudio,
            _ => throw new JsonException("Not a LiveKit track source."),
        });
    }
}
