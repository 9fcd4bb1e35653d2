using System.Net;
using System.Net.Sockets;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenFunction.Secrets;
using TokenFunction.Tests.Support.Secrets;

namespace TokenFunction.Tests.Secrets;

/// <summary>
/// KEY_VAULT_FETCH_TIMEOUT_SECONDS against the real SDK: the app's own ManagedIdentityCredential (App Service
/// IDENTITY_ENDPOINT/IDENTITY_HEADER) pointed at a loopback listener that accepts connections and never answers.
/// </summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class KeyVaultFetchTimeoutSdkTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_hanging_managed_identity_endpoint_is_cut_off_at_the_fetch_timeout_not_left_to_its_own_retries()
    {
        using var identity = new TcpListener(IPAddress.Loopback, 0);
        identity.Start();
        var connected = identity.AcceptTcpClientAsync();
        await using var vault = await LoopbackHttpsServer.StartAsync(ChallengeOnly);
        var seen = new List<Uri>();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new KeyVaultApiCredentialsOptions { VaultUri = vault.BaseUri, FetchTimeout = TimeSpan.FromSeconds(5) };
        var endpoint = Environment.GetEnvironmentVariable("IDENTITY_ENDPOINT");
        var header = Environment.GetEnvironmentVariable("IDENTITY_HEADER");
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", $"http://127.0.0.1:{((IPEndPoint)identity.LocalEndpoint).Port}/msi/token");
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", "fake-identity-header");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["WEBSITE_INSTANCE_ID"] = "fake-instance" })
                .Build();
            var credential = KeyVaultAccess.CreateCredential(configuration, vault.CreateTransport(seen));
            var clientOptions = KeyVaultAccess.CreateClientOptions(options);
            clientOptions.Transport = vault.CreateTransport(seen);
            clientOptions.DisableChallengeResourceVerification = true;
            using var provider = new KeyVaultApiCredentialsProvider(
                new SecretClient(vault.BaseUri, credential, clientOptions), Options.Create(options), time, new FakeLogger<KeyVaultApiCredentialsProvider>());

            var cold = provider.GetCredentialsAsync().AsTask();
            using var hanging = await connected.WaitAsync(s_wait);
            Assert.False(cold.IsCompleted);

            time.Advance(options.FetchTimeout);

            var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => cold.WaitAsync(s_wait));
            Assert.IsType<TimeoutException>(error.InnerException);
            Assert.Equal(options.MinBackoff, error.RetryAfter);
            Assert.False(provider.IsReady);
        }
        finally
        {
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", endpoint);
            Environment.SetEnvironmentVariable("IDENTITY_HEADER", header);
        }

        // The token request went to the loopback identity endpoint through the loopback-only transport: nothing else.
        Assert.Contains(seen, uri => uri.AbsolutePath == "/msi/token");
        Assert.All(seen, uri => Assert.True(IPAddress.IsLoopback(IPAddress.Parse(uri.Host)), uri.Authority));
    }

    /// <summary>A vault that only ever asks for a token (Key Vault's 401 bearer challenge).</summary>
    private static Task ChallengeOnly(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate =
            $"Bearer authorization=\"https://login.microsoftonline.com/{KeyVaultSdkWiringTests.Tenant}\", resource=\"https://vault.azure.net\"";
        return Task.CompletedTask;
    }
}
