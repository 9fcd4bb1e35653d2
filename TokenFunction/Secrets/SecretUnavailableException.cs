namespace TokenFunction.Secrets;

/// <summary>No signing secret can be served right now; callers should answer 503 with <see cref="RetryAfter"/>.</summary>
internal sealed class SecretUnavailableException : Exception
{
    public SecretUnavailableException()
        : this("The signing secret is not available.", TimeSpan.FromSeconds(5))
    {
    }

    public SecretUnavailableException(string message)
        : this(message, TimeSpan.FromSeconds(5))
    {
    }

    public SecretUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
        RetryAfter = TimeSpan.FromSeconds(5);
    }

    public SecretUnavailableException(string message, TimeSpan retryAfter, Exception? innerException = null)
        : base(message, innerException)
    {
        RetryAfter = retryAfter;
    }

    public TimeSpan RetryAfter { get; }
}
