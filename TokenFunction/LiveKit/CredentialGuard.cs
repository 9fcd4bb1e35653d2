namespace TokenFunction.LiveKit;

/// <summary>The one check every signer and verifier makes on its key pair; messages never carry the values.</summary>
internal static class CredentialGuard
{
    public static void ThrowIfEmpty(string apiKey, string apiSecret)
    {
        if (string.IsNullOrEmpty(apiKey))
        {
            throw new ArgumentException("The API key must not be empty.", nameof(apiKey));
        }

        if (string.IsNullOrEmpty(apiSecret))
        {
            throw new ArgumentException("The API secret must not be empty.", nameof(apiSecret));
        }
    }
}
