using Microsoft.Extensions.Options;

namespace TokenFunction.Secrets;

/// <summary>
/// Where the LiveKit key pair lives in Key Vault and how long a loaded copy may be served.
/// Each setting has an app setting of the same meaning (see <see cref="SecretsServiceCollectionExtensions"/>).
/// </summary>
internal sealed class KeyVaultApiCredentialsOptions
{
    /// <summary>The secret version's tag that carries the API key, so key and secret change in one write.</summary>
    public const string ApiKeyTagName = "livekit-api-key";

    public const string DefaultSecretName = "livekit-api-secret";

    /// <summary>The vault, e.g. <c>https://kv-abc123.vault.azure.net/</c> (<c>KEY_VAULT_URI</c>).</summary>
    public Uri? VaultUri { get; set; }

    /// <summary>The secret whose value is the API secret (<c>KEY_VAULT_SECRET_NAME</c>).</summary>
    public string SecretName { get; set; } = DefaultSecretName;

    /// <summary>The API key used when the secret version has no <see cref="ApiKeyTagName"/> tag (<c>LIVEKIT_API_KEY</c>).</summary>
    public string? FallbackApiKey { get; set; }

    /// <summary>How long a loaded pair counts as fresh.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long before expiry a background refresh starts; callers keep the cached pair meanwhile.</summary>
    public TimeSpan RefreshAhead { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long past expiry the last good pair is still served while Key Vault cannot be read.</summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The first retry delay after a failed read; doubles per consecutive failure.</summary>
    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest computed retry delay. A longer <c>Retry-After</c> from Key Vault is still honoured.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Bounds one whole Key Vault read: the credential's token request and <c>GetSecret</c> together.</summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long start-up waits for the first read before the host starts anyway.</summary>
    public TimeSpan WarmUpTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Refuses settings that would make the cache useless or unsafe, at start-up rather than on the first request.</summary>
internal sealed class KeyVaultApiCredentialsOptionsValidator : IValidateOptions<KeyVaultApiCredentialsOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyVaultApiCredentialsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.VaultUri is not { IsAbsoluteUri: true } uri || uri.Scheme != Uri.UriSchemeHttps)
        {
            failures.Add("KEY_VAULT_URI must be an absolute https URI such as https://<vault-name>.vault.azure.net/.");
        }

        if (string.IsNullOrWhiteSpace(options.SecretName))
        {
            failures.Add("KEY_VAULT_SECRET_NAME must not be empty.");
        }

        if (options.TimeToLive < TimeSpan.FromSeconds(1) || options.TimeToLive > TimeSpan.FromDays(1))
        {
            failures.Add("The cache time to live must be between 1 second and 1 day.");
        }

        if (options.RefreshAhead < TimeSpan.Zero || options.RefreshAhead >= options.TimeToLive)
        {
            failures.Add("The refresh-ahead window must be at least 0 and shorter than the cache time to live.");
        }

        if (options.MaxStaleness < TimeSpan.Zero || options.MaxStaleness > TimeSpan.FromDays(30))
        {
            failures.Add("The maximum staleness must be between 0 and 30 days.");
        }

        if (options.MinBackoff <= TimeSpan.Zero || options.MaxBackoff < options.MinBackoff
            || options.MaxBackoff > TimeSpan.FromHours(1))
        {
            failures.Add("The retry backoff bounds must satisfy 0 < minimum <= maximum <= 1 hour.");
        }

        if (options.FetchTimeout <= TimeSpan.Zero)
        {
            failures.Add("The Key Vault fetch timeout must be positive.");
        }

        if (options.WarmUpTimeout < TimeSpan.Zero || options.WarmUpTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add("The warm-up timeout must be between 0 and 5 minutes.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
