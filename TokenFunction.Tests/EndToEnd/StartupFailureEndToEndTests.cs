using TokenFunction.Tests.HostEmulator;
using Xunit.Abstractions;

namespace TokenFunction.Tests.EndToEnd;

/// <summary>A bad setting must stop the app at start-up with a message that names it, never leave it half working.</summary>
[Collection(WorkerProcesses.Name)]
public sealed class StartupFailureEndToEndTests(ITestOutputHelper output)
{
    internal const string DistinctiveSecret = "never-print-me-0123456789abcdef0123456789";

    [Theory]
    [InlineData("LIVEKIT_API_SECRET")]
    [InlineData("LIVEKIT_API_KEY")]
    public async Task A_missing_signing_setting_fails_the_start_with_a_message_naming_it(string setting)
    {
        var options = WorkerFixture.DefaultOptions();
        options.AppSettings["LIVEKIT_API_SECRET"] = DistinctiveSecret;
        options.AppSettings[setting] = null;
        options.StartTimeout = TimeSpan.FromSeconds(45);

        var failure = await Assert.ThrowsAsync<WorkerStartException>(() => FunctionsHostEmulator.StartAsync(options));
        output.WriteLine(failure.Message);

        // The worker itself exited (a failed start), rather than timing out or serving requests it cannot answer.
        Assert.NotNull(failure.ExitCode);
        Assert.NotEqual(0, failure.ExitCode);
        Assert.Contains(setting, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(DistinctiveSecret, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LIVEKIT_URL", "not a url", "LIVEKIT_URL")]
    [InlineData("LIVEKIT_URL", "ftp://livekit.example", "LIVEKIT_URL")]
    [InlineData("TokenPolicy__DefaultTtl", "-00:05:00", "DefaultTtl")]
    [InlineData("TokenPolicy__NoSuchSetting", "1", "NoSuchSetting")]
    public async Task An_invalid_setting_fails_the_start_with_a_message_naming_it(string setting, string value, string named)
    {
        var options = WorkerFixture.DefaultOptions();
        options.AppSettings["LIVEKIT_API_SECRET"] = DistinctiveSecret;
        options.AppSettings[setting] = value;
        options.StartTimeout = TimeSpan.FromSeconds(45);

        var failure = await Assert.ThrowsAsync<WorkerStartException>(() => FunctionsHostEmulator.StartAsync(options));
        output.WriteLine(failure.Message);

        Assert.NotNull(failure.ExitCode);
        Assert.NotEqual(0, failure.ExitCode);
        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(DistinctiveSecret, failure.Message, StringComparison.Ordinal);
    }
}
