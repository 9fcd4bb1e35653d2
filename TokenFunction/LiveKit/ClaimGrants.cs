using System.Text.Json.Serialization;

namespace TokenFunction.LiveKit;

/// <summary>
/// A LiveKit token's claims: the one model that <see cref="AccessToken"/> signs, <see cref="TokenVerifier"/> reads back
/// and the tests compare with LiveKit's own SDK. A new LiveKit claim is a new property here and nothing else: the
/// payload is written and read from this class by the source-generated <see cref="LiveKitJsonContext"/>.
/// Properties are declared in the order they are written.
/// </summary>
public sealed class ClaimGrants
{
    public string? Name { get; set; }

    public string? Metadata { get; set; }

    public IDictionary<string, string>? Attributes { get; set; }

    /// <summary><c>standard</c>, <c>ingress</c>, <c>egress</c>, <c>sip</c>, <c>agent</c>, ...</summary>
    public string? Kind { get; set; }

    public VideoGrant? Video { get; set; }

    public SipGrant? Sip { get; set; }

    public RoomConfiguration? RoomConfig { get; set; }

    public string? RoomPreset { get; set; }

    public string? Sha256 { get; set; }

    // The registered claims (RFC 7519): set by AccessToken when it signs, read by TokenVerifier, which reports them
    // through TokenVerificationResult. NumericDate may legally carry a fraction, hence double.

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
