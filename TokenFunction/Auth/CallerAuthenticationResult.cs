namespace TokenFunction.Auth;

/// <summary>The outcome of <see cref="ICallerAuthenticator.AuthenticateAsync"/>.</summary>
public sealed class CallerAuthenticationResult
{
    private CallerAuthenticationResult(bool succeeded, AuthenticatedCaller? caller, string? failureDetail, string? wwwAuthenticate)
    {
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

    public static CallerAuthenticationResult Failure(string detail, string wwwAuthenticate) => new(false, null, detail, wwwAuthenticate);
}
