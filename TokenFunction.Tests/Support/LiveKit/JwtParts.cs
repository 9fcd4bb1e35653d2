using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TokenFunction.Tests.Support.LiveKit;

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

    // Every claim the service can issue, written here by hand from the protocol's names (not read from the module).
    private static readonly string[] s_issuedClaims = ["iss", "sub", "nbf", "exp", "name", "metadata", "attributes", "video", "roomConfig"];
    private static readonly string[] s_issuedVideo = ["roomJoin", "room", "canPublish", "canSubscribe", "canPublishData", "canUpdateOwnMetadata", "canPublishSources"];
    private static readonly string[] s_issuedRoomConfig = ["agents"];
    private static readonly string[] s_issuedDispatch = ["agentName", "metadata", "restartPolicy", "deployment", "attributes"];

    /// <summary>
    /// The claims in <paramref name="token"/> the service never issues (<c>video.roomAdmin</c>, <c>video.hidden</c>,
    /// <c>kind</c>, <c>sip</c>, <c>roomConfig.egress</c>, ... or any name LiveKit adds), by path; empty for a token
    /// the service may have issued.
    /// </summary>
    public static IReadOnlyList<string> UnissuedClaims(string token)
    {
        var payload = Payload(token);
        var found = Outside(payload, s_issuedClaims, "").ToList();
        if (payload.TryGetProperty("video", out var video))
        {
            found.AddRange(Outside(video, s_issuedVideo, "video."));
        }

        if (payload.TryGetProperty("roomConfig", out var roomConfig))
        {
            found.AddRange(Outside(roomConfig, s_issuedRoomConfig, "roomConfig."));
            if (roomConfig.TryGetProperty("agents", out var agents))
            {
                var i = 0;
                foreach (var agent in agents.EnumerateArray())
                {
                    found.AddRange(Outside(agent, s_issuedDispatch, $"roomConfig.agents[{i++}]."));
                }
            }
        }

        return found;
    }

    private static IEnumerable<string> Outside(JsonElement element, string[] allowed, string prefix) =>
        element.EnumerateObject().Where(p => !allowed.Contains(p.Name, StringComparer.Ordinal)).Select(p => prefix + p.Name);
}
