namespace TokenFunction.Auth;

/// <summary>A caller whose bearer token was validated: the LiveKit identity is theirs, not theirs to choose.</summary>
internal sealed class AuthenticatedCaller(string identity, string? name, Func<string, bool>? roomFilter = null)
{
    public string Identity { get; } = identity;

    public string? Name { get; } = name;

    /// <summary>The claim <see cref="Identity"/> came from, so a refusal can name it.</summary>
    public string IdentityClaim { get; init; } = "sub";

    /// <summary>The claim <see cref="Name"/> came from, so a refusal can name it.</summary>
    public string NameClaim { get; init; } = "name";

    /// <summary>Whether the caller's claims allow a room; unrestricted when no room claim is configured.</summary>
    public bool MayJoin(string room) => roomFilter?.Invoke(room) ?? true;
}
