using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;

namespace TokenFunction.Secrets;

/// <summary>
/// How the app reaches Key Vault: the identity it authenticates as and the <see cref="SecretClientOptions"/> (no SDK
/// retries, one try bounded by the fetch timeout). The <see cref="SecretClient"/> itself is registered from these in
/// <see cref="SecretsServiceCollectionExtensions"/>.
/// </summary>
internal static class KeyVaultAccess
{
    /// <summary>
    /// In Azure (App Service / Functions set <c>WEBSITE_INSTANCE_ID</c> and <c>IDENTITY_ENDPOINT</c>): the managed
    /// identity, user-assigned when <c>AZURE_CLIENT_ID</c> names one. Elsewhere: <see cref="DefaultAzureCredential"/>,
    /// which honours <c>AZURE_TOKEN_CREDENTIALS</c> (e.g. <c>dev</c> = developer tools only, no metadata-endpoint probe).
    /// </summary>
    /// <param name="configuration">The app settings.</param>
    /// <param name="transport">Only for tests: the HTTP transport the credential uses (e.g. loopback-only).</param>
    public static TokenCredential CreateCredential(IConfiguration configuration, HttpPipelineTransport? transport = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var clientId = configuration["AZURE_CLIENT_ID"];
        if (IsRunningInAzure(configuration))
        {
            var options = new ManagedIdentityCredentialOptions(string.IsNullOrWhiteSpace(clientId)
                ? ManagedIdentityId.SystemAssigned
                : ManagedIdentityId.FromUserAssignedClientId(clientId));
            if (transport is not null)
            {
                options.Transport = transport;
            }

            return new ManagedIdentityCredential(options);
        }

        return transport is null ? new DefaultAzureCredential() : new DefaultAzureCredential(new DefaultAzureCredentialOptions { Transport = transport });
    }

    public static bool IsRunningInAzure(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration["WEBSITE_INSTANCE_ID"]) || !string.IsNullOrEmpty(configuration["IDENTITY_ENDPOINT"]);

    /// <summary>
    /// The SDK's own retries are off: the provider retries with its own backoff, which honours <c>Retry-After</c>
    /// without holding a fetch open for the whole wait, and serves the cached pair meanwhile.
    /// </summary>
    public static SecretClientOptions CreateClientOptions(KeyVaultApiCredentialsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new SecretClientOptions();
        clientOptions.Retry.MaxRetries = 0;
        clientOptions.Retry.NetworkTimeout = options.FetchTimeout;
        return clientOptions;
    }
}
