namespace TokenFunction.LiveKit;

/// <summary>A token payload as read by <see cref="TokenVerifier"/>: registered claims plus LiveKit's own.</summary>
internal sealed class JwtClaimSet
{
    public string? Iss { get; set; }

    public string? Sub { get; set; }

    // NumericDate may legally carry a fraction.
    public double? Nbf { get; set; }

    public double? Exp { get; set; }

    public string? Name { get; set; }

    public string? Metadata { get; set; }

    public Dictionary<string, string>? Attributes { get; set; }

    public string? Kind { get; set; }

    public VideoGrant? Video { get; set; }

    public SipGrant? Sip { get; set; }

    public RoomConfiguration? RoomConfig { get; set; }

    public string? RoomPreset { get; set; }

    public string? Sha256 { get; set; }
}
