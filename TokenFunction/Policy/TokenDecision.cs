using TokenFunction.LiveKit;

namespace TokenFunction.Policy;

/// <summary>What a token will carry, once policy has approved a request.</summary>
public sealed class TokenDecision
{
    public required string Room { get; init; }

    public required string Identity { get; init; }

    public required string Name { get; init; }

    public string? Metadata { get; init; }

    public IDictionary<string, string>? Attributes { get; init; }

    public required TimeSpan Ttl { get; init; }

    public required VideoGrant Video { get; init; }

    public RoomConfiguration? RoomConfig { get; init; }
}
