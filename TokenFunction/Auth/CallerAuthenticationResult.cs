namespace TokenFunction.Auth;

/// <summary>The outcome of <see cref="ICallerAuthenticator.AuthenticateAsync"/>.</summary>
internal sealed class CallerAuthenticationResult
{
    private CallerAuthenticationResult(bool succeeded, AuthenticatedCaller? caller, string? failureDetail, string? wwwAuthenticate, int failureStatus = 401, string? failureField = null)
    {
        FailureStatus = failureStatus;
        FailureField = failureField;
        Succeeded = succeeded;
        Caller = caller;
        FailureDetail = failureDetail;
        WwwAuthenticate = wwwAuthenticate;
    }

    /// <summary>Bearer mode is off: the caller is anonymous and may choose an identity within policy.</summary>
    public static CallerAuthenticationResult Anonymous { get; } = new(true, null, null, null);

    public bool Succeeded { get; }

    /// <summary>The authenticated caller; null for <see cref="Anonymous"/> and for failures.</summary>
    public AuthenticatedCaller? Caller { get; }

    /// <summary>Why authentication failed, safe to return to the client (never the token itself).</summary>
    public string? FailureDetail { get; }

    /// <summary>The <c>WWW-Authenticate</c> header value to send with the 401.</summary>
    public string? WwwAuthenticate { get; }

    public static CallerAuthenticationResult Success(AuthenticatedCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return new(true, caller, null, null);
    }

    /// <summary>401 for missing or invalid credentials; 403 for a valid token without the scope or role required (RFC 6750 section 3.1).</summary>
    public int FailureStatus { get; }

    /// <summary>The claim a 403 is about (<c>token.scp</c>, <c>token.roles</c>), as policy refusals name their field.</summary>
    public string? FailureField { get; }

    public static CallerAuthenticationResult Failure(string detail, string wwwAuthenticate) => new(false, null, detail, wwwAuthenticate);

    /// <summary>A valid token that lacks the scope or role this service requires: 403 with an <c>insufficient_scope</c> challenge.</summary>
    public static CallerAuthenticationResult Forbidden(string field, string detail) => new(false, null, detail, BearerChallenge.InsufficientScope(detail), 403, field);
}
