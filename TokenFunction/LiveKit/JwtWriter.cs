using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TokenFunction.LiveKit;

/// <summary>
/// Writes and signs a token in per-thread buffers: the payload is <see cref="ClaimGrants"/> written by the
/// source-generated serializer into one reused <see cref="Utf8JsonWriter"/>, the compact JWS is assembled as ASCII
/// bytes, and the only allocation left is the returned string.
/// </summary>
internal static class JwtWriter
{
    /// <summary>base64url of <c>{"alg":"HS256","typ":"JWT"}</c> and the dot after it.</summary>
    private static ReadOnlySpan<byte> HeaderSegment => "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."u8;

    // Buffers that grew past this (a huge metadata claim) are dropped rather than pinned to the thread for good.
    internal const int RetainedBufferLimit = 64 * 1024;

    // The payload is base64url-encoded, never embedded in HTML, so non-ASCII text is written as UTF-8 (as the
    // Node SDK does) instead of as \u escapes, which keeps tokens short.
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? s_payload;

    [ThreadStatic]
    private static Utf8JsonWriter? s_json;

    public static string Write(ClaimGrants claims, string apiSecret)
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

        JsonSerializer.Serialize(json, claims, LiveKitJsonContext.Default.ClaimGrants);
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
}
