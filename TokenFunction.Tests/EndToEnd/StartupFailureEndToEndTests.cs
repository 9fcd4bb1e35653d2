using TokenFunction.Tests.EndToEnd.Hosts;
using TokenFunction.Tests.Support;
using Xunit.Abstractions;

namespace TokenFunction.Tests.EndToEnd;

/// <summary>A bad setting must stop the app at start-up with a message that names it, never leave it half working.</summary>
[Collection(WorkerProcesses.Name)]
public sealed class StartupFailureEndToEndTests(EndToEndLog log, ITestOutputHelper output) : IClassFixture<EndToEndLog>
{
    [Theory]
    [InlineData("LIVEKIT_API_SECRET")]
    [InlineData("LIVEKIT_API_KEY")]
    public Task A_missing_signing_setting_fails_the_start_with_a_message_naming_it(string setting) =>
        WorkerStartFailure.ExpectAsync(log, output, named: setting, settings => settings[setting] = null);

    [Theory]
    [InlineData("LIVEKIT_URL", "not a url", "LIVEKIT_URL")]
    [InlineData("LIVEKIT_URL", "ftp://livekit.example", "LIVEKIT_URL")]
    [InlineData("TokenPolicy__DefaultTtl", "-00:05:00", "DefaultTtl")]
    [InlineData("TokenPolicy__NoSuchSetting", "1", "NoSuchSetting")]
    [InlineData("TokenPolicy__DefaultTtl", "00:00:00.500", "DefaultTtl")]
    [InlineData("Auth__Mdoe", "Bearer", "Mdoe")]
    [InlineData("Auth__Authority", "https://login.example.test/t/v2.0", "Auth__Authority")]
    public Task An_invalid_setting_fails_the_start_with_a_message_naming_it(string setting, string value, string named) =>
        WorkerStartFailure.ExpectAsync(log, output, named, settings => settings[setting] = value);
}
