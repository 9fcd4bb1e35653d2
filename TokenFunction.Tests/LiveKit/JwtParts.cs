using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TokenFunction.Tests.LiveKit;

/// <summary>Test-side JWT helpers written independently of the module under test.</summary>
internal static class JwtParts
{
    public static JsonElement Header(string token) => Decode(token.Split('.')[0]);

    public static JsonElement Payload(string token) => Decode(token.Split('.')[1]);

    public static JsonElement Decode(string part)
    {
        using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(part));
        return document.RootElement.Clone();
    }

    public static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    /// <summary>Builds a token from raw header and payload JSON, signed with <paramref name="secret"/> via the one-shot API.</summary>
    public static string Sign(string headerJson, string payloadJson, string secret)
    {
        var signingInput = Encode(headerJson) + "." + Encode(payloadJson);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(mac);
    }

    public static IReadOnlyList<string> PropertyNames(JsonElement element) =>
        [.. element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
}
