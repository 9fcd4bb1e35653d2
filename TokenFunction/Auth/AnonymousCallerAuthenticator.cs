namespace TokenFunction.Auth;

/// <summary>Bearer mode off: only the platform's function key guards the token routes.</summary>
public sealed class AnonymousCallerAuthenticator : ICallerAuthenticator
{
    private static readonly ValueTask<CallerAuthenticationResult> s_anonymous = new(CallerAuthenticationResult.Anonymous);

    public bool IsEnabled => false;

    public ValueTask<CallerAuthenticationResult> AuthenticateAsync(string? authorizationHeader, CancellationToken cancellationToken) => s_anonymous;
}
