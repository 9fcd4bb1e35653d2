using System.Text.Json.Serialization;

namespace TokenFunction.LiveKit;

/// <summary>
/// LiveKit's custom claims, as read back from a verified token. <see cref="Identity"/> is the token's <c>sub</c>
/// (the server takes the identity from there).
/// </summary>
public sealed class ClaimGrants
{
    [JsonIgnore]
    public string? Identity { get; set; }

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
}
