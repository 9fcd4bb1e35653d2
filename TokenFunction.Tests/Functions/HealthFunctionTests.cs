using Moq;
using TokenFunction.Secrets;
using TokenFunction.Tests.Support.Http;

namespace TokenFunction.Tests.Functions;

/// <summary><c>GET /api/health</c>: ready when a signing secret is loaded, a 503 problem that reveals nothing when not.</summary>
public sealed class HealthFunctionTests : IDisposable
{
    private readonly EndpointHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Health_is_ok_when_a_secret_is_loaded()
    {
        var response = await _harness.HealthAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("""{"status":"ok"}""", response.BodyText);
    }

    [Fact]
    public async Task Health_is_a_503_problem_when_no_secret_is_loaded_and_reveals_nothing()
    {
        var keys = new Mock<IApiCredentialsProvider>();
        keys.SetupGet(k => k.IsReady).Returns(false);
        using var harness = new EndpointHarness(apiCredentialsProvider: keys.Object);

        var response = await harness.HealthAsync();

        var problem = EndpointAssert.Problem(response, 503);
        Assert.Null(problem.Field);
        Assert.Equal("5", response.Header("Retry-After"));
        Assert.DoesNotContain(EndpointHarness.ApiKey, response.BodyText, StringComparison.Ordinal);
        keys.Verify(k => k.GetCredentialsAsync(It.IsAny<CancellationToken>()), Times.Never);
    }
}
