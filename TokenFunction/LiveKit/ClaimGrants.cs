using System.Text.Json.Serialization;

namespace TokenFunction.LiveKit;

/// <summary>
/// A LiveKit token's claims: the one model that <see cref="AccessToken"/> signs, the tests' verifier reads back
/// and the tests compare with LiveKit's own SDK. It holds the claims this service issues; LiveKit's others
/// (<c>kind</c>, <c>sip</c>, <c>roomPreset</c>, <c>sha256</c>) are never issued, so they are not modelled. A claim the
/// service comes to issue is a new property here and nothing else: the payload is written and read from this class
/// by the source-generated <see cref="LiveKitJsonContext"/>. Properties are declared in the order they are written.
/// </summary>
/// <remarks>
/// Claim names and meanings: <c>ClaimGrants</c> in https://github.com/livekit/protocol/blob/main/auth/grants.go and
/// https://github.com/livekit/node-sdks/blob/main/packages/livekit-server-sdk/src/grants.ts. The size limits the
/// server enforces on join are in docs/configuration.md.
/// </remarks>
internal sealed class ClaimGrants
{
    /// <summary><c>name</c>: the participant's display name; other participants see it.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// <c>metadata</c>: free-form participant metadata, visible to the room's other participants and agents.
    /// </summary>
    public string? Metadata { get; set; }

    /// <summary><c>attributes</c>: key/value attributes attached to the participant, visible to the room.</summary>
    public IDictionary<string, string>? Attributes { get; set; }

    /// <summary><c>video</c>: the participant's room permissions.</summary>
    public VideoGrant? Video { get; set; }

    /// <summary>
    /// <c>roomConfig</c>: how the room is set up if this participant's join creates it (the agents to dispatch).
    /// </summary>
    public RoomConfiguration? RoomConfig { get; set; }

    // The registered claims (RFC 7519): set by AccessToken when it signs, read back by the tests' verifier.
    // NumericDate may legally carry a fraction, hence double.

    /// <summary><c>iss</c>: the API key the token is signed for; set when it is signed.</summary>
    [JsonInclude]
    [JsonPropertyName("iss")]
    internal string? Issuer { get; set; }

    /// <summary><c>sub</c>: the participant identity (the server takes the identity from there).</summary>
    [JsonPropertyName("sub")]
    public string? Identity { get; set; }

    /// <summary><c>nbf</c>: not before, seconds since the Unix epoch; set when the token is signed.</summary>
    [JsonInclude]
    [JsonPropertyName("nbf")]
    internal double? NotBefore { get; set; }

    /// <summary><c>exp</c>: expiry, seconds since the Unix epoch; set when the token is signed.</summary>
    [JsonInclude]
    [JsonPropertyName("exp")]
    internal double? ExpiresAt { get; set; }
}
