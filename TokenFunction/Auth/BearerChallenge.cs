namespace TokenFunction.Auth;

/// <summary><c>WWW-Authenticate</c> values for the Bearer scheme (RFC 6750 section 3).</summary>
internal static class BearerChallenge
{
    /// <summary>No credentials were sent: the bare challenge, with no error code (RFC 6750 section 3.1).</summary>
    public const string Missing = "Bearer";

    /// <summary>A token was sent but refused. <paramref name="description"/> is one of our fixed sentences, never token content.</summary>
    public static string InvalidToken(string description) => Error("invalid_token", description);

    /// <summary>A valid token without the scope or role required (RFC 6750 section 3.1): sent with 403.</summary>
    public static string InsufficientScope(string description) => Error("insufficient_scope", description);

    private static string Error(string error, string description)
    {
        ArgumentNullException.ThrowIfNull(description);

        // error_description allows %x20-21 / %x23-5B / %x5D-7E only.
        var safe = new string([.. description.Where(c => c is >= ' ' and <= '~' and not '"' and not '\\')]);
        return $"Bearer error=\"{error}\", error_description=\"{safe}\"";
    }
}
