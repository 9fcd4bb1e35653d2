namespace TokenFunction.Auth;

/// <summary>How callers of the token routes are authenticated on top of the platform's function key.</summary>
public enum CallerAuthenticationMode
{
    /// <summary>Only the function key: callers choose an identity within policy.</summary>
    Anonymous,

    /// <summary>Callers also present a JWT from the app's identity provider; the identity comes from it.</summary>
    Bearer,
}
