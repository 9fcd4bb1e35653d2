using System.Text.Json;
using System.Text.Json.Serialization;
using TokenFunction.LiveKit;

namespace TokenFunction.Tests.Support.LiveKit;

internal static class TestJson
{
    /// <summary>Reflection-based camelCase reading, independent of the module's source-generated context.</summary>
    public static readonly JsonSerializerOptions CamelCase = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new WireTrackSourceConverter() },
    };

    private sealed class WireTrackSourceConverter : JsonConverter<TrackSource>
    {
        public override TrackSource Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetString() switch
            {
                "camera" => TrackSource.Camera,
                "microphone" => TrackSource.Microphone,
                "screen_share" => TrackSource.ScreenShare,
                "screen_share_audio" => TrackSource.ScreenShareAudio,
                var other => throw new JsonException($"unknown source {other}"),
            };

        public override void Write(Utf8JsonWriter writer, TrackSource value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }
}
