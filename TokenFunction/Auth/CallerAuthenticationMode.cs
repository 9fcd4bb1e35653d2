namespace TokenFunction.Auth;

/// <summary>How callers of the token routes are authenticated on top of the platform's function key.</summary>
internal enum CallerAuthenticationMode
{
    /// <summary>Only the function key: callers choose an identity within policy. Written <c>Anonymous</c> in settings.</summary>
    FunctionKeyOnly = 0,

    /// <summary>
    /// The setting value for <see cref="FunctionKeyOnly"/> (<c>Auth__Mode=Anonymous</c>), kept so deployed settings
    /// keep working: the caller is anonymous to us, yet still needs the function key.
    /// </summary>
    Anonymous = FunctionKeyOnly,

    /// <summary>Callers also present a JWT from the app's identity provider; the identity comes from it.</summary>
    Bearer,
}
