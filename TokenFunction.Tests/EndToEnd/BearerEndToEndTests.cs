using System.Net;
using System.Net.Http.Headers;
using TokenFunction.Tests.EndToEnd.Hosts;
using TokenFunction.Tests.Support;
using TokenFunction.Tests.Support.Auth;
using TokenFunction.Tests.Support.Contract;
using Xunit.Abstractions;

namespace TokenFunction.Tests.EndToEnd;

/// <summary>The built worker in bearer mode under this run's host, against the loopback OIDC issuer.</summary>
[Collection(WorkerProcesses.Name)]
public sealed class BearerEndToEndTests(BearerEndToEndTests.BearerWorker worker) : IClassFixture<BearerEndToEndTests.BearerWorker>
{
    private const string s_audience = "api://token-service";

    [Fact]
    public async Task A_valid_bearer_token_and_function_key_get_a_token_for_the_callers_own_identity()
    {
        var bearer = worker.Issuer.CreateToken(worker.Key, s_audience, new Dictionary<string, object> { ["sub"] = "alice-e2e", ["name"] = "Alice" });

        var (response, body) = await SendAsync("""{"room_name":"e2e-room"}""", worker.Host.FunctionKey, bearer);

        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}{Environment.NewLine}{worker.Host.Diagnostics}");
        var json = System.Text.Json.JsonDocument.Parse(body).RootElement;
        Assert.Equal("alice-e2e", json.GetProperty("participant_identity").GetString());
        var claims = await EndToEndHttp.AssertJudgedTokenAsync(json.GetProperty("participant_token").GetString()!);
        Assert.Equal("alice-e2e", claims.GetProperty("sub").GetString());
    }

    [Fact]
    public async Task Asking_for_another_identity_is_403()
    {
        var bearer = worker.Issuer.CreateToken(worker.Key, s_audience, new Dictionary<string, object> { ["sub"] = "alice-e2e" });

        var (response, body) = await SendAsync("""{"participant_identity":"bob"}""", worker.Host.FunctionKey, bearer);

        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_function_key_without_a_bearer_token_is_401_with_a_bearer_challenge()
    {
        var (response, body) = await SendAsync("{}", worker.Host.FunctionKey, bearer: null);

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_forged_bearer_token_is_401_and_is_not_echoed()
    {
        var genuine = worker.Issuer.CreateToken(worker.Key, s_audience, new Dictionary<string, object> { ["sub"] = "alice-e2e" });
        var forged = ForgedTokens.WithPayloadClaim(genuine, "sub", "bob");

        var (response, body) = await SendAsync("{}", worker.Host.FunctionKey, forged);

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{(int)response.StatusCode}: {body}");
        Assert.StartsWith("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(forged.Split('.')[1], body, StringComparison.Ordinal);
        Assert.DoesNotContain(forged.Split('.')[2], worker.Host.Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_bearer_token_without_the_function_key_is_still_refused_by_the_host()
    {
        var bearer = worker.Issuer.CreateToken(worker.Key, s_audience);

        var (response, _) = await SendAsync("{}", functionKey: null, bearer);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<(HttpResponseMessage Response, string Body)> SendAsync(string json, string? functionKey, string? bearer)
    {
        var request = EndToEndHttp.Post("api/token", json, functionKey);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using (request)
        {
            var response = await worker.Client.SendAsync(request);
            return (response, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>One issuer and one worker configured for bearer mode, shared by the class.</summary>
    public sealed class BearerWorker(IMessageSink log) : IAsyncLifetime
    {
        public IssuerKey Key { get; } = IssuerKey.Rsa("rsa-e2e");

        public LocalOidcIssuer Issuer { get; private set; } = null!;

        public IAppHost Host { get; private set; } = null!;

        public HttpClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Issuer = await LocalOidcIssuer.StartHttpAsync(Key);
            var options = WorkerFixture.DefaultOptions();
            options.AppSettings["Auth__Mode"] = "Bearer";
            options.AppSettings["Auth__Authority"] = Issuer.Issuer;
            options.AppSettings["Auth__Audience"] = s_audience;
            options.AppSettings["Auth__RequireHttpsMetadata"] = "false";
            Host = await AppHosts.StartAsync(options, log, nameof(BearerEndToEndTests));
            Client = OpenApiContract.CheckingClient(Host.CreateClient);
        }

        public async Task DisposeAsync()
        {
            Client?.Dispose();
            if (Host is not null)
            {
                await Host.DisposeAsync();
            }

            if (Issuer is not null)
            {
                await Issuer.DisposeAsync();
            }
        }
    }
}

/// <summary>Bad bearer settings stop the real worker's start with a message naming the setting.</summary>
[Collection(WorkerProcesses.Name)]
public sealed class BearerStartupFailureEndToEndTests(EndToEndLog log, ITestOutputHelper output) : IClassFixture<EndToEndLog>
{
    [Theory]
    [InlineData(null, "Auth:Authority (Auth__Authority)")]
    [InlineData("http://127.0.0.1:9/realms/dev", "Auth:Authority (Auth__Authority) must use https")]
    public Task Bearer_mode_with_a_bad_authority_fails_the_start_naming_the_setting(string? authority, string named) =>
        WorkerStartFailure.ExpectAsync(log, output, named, settings =>
        {
            settings["Auth__Mode"] = "Bearer";
            settings["Auth__Audience"] = "api://x";
            settings["Auth__Authority"] = authority;
        });
}
