using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenFunction.Secrets;

namespace TokenFunction.Tests.Secrets;

public sealed class ApiCredentialsRegistrationTests
{
    private static ServiceProvider Build(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
        services.AddApiCredentialsProvider(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void A_vault_URI_selects_the_cached_Key_Vault_provider_with_its_warm_up()
    {
        using var services = Build(
            ("KEY_VAULT_URI", "https://kv-abc.vault.azure.net/"),
            ("LIVEKIT_API_KEY", "fallback"),
            ("KEY_VAULT_CACHE_TTL_SECONDS", "120"),
            ("KEY_VAULT_REFRESH_AHEAD_SECONDS", "30"));

        Assert.IsType<KeyVaultApiCredentialsProvider>(services.GetRequiredService<IApiCredentialsProvider>());
        Assert.Contains(services.GetServices<IHostedService>(), s => s is ApiCredentialsWarmUpService);
        var options = services.GetRequiredService<IOptions<KeyVaultApiCredentialsOptions>>().Value;
        Assert.Equal(new Uri("https://kv-abc.vault.azure.net/"), options.VaultUri);
        Assert.Equal("livekit-api-secret", options.SecretName);
        Assert.Equal("fallback", options.FallbackApiKey);
        Assert.Equal(TimeSpan.FromMinutes(2), options.TimeToLive);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RefreshAhead);
        Assert.Equal(new Uri("https://kv-abc.vault.azure.net/"), services.GetRequiredService<SecretClient>().VaultUri);
    }

    [Fact]
    public void The_secret_name_can_be_changed()
    {
        using var services = Build(("KEY_VAULT_URI", "https://kv-abc.vault.azure.net/"), ("KEY_VAULT_SECRET_NAME", "other"));

        Assert.Equal("other", services.GetRequiredService<IOptions<KeyVaultApiCredentialsOptions>>().Value.SecretName);
    }

    [Fact]
    public void Without_a_vault_the_configured_pair_is_served()
    {
        using var services = Build(("LIVEKIT_API_KEY", "devkey"), ("LIVEKIT_API_SECRET", "secret"));

        Assert.IsType<StaticApiCredentialsProvider>(services.GetRequiredService<IApiCredentialsProvider>());
        Assert.Empty(services.GetServices<IHostedService>());
    }

    [Fact]
    public void With_neither_setting_start_up_fails_naming_both()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(("LIVEKIT_API_KEY", "devkey")));

        Assert.Contains("KEY_VAULT_URI", error.Message, StringComparison.Ordinal);
        Assert.Contains("LIVEKIT_API_SECRET", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("KEY_VAULT_URI", "http://kv-abc.vault.azure.net/", "https")]
    [InlineData("KEY_VAULT_URI", "not a uri", "https")]
    [InlineData("KEY_VAULT_REFRESH_AHEAD_SECONDS", "300", "refresh-ahead")]
    [InlineData("KEY_VAULT_CACHE_TTL_SECONDS", "0", "time to live")]
    [InlineData("KEY_VAULT_MAX_STALENESS_SECONDS", "-1", "staleness")]
    [InlineData("KEY_VAULT_RETRY_MIN_SECONDS", "90", "backoff")]
    [InlineData("KEY_VAULT_FETCH_TIMEOUT_SECONDS", "0", "fetch timeout")]
    public void Bad_settings_are_refused_at_start_up(string setting, string value, string named)
    {
        var settings = new Dictionary<string, string>
        {
            ["KEY_VAULT_URI"] = "https://kv-abc.vault.azure.net/",
            [setting] = value,
        };
        using var services = Build([.. settings.Select(s => (s.Key, s.Value))]);

        // ValidateOnStart runs this validator when the host starts, before any request.
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<KeyVaultApiCredentialsOptions>>().Value);
        Assert.Contains(named, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_malformed_number_is_refused_naming_the_setting()
    {
        using var services = Build(("KEY_VAULT_URI", "https://kv-abc.vault.azure.net/"), ("KEY_VAULT_CACHE_TTL_SECONDS", "00:05:00"));

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IOptions<KeyVaultApiCredentialsOptions>>().Value);
        Assert.Contains("KEY_VAULT_CACHE_TTL_SECONDS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        var options = new KeyVaultApiCredentialsOptions { VaultUri = new Uri("https://kv-abc.vault.azure.net/") };

        Assert.True(new KeyVaultApiCredentialsOptionsValidator().Validate(null, options).Succeeded);
        Assert.InRange(options.TimeToLive, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(15));
    }

    [Fact]
    public void In_Azure_the_managed_identity_is_used_and_locally_the_default_chain()
    {
        static IConfiguration Settings(params (string Key, string Value)[] values) => new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

        Assert.IsType<ManagedIdentityCredential>(KeyVaultAccess.CreateCredential(
            Settings(("WEBSITE_INSTANCE_ID", "abc"), ("AZURE_CLIENT_ID", "00000000-0000-0000-0000-000000000001"))));
        Assert.IsType<ManagedIdentityCredential>(KeyVaultAccess.CreateCredential(Settings(("IDENTITY_ENDPOINT", "http://127.0.0.1:1/"))));
        Assert.IsType<DefaultAzureCredential>(KeyVaultAccess.CreateCredential(Settings()));
    }

    [Fact]
    public void The_SDK_does_not_retry_on_its_own()
    {
        var options = KeyVaultAccess.CreateClientOptions(new KeyVaultApiCredentialsOptions { FetchTimeout = TimeSpan.FromSeconds(7) });

        Assert.Equal(0, options.Retry.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(7), options.Retry.NetworkTimeout);
    }
}
