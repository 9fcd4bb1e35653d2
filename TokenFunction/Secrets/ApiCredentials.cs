namespace TokenFunction.Secrets;

/// <summary>
/// A LiveKit API key and the secret that signs for it, always handed out together so a token can never be
/// signed with a mismatched pair during a rotation.
/// </summary>
internal sealed class ApiCredentials
{
    public ApiCredentials(string apiKey, string apiSecret)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        if (string.IsNullOrEmpty(apiSecret))
        {
            // Never echo the value: ArgumentException.ThrowIfNullOrEmpty would be fine, but be explicit.
            throw new ArgumentException("The API secret must not be empty.", nameof(apiSecret));
        }

        ApiKey = apiKey;
        ApiSecret = apiSecret;
    }

    public string ApiKey { get; }

    public string ApiSecret { get; }

    /// <summary>Names the key only: this object ends up in debugger views and log scopes.</summary>
    public override string ToString() => $"ApiCredentials {{ ApiKey = {ApiKey}, ApiSecret = *** }}";
}
