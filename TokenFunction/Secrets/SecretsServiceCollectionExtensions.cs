using System.Globalization;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace TokenFunction.Secrets;

internal static class SecretsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="IApiCredentialsProvider"/> chosen by configuration: Key Vault when <c>KEY_VAULT_URI</c> is set
    /// (cached, warmed at start-up), otherwise the fixed pair in <c>LIVEKIT_API_KEY</c>/<c>LIVEKIT_API_SECRET</c>.
    /// </summary>
    public static IServiceCollection AddApiCredentialsProvider(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var apiKey = configuration["LIVEKIT_API_KEY"];
        if (!string.IsNullOrWhiteSpace(configuration["KEY_VAULT_URI"]))
        {
            return services.AddKeyVaultApiCredentialsProvider(configuration);
        }

        var apiSecret = configuration["LIVEKIT_API_SECRET"];
        if (string.IsNullOrEmpty(apiSecret))
        {
            throw new InvalidOperationException(
                "No LiveKit API secret is configured: set KEY_VAULT_URI (the Key Vault holding it, in Azure) or "
                + "LIVEKIT_API_SECRET with LIVEKIT_API_KEY (locally; see local.settings.sample.json).");
        }

        if (string.IsNullOrEmpty(apiKey))
        {
            throw new InvalidOperationException("LIVEKIT_API_SECRET is set but LIVEKIT_API_KEY is not: set both.");
        }

        services.AddSingleton<IApiCredentialsProvider>(new StaticApiCredentialsProvider(new ApiCredentials(apiKey, apiSecret)));
        return services;
    }

    private static IServiceCollection AddKeyVaultApiCredentialsProvider(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<KeyVaultApiCredentialsOptions>()
            .Configure(options => Bind(configuration, options))
            .ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<KeyVaultApiCredentialsOptions>, KeyVaultApiCredentialsOptionsValidator>());
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<KeyVaultApiCredentialsOptions>>().Value;
            return new SecretClient(
                options.VaultUri!,
                KeyVaultAccess.CreateCredential(configuration),
                KeyVaultAccess.CreateClientOptions(options));
        });
        services.AddSingleton<KeyVaultApiCredentialsProvider>();
        services.AddSingleton<IApiCredentialsProvider>(provider => provider.GetRequiredService<KeyVaultApiCredentialsProvider>());
        services.AddHostedService<ApiCredentialsWarmUpService>();
        return services;
    }

    private static void Bind(IConfiguration configuration, KeyVaultApiCredentialsOptions options)
    {
        // A malformed URI is left null so that validation reports it with the setting's name.
        options.VaultUri = Uri.TryCreate(configuration["KEY_VAULT_URI"], UriKind.Absolute, out var uri) ? uri : null;
        options.SecretName = configuration["KEY_VAULT_SECRET_NAME"] is { Length: > 0 } name
            ? name
            : KeyVaultApiCredentialsOptions.DefaultSecretName;
        options.FallbackApiKey = configuration["LIVEKIT_API_KEY"];
        options.TimeToLive = Seconds(configuration, "KEY_VAULT_CACHE_TTL_SECONDS", options.TimeToLive);
        options.RefreshAhead = Seconds(configuration, "KEY_VAULT_REFRESH_AHEAD_SECONDS", options.RefreshAhead);
        options.MaxStaleness = Seconds(configuration, "KEY_VAULT_MAX_STALENESS_SECONDS", options.MaxStaleness);
        options.MinBackoff = Seconds(configuration, "KEY_VAULT_RETRY_MIN_SECONDS", options.MinBackoff);
        options.MaxBackoff = Seconds(configuration, "KEY_VAULT_RETRY_MAX_SECONDS", options.MaxBackoff);
        options.FetchTimeout = Seconds(configuration, "KEY_VAULT_FETCH_TIMEOUT_SECONDS", options.FetchTimeout);
        options.WarmUpTimeout = Seconds(configuration, "KEY_VAULT_WARMUP_TIMEOUT_SECONDS", options.WarmUpTimeout);
    }

    // Whole or fractional seconds; TimeSpan's own format would read "300" as 300 days.
    private static TimeSpan Seconds(IConfiguration configuration, string setting, TimeSpan fallback)
    {
        var text = configuration[setting];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            && double.IsFinite(seconds) && Math.Abs(seconds) <= TimeSpan.FromDays(365).TotalSeconds
                ? TimeSpan.FromSeconds(seconds)
                : throw new InvalidOperationException($"{setting} must be a number of seconds.");
    }
}
