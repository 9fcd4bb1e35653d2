namespace TokenFunction.Secrets;

/// <summary>
/// Supplies the LiveKit API key and secret this service signs tokens with, as one pair (<see cref="ApiCredentials"/>).
/// </summary>
/// <remarks>
/// Not LiveKit's <c>KeyProvider</c>: that one (livekit/protocol auth/provider.go, <c>GetSecret(key)</c>) is the
/// verifier's side, looking the secret up by the key a token names. A signer needs the whole current pair.
/// Public only because <c>HealthFunction</c>'s public constructor takes it (docs/architecture.md, public surface);
/// its members are internal, so <see cref="ApiCredentials"/> need not be public.
/// </remarks>
public interface IApiCredentialsProvider
{
    /// <summary>True once a key pair has been loaded and can be served.</summary>
    internal bool IsReady { get; }

    /// <summary>
    /// Returns the current key pair. Completes synchronously on the hot path.
    /// Throws <see cref="SecretUnavailableException"/> when no pair can be served.
    /// </summary>
    internal ValueTask<ApiCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default);
}
