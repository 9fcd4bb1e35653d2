using System.Net;
using System.Net.Http.Headers;
using static TokenFunction.Tests.EndToEnd.EndToEndHttp;

namespace TokenFunction.Tests.EndToEnd;

/// <summary>The worker in bearer-token mode, validating callers against a loopback OIDC issuer.</summary>
public sealed class BearerWorkerFixture : IAsyncLifetime
{
    public const string Audience = "api://livekit-tokens-e2e";

    private LoopbackOidcIssuer? _issuer;

    public LoopbackOidcIssuer Issuer => _issuer!;

    public WorkerFixture Worker { get; } = new();

    public async Task InitializeAsync()
    {
        _issuer = await LoopbackOidcIssuer.StartAsync();
        var options = WorkerFixture.DefaultOptions();
        options.AppSettings["Auth__Mode"] = "Bearer";
        options.AppSettings["Auth__Authority"] = _issuer.Issuer;
        options.AppSettings["Auth__Audience"] = Audience;
        options.AppSettings["Auth__RequireHttpsMetadata"] = "false";
        await Worker.StartAsync(options);
    }

    public async Task DisposeAsync()
    {
        await Worker.DisposeAsync();
        if (_issuer is not null)
        {
            await _issuer.DisposeAsync();
        }
    }
}

public sealed class BearerModeEndToEndTests(BearerWorkerFixture fixture) : IClassFixture<BearerWorkerFixture>
{
    internal const string Path = "api/token";

    private WorkerFixture Worker => fixture.Worker;

    private HttpRequestMessage Request(string json, string? bearer, bool withKey = true)
    {
        var request = Post(Path, json, withKey ? Worker.Emulator.FunctionKey : null);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }

    [Fact]
    public async Task The_identity_comes_from_the_callers_token_not_from_the_request()
    {
        var bearer = fixture.Issuer.CreateToken(BearerWorkerFixture.Audience, "oidc-user-42", name: "Dana");

        var (response, body) = await SendAsync(Worker, Request("""{"room_name":"team"}""", bearer));

        var details = AssertStatusAndJson(Worker, response, body, HttpStatusCode.Created);
        Assert.Equal("oidc-user-42", details.GetProperty("participant_identity").GetString());
        var claims = AssertValidToken(details.GetProperty("participant_token").GetString()!);
        Assert.Equal("oidc-user-42", claims.GetProperty("sub").GetString());
    }

    [Fact]
    public async Task A_caller_cannot_choose_another_persons_identity()
    {
        var bearer = fixture.Issuer.CreateToken(BearerWorkerFixture.Audience, "oidc-user-42");

        var (response, body) = await SendAsync(Worker, Request("""{"participant_identity":"someone-else"}""", bearer));

        if (response.StatusCode == HttpStatusCode.Created)
        {
            var details = AssertStatusAndJson(Worker, response, body, HttpStatusCode.Created);
            Assert.Equal("oidc-user-42", AssertValidToken(details.GetProperty("participant_token").GetString()!).GetProperty("sub").GetString());
        }
        else
        {
            AssertProblem(Worker, response, body, HttpStatusCode.BadRequest, HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task Without_a_bearer_token_our_code_answers_401_with_a_problem_and_a_challenge()
    {
        var (response, body) = await SendAsync(Worker, Request("{}", bearer: null));

        AssertProblem(Worker, response, body, HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Theory]
    [InlineData("wrong-audience")]
    [InlineData("wrong-issuer")]
    [InlineData("garbage")]
    public async Task A_bad_bearer_token_is_a_401_problem(string flaw)
    {
        var bearer = flaw switch
        {
            "wrong-audience" => fixture.Issuer.CreateToken("api://someone-else", "oidc-user-42"),
            "wrong-issuer" => fixture.Issuer.CreateToken(BearerWorkerFixture.Audience, "oidc-user-42", issuer: "https://evil.example/"),
            _ => "not.a.jwt",
        };

        var (response, body) = await SendAsync(Worker, Request("{}", bearer));

        AssertProblem(Worker, response, body, HttpStatusCode.Unauthorized);
        Assert.DoesNotContain(bearer, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_function_key_is_still_required_in_front_of_bearer_mode()
    {
        var bearer = fixture.Issuer.CreateToken(BearerWorkerFixture.Audience, "oidc-user-42");

        var (response, _) = await SendAsync(Worker, Request("{}", bearer, withKey: false));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
