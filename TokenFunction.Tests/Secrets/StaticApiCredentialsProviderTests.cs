using TokenFunction.Secrets;

namespace TokenFunction.Tests.Secrets;

public sealed class StaticApiCredentialsProviderTests
{
    [Fact]
    public async Task Serves_the_configured_pair_synchronously()
    {
        var provider = new StaticApiCredentialsProvider(new ApiCredentials("devkey", "secret"));

        var pending = provider.GetCredentialsAsync();

        Assert.True(pending.IsCompletedSuccessfully);
        var credentials = await pending;
        Assert.Equal("devkey", credentials.ApiKey);
        Assert.Equal("secret", credentials.ApiSecret);
        Assert.True(provider.IsReady);
    }

    [Fact]
    public void ToString_never_shows_the_secret()
    {
        var credentials = new ApiCredentials("devkey", "hunter2-very-secret");

        Assert.DoesNotContain("hunter2", credentials.ToString(), StringComparison.Ordinal);
        Assert.Contains("devkey", credentials.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_secret_is_refused_without_echoing_anything()
    {
        var error = Assert.Throws<ArgumentException>(() => new ApiCredentials("devkey", ""));
        Assert.Equal("apiSecret", error.ParamName);
    }
}
