using TokenFunction.Secrets;

namespace TokenFunction.Tests.Secrets;

public sealed class StaticApiCredentialsProviderTests
{
    [Fact]
    public async Task ServesTheConfiguredPairSynchronously()
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
    public void ToStringNeverShowsTheSecret()
    {
        var credentials = new ApiCredentials("devkey", "hunter2-very-secret");

        Assert.DoesNotContain("hunter2", credentials.ToString(), StringComparison.Ordinal);
        Assert.Contains("devkey", credentials.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptySecretIsRefusedWithoutEchoingAnything()
    {
        var error = Assert.Throws<ArgumentException>(() => new ApiCredentials("devkey", ""));
        Assert.Equal("apiSecret", error.ParamName);
    }
}
