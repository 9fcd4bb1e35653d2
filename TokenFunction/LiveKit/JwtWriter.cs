using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TokenFunction.LiveKit;

/// <summary>
/// Writes and signs a token in per-thread buffers: the payload JSON goes through one reused
/// <see cref="Utf8JsonWriter"/>, the compact JWS is assembled as ASCII bytes, and the only allocation left is the
/// returned string.
/// </summary>
internal static class JwtWriter
{
    /// <summary>base64url of <c>{"alg":"HS256","typ":"JWT"}</c> and the dot after it.</summary>
    private static ReadOnlySpan<byte> HeaderSegment => "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."u8;

    // Buffers that grew past this (a huge metadata claim) are dropped rather than pinned to the thread for good.
    internal const int RetainedBufferLimit = 64 * 1024;

    private static readonly JsonEncodedText s_iss = JsonEncodedText.Encode("iss");
    private static readonly JsonEncodedText s_sub = JsonEncodedText.Encode("sub");
    private static readonly JsonEncodedText s_nbf = JsonEncodedText.Encode("nbf");
    private static readonly JsonEncodedText s_exp = JsonEncodedText.Encode("exp");
    private static readonly JsonEncodedText s_name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText s_metadata = JsonEncodedText.Encode("metadata");
    private static readonly JsonEncodedText s_attributes = JsonEncodedText.Encode("attributes");
    private static readonly JsonEncodedText s_kind = JsonEncodedText.Encode("kind");
    private static readonly JsonEncodedText s_video = JsonEncodedText.Encode("video");
    private static readonly JsonEncodedText s_sip = JsonEncodedText.Encode("sip");
    private static readonly JsonEncodedText s_roomConfig = JsonEncodedText.Encode("roomConfig");
    private static readonly JsonEncodedText s_roomPreset = JsonEncodedText.Encode("roomPreset");
    private static readonly JsonEncodedText s_sha256 = JsonEncodedText.Encode("sha256");

    private static readonly JsonEncodedText s_roomCreate = JsonEncodedText.Encode("roomCreate");
    private static readonly JsonEncodedText s_roomList = JsonEncodedText.Encode("roomList");
    private static readonly JsonEncodedText s_roomRecord = JsonEncodedText.Encode("roomRecord");
    private static readonly JsonEncodedText s_roomAdmin = JsonEncodedText.Encode("roomAdmin");
    private static readonly JsonEncodedText s_roomJoin = JsonEncodedText.Encode("roomJoin");
    private static readonly JsonEncodedText s_room = JsonEncodedText.Encode("room");
    private static readonly JsonEncodedText s_destinationRoom = JsonEncodedText.Encode("destinationRoom");
    private static readonly JsonEncodedText s_ingressAdmin = JsonEncodedText.Encode("ingressAdmin");
    private static readonly JsonEncodedText s_hidden = JsonEncodedText.Encode("hidden");
    private static readonly JsonEncodedText s_recorder = JsonEncodedText.Encode("recorder");
    private static readonly JsonEncodedText s_agent = JsonEncodedText.Encode("agent");
    private static readonly JsonEncodedText s_canPublish = JsonEncodedText.Encode("canPublish");
    private static readonly JsonEncodedText s_canSubscribe = JsonEncodedText.Encode("canSubscribe");
    private static readonly JsonEncodedText s_canPublishData = JsonEncodedText.Encode("canPublishData");
    private static readonly JsonEncodedText s_canUpdateOwnMetadata = JsonEncodedText.Encode("canUpdateOwnMetadata");
    private static readonly JsonEncodedText s_canSubscribeMetrics = JsonEncodedText.Encode("canSubscribeMetrics");
    private static readonly JsonEncodedText s_canManageAgentSession = JsonEncodedText.Encode("canManageAgentSession");
    private static readonly JsonEncodedText s_canPublishSources = JsonEncodedText.Encode("canPublishSources");

    // The payload is base64url-encoded, never embedded in HTML, so non-ASCII text is written as UTF-8 (as the
    // Node SDK does) instead of as \u escapes, which keeps tokens short.
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? s_payload;

    [ThreadStatic]
    private static Utf8JsonWriter? s_json;

    public static string Write(in TokenContent content, string apiSecret)
    {
        var payload = s_payload ??= new ArrayBufferWriter<byte>(1024);
        payload.ResetWrittenCount();
        var json = s_json;
        if (json is null)
        {
            json = s_json = new Utf8JsonWriter(payload, s_writerOptions);
        }
        else
        {
            json.Reset(payload);
        }

        WritePayload(json, content);
        json.Flush();

        var payloadLength = payload.WrittenCount;
        var signedLength = HeaderSegment.Length + Base64Url.GetEncodedLength(payloadLength);
        var totalLength = signedLength + 1 + Base64Url.GetEncodedLength(HmacSha256Signer.MacSize);
        var rented = ArrayPool<byte>.Shared.Rent(totalLength);
        try
        {
            var token = rented.AsSpan(0, totalLength);
            HeaderSegment.CopyTo(token);
            Base64Url.EncodeToUtf8(payload.WrittenSpan, token[HeaderSegment.Length..]);

            Span<byte> mac = stackalloc byte[HmacSha256Signer.MacSize];
            HmacSha256Signer.Sign(apiSecret, token[..signedLength], mac);
            token[signedLength] = (byte)'.';
            Base64Url.EncodeToUtf8(mac, token[(signedLength + 1)..]);

            return Encoding.ASCII.GetString(token);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
            if (payload.Capacity > RetainedBufferLimit)
            {
                s_payload = null;
                s_json = null;
            }
        }
    }

    private static void WritePayload(Utf8JsonWriter json, in TokenContent content)
    {
        json.WriteStartObject();
        WriteIfSet(json, s_name, content.Name);
        WriteIfSet(json, s_metadata, content.Metadata);
        if (content.Attributes is { Count: > 0 } attributes)
        {
            json.WriteStartObject(s_attributes);
            foreach (var (key, value) in attributes)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
        }

        WriteIfSet(json, s_kind, content.Kind);
        if (content.Video is { } video)
        {
            WriteVideo(json, video);
        }

        if (content.Sip is { } sip)
        {
            json.WritePropertyName(s_sip);
            JsonSerializer.Serialize(json, sip, LiveKitJsonContext.Default.SipGrant);
        }

        if (content.RoomConfig is { } roomConfig)
        {
            json.WritePropertyName(s_roomConfig);
            JsonSerializer.Serialize(json, roomConfig, LiveKitJsonContext.Default.RoomConfiguration);
        }

        WriteIfSet(json, s_roomPreset, content.RoomPreset);
        WriteIfSet(json, s_sha256, content.Sha256);
        json.WriteString(s_iss, content.Issuer);
        WriteIfSet(json, s_sub, content.Subject);
        json.WriteNumber(s_nbf, content.NotBefore);
        json.WriteNumber(s_exp, content.ExpiresAt);
        json.WriteEndObject();
    }

    // The hot path: written by hand in the same order and with the same omissions as the source-generated
    // VideoGrant contract (which the verifier reads with), checked by the round-trip and judge tests.
    private static void WriteVideo(Utf8JsonWriter json, VideoGrant video)
    {
        json.WriteStartObject(s_video);
        WriteIfTrue(json, s_roomCreate, video.RoomCreate);
        WriteIfTrue(json, s_roomList, video.RoomList);
        WriteIfTrue(json, s_roomRecord, video.RoomRecord);
        WriteIfTrue(json, s_roomAdmin, video.RoomAdmin);
        WriteIfTrue(json, s_roomJoin, video.RoomJoin);
        WriteIfSet(json, s_room, video.Room);
        WriteIfSet(json, s_destinationRoom, video.DestinationRoom);
        WriteIfTrue(json, s_ingressAdmin, video.IngressAdmin);
        WriteIfTrue(json, s_hidden, video.Hidden);
        WriteIfTrue(json, s_recorder, video.Recorder);
        WriteIfTrue(json, s_agent, video.Agent);
        WriteIfSet(json, s_canPublish, video.CanPublish);
        WriteIfSet(json, s_canSubscribe, video.CanSubscribe);
        WriteIfSet(json, s_canPublishData, video.CanPublishData);
        WriteIfSet(json, s_canUpdateOwnMetadata, video.CanUpdateOwnMetadata);
        WriteIfSet(json, s_canSubscribeMetrics, video.CanSubscribeMetrics);
        WriteIfSet(json, s_canManageAgentSession, video.CanManageAgentSession);
        if (video.CanPublishSources is { } sources)
        {
            json.WriteStartArray(s_canPublishSources);
            foreach (var source in sources)
            {
                json.WriteStringValue(TrackSources.ToWire(source));
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WriteIfTrue(Utf8JsonWriter json, JsonEncodedText name, bool value)
    {
        if (value)
        {
            json.WriteBoolean(name, true);
        }
    }

    private static void WriteIfSet(Utf8JsonWriter json, JsonEncodedText name, bool? value)
    {
        if (value is { } set)
        {
            json.WriteBoolean(name, set);
        }
    }

    private static void WriteIfSet(Utf8JsonWriter json, JsonEncodedText name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            json.WriteString(name, value);
        }
    }
}

/// <summary>Everything that goes into one token's payload, resolved and validated.</summary>
internal readonly record struct TokenContent(
    string Issuer,
    string? Subject,
    long NotBefore,
    long ExpiresAt,
    string? Name,
    string? Metadata,
    IDictionary<string, string>? Attributes,
    string? Kind,
    VideoGrant? Video,
    SipGrant? Sip,
    RoomConfiguration? RoomConfig,
    string? RoomPreset,
    string? Sha256);
