namespace TokenFunction.Auth;

/// <summary>
/// The identity provider's discovery document or signing keys cannot be read, so no bearer token can be checked.
/// Not the caller's fault: answer 503 with <see cref="RetryAfter"/>, never 401.
/// </summary>
internal sealed class CallerAuthenticationUnavailableException : Exception
{
    public CallerAuthenticationUnavailableException()
        : this("The identity provider's signing keys are not available.")
    {
    }

    public CallerAuthenticationUnavailableException(string message)
        : base(message)
    {
    }

    public CallerAuthenticationUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(5);
}
