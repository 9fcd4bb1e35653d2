using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using TokenFunction.Secrets;
using TokenFunction.Tests.Support.Secrets;

namespace TokenFunction.Tests.Secrets;

/// <summary>Tests that set process-wide environment variables run alone.</summary>
[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

/// <summary>
/// The real <see cref="SecretClient"/> (and, in one test, the real <c>ManagedIdentityCredential</c>) against a local
/// fake Key Vault on loopback HTTPS: proves the SDK wiring — URI, secret name, version, the challenge — not a mock.
/// </summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class KeyVaultSdkWiringTests
{
    internal const string Tenant = "72f988bf-0000-4000-8000-2d7cd011db47";
    internal const string Version = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    internal const string SecretValue = "fake-vault-secret-value-7c1d";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_real_SecretClient_answers_the_challenge_and_loads_the_tagged_pair()
    {
        var credential = new FakeTokenCredential("fake-access-token-1");
        await using var vault = await LoopbackHttpsServer.StartAsync(FakeVault("fake-access-token-1"));
        var seen = new List<Uri>();
        Assert.False(KeyVaultAccess.CreateClientOptions(new KeyVaultApiCredentialsOptions()).DisableChallengeResourceVerification);
        using var provider = ProviderAgainst(vault, credential, seen);

        var pair = await provider.GetCredentialsAsync().AsTask().WaitAsync(s_wait);

        Assert.Equal(("APIfromTag", SecretValue), (pair.ApiKey, pair.ApiSecret));
        Assert.Equal(Version, provider.CurrentVersion);
        var requests = vault.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.All(requests, r =>
        {
            Assert.Equal("GET", r.Method);
            Assert.Equal("/secrets/livekit-api-secret", r.Path);
            Assert.Contains("api-version=", r.Query, StringComparison.Ordinal);
        });
        Assert.Null(requests[0].Authorization);
        Assert.Equal("Bearer fake-access-token-1", requests[1].Authorization);
        var tokenRequest = Assert.Single(credential.Requests);
        Assert.Equal(["https://vault.azure.net/.default"], tokenRequest.Scopes);
        Assert.Equal(Tenant, tokenRequest.TenantId);
        Assert.All(seen, uri => Assert.Equal(vault.BaseUri.Authority, uri.Authority));

        // Without the opt-out the SDK refuses the mismatched challenge resource, so production keeps the check on.
        var strictOptions = KeyVaultAccess.CreateClientOptions(new KeyVaultApiCredentialsOptions());
        strictOptions.Transport = vault.CreateTransport();
        var strict = new SecretClient(vault.BaseUri, new FakeTokenCredential("fake-access-token-1"), strictOptions);
        await Assert.ThrowsAsync<InvalidOperationException>(() => strict.GetSecretAsync("livekit-api-secret").WaitAsync(s_wait));
    }

    [Fact]
    public async Task In_Azure_the_user_assigned_managed_identity_asks_the_App_Service_endpoint_never_the_metadata_address()
    {
        const string ClientId = "11111111-2222-3333-4444-555555555555";
        await using var identity = await LoopbackHttpsServer.StartAsync(FakeAppServiceIdentityEndpoint("mi-access-token-9"), https: false);
        await using var vault = await LoopbackHttpsServer.StartAsync(FakeVault("mi-access-token-9"));
        var seen = new List<Uri>();
        var endpoint = Environment.GetEnvironmentVariable("IDENTITY_ENDPOINT");
        var header = Environment.GetEnvironmentVariable("IDENTITY_HEADER");
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", new Uri(identity.BaseUri, "msi/token").ToString());
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", "fake-identity-header");
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["WEBSITE_INSTANCE_ID"] = "fake-instance",
                ["AZURE_CLIENT_ID"] = ClientId,
            }).Build();
            var credential = KeyVaultAccess.CreateCredential(configuration, vault.CreateTransport(seen));
            using var provider = ProviderAgainst(vault, credential, seen);

            var pair = await provider.GetCredentialsAsync().AsTask().WaitAsync(s_wait);

            Assert.Equal(SecretValue, pair.ApiSecret);
        }
        finally
        {
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", endpoint);
            Environment.SetEnvironmentVariable("IDENTITY_HEADER", header);
        }

        var tokenRequest = Assert.Single(identity.Requests);
        Assert.Equal("/msi/token", tokenRequest.Path);
        var query = QueryHelpers.ParseQuery(tokenRequest.Query);
        Assert.Equal(ClientId, query["client_id"].ToString());
        Assert.Equal("https://vault.azure.net", query["resource"].ToString());
        Assert.Equal("fake-identity-header", tokenRequest.Headers["X-IDENTITY-HEADER"]);
        Assert.Equal("Bearer mi-access-token-9", vault.Requests.Last().Authorization);
        // The credential's own traffic went through the loopback-only transport, so a metadata probe could not escape.
        Assert.Contains(seen, uri => uri.Authority == identity.BaseUri.Authority);
        Assert.All(seen, uri => Assert.True(IPAddress.IsLoopback(IPAddress.Parse(uri.Host)), uri.Authority));
        Assert.DoesNotContain(seen, uri => uri.Host == "169.254.169.254");
    }

    /// <summary>
    /// A provider over the real <see cref="SecretClient"/>, configured as the app configures it, talking to the fake
    /// vault through the loopback-only transport (every URI it reaches recorded in <paramref name="seen"/>).
    /// </summary>
    private static KeyVaultApiCredentialsProvider ProviderAgainst(LoopbackHttpsServer vault, Azure.Core.TokenCredential credential, ICollection<Uri> seen)
    {
        var clientOptions = KeyVaultAccess.CreateClientOptions(new KeyVaultApiCredentialsOptions());
        clientOptions.Transport = vault.CreateTransport(seen);
        // The challenge names vault.azure.net while the fake vault is 127.0.0.1: the SDK checks that they match.
        clientOptions.DisableChallengeResourceVerification = true;
        return new KeyVaultApiCredentialsProvider(
            new SecretClient(vault.BaseUri, credential, clientOptions),
            Options.Create(new KeyVaultApiCredentialsOptions { VaultUri = vault.BaseUri }),
            TimeProvider.System,
            new FakeLogger<KeyVaultApiCredentialsProvider>());
    }

    /// <summary>Key Vault's protocol: 401 with the bearer challenge first, then the secret bundle for the right token.</summary>
    private static Func<HttpContext, Task> FakeVault(string expectedToken) => async context =>
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate =
                $"Bearer authorization=\"https://login.microsoftonline.com/{Tenant}\", resource=\"https://vault.azure.net\"";
            return;
        }

        if (authorization != $"Bearer {expectedToken}")
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        if (context.Request.Path != "/secrets/livekit-api-secret")
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var vaultBase = $"{context.Request.Scheme}://{context.Request.Host}";
        var bundle = new JsonObject
        {
            ["value"] = SecretValue,
            ["id"] = $"{vaultBase}/secrets/livekit-api-secret/{Version}",
            ["attributes"] = new JsonObject
            {
                ["enabled"] = true,
                ["created"] = 1764300000,
                ["updated"] = 1764300000,
                ["recoveryLevel"] = "Recoverable+Purgeable",
            },
            ["tags"] = new JsonObject { ["livekit-api-key"] = "APIfromTag" },
        };
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(bundle.ToJsonString());
    };

    /// <summary>The App Service managed-identity endpoint (IDENTITY_ENDPOINT), checking the secret header.</summary>
    private static Func<HttpContext, Task> FakeAppServiceIdentityEndpoint(string token) => async context =>
    {
        if (context.Request.Headers["X-IDENTITY-HEADER"] != "fake-identity-header")
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var body = new JsonObject
        {
            ["access_token"] = token,
            ["expires_on"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["resource"] = "https://vault.azure.net",
            ["token_type"] = "Bearer",
            ["client_id"] = context.Request.Query["client_id"].ToString(),
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    };
}
