using System.Text.Json.Serialization;

namespace TokenFunction.LiveKit;

/// <summary>
/// A LiveKit token's claims: the one model that <see cref="AccessToken"/> signs, the tests' verifier reads back
/// and the tests compare with LiveKit's own SDK. A new LiveKit claim is a new property here and nothing else: the
/// payload is written and read from this class by the source-generated <see cref="LiveKitJsonContext"/>.
/// Properties are declared in the order they are written.
/// </summary>
/// <remarks>
/// Claim names and meanings: <c>ClaimGrants</c> in https://github.com/livekit/protocol/blob/main/auth/grants.go and
/// https://github.com/livekit/node-sdks/blob/main/packages/livekit-server-sdk/src/grants.ts. The size limits the
/// server enforces on join are in docs/configuration.md.
/// </remarks>
public sealed class ClaimGrants
{
    /// <summary>The participant's display name (<c>name</c>); other participants see it.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// Free-form participant metadata (<c>metadata</c>), visible to the room's other participants and agents.
    /// </summary>
    public string? Metadata { get; set; }

    /// <summary>Key/value attributes attached to the participant (<c>attributes</c>), visible to the room.</summary>
    public IDictionary<string, string>? Attributes { get; set; }

    /// <summary>
    /// The kind of participant (<c>kind</c>): <c>standard</c>, <c>ingress</c>, <c>egress</c>, <c>sip</c>,
    /// <c>agent</c>, ...; the server treats an empty or unknown kind as <c>standard</c>.
    /// </summary>
    public string? Kind { get; set; }

    /// <summary>Room permissions (<c>video</c>).</summary>
    public VideoGrant? Video { get; set; }

    /// <summary>SIP permissions (<c>sip</c>).</summary>
    public SipGrant? Sip { get; set; }

    /// <summary>
    /// How the room is set up if this participant's join creates it, agent dispatch included (<c>roomConfig</c>).
    /// </summary>
    public RoomConfiguration? RoomConfig { get; set; }

    /// <summary>
    /// LiveKit Cloud only: the name of a room configuration preset (<c>roomPreset</c>); whatever
    /// <see cref="RoomConfig"/> sets overrides the preset.
    /// </summary>
    public string? RoomPreset { get; set; }

    /// <summary>
    /// A SHA-256 digest of a message body the token vouches for (<c>sha256</c>), as LiveKit's webhook requests carry;
    /// not used for joining a room.
    /// </summary>
    public string? Sha256 { get; set; }

    // The registered claims (RFC 7519): set by AccessToken when it signs, read back by the tests' verifier.
    // NumericDate may legally carry a fraction, hence double.

    [JsonInclude]
    [JsonPropertyName("iss")]
    internal string? Issuer { get; set; }

    /// <summary>The participant identity, the token's <c>sub</c> (the server takes the identity from there).</summary>
    [JsonPropertyName("sub")]
    public string? Identity { get; set; }

    [JsonInclude]
    [JsonPropertyName("nbf")]
    internal double? NotBefore { get; set; }

    [JsonInclude]
    [JsonPropertyName("exp")]
    internal double? ExpiresAt { get; set; }
}
