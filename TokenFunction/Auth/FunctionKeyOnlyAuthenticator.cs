namespace TokenFunction.Auth;

/// <summary>
/// <c>Auth__Mode=Anonymous</c>: no caller identity, but not an open door either; the platform's function key still
/// guards the token routes, and the caller chooses an identity within policy.
/// </summary>
internal sealed class FunctionKeyOnlyAuthenticator : ICallerAuthenticator
{
    private static readonly ValueTask<CallerAuthenticationResult> s_anonymous = new(CallerAuthenticationResult.Anonymous);

    public bool IsEnabled => false;

    public ValueTask<CallerAuthenticationResult> AuthenticateAsync(string? authorizationHeader, CancellationToken cancellationToken) => s_anonymous;
}
