namespace TokenFunction.Auth;

/// <summary>
/// Decides who is asking for a token. With bearer mode off every caller is anonymous and chooses an identity
/// within policy; with bearer mode on the identity comes from the caller's validated JWT.
/// </summary>
internal interface ICallerAuthenticator
{
    /// <summary>True when callers must present a bearer token from the app's identity provider.</summary>
    bool IsEnabled { get; }

    /// <param name="authorizationHeader">The raw <c>Authorization</c> header value, or null when absent.</param>
    ValueTask<CallerAuthenticationResult> AuthenticateAsync(string? authorizationHeader, CancellationToken cancellationToken);
}
