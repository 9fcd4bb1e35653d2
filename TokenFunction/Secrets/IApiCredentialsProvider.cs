namespace TokenFunction.Secrets;

/// <summary>
/// Supplies the LiveKit API key and secret used to sign tokens (LiveKit's auth package calls this a key provider).
/// </summary>
public interface IKeyProvider
{
    /// <summary>True once a key pair has been loaded and can be served.</summary>
    bool IsReady { get; }

    /// <summary>
    /// Returns the current key pair. Completes synchronously on the hot path.
    /// Throws <see cref="SecretUnavailableException"/> when no pair can be served.
    /// </summary>
    ValueTask<ApiCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default);
}
