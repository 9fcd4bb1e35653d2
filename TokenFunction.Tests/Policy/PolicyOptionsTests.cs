using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenFunction.Http;

namespace TokenFunction.Tests.Policy;

/// <summary>A bad policy value stops start-up (the host runs the same startup validator) naming the setting.</summary>
public sealed class PolicyOptionsTests
{
    private static void Start(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddLogging().AddTokenEndpoint(configuration).BuildServiceProvider();
        services.GetRequiredService<IStartupValidator>().Validate();
    }

    private static Dictionary<string, string?> With(string key, string? value) =>
        new() { ["LIVEKIT_URL"] = "ws://localhost:7880", [key] = value };

    [Theory]
    [InlineData("TokenPolicy:DefaultTtl", "00:00:00", "TokenPolicy__DefaultTtl")]
    [InlineData("TokenPolicy:DefaultTtl", "02:00:00", "TokenPolicy__DefaultTtl")]
    [InlineData("TokenPolicy:MaxTtl", "2.00:00:00", "TokenPolicy__MaxTtl")]
    [InlineData("TokenPolicy:MaxRoomNameLength", "300", "TokenPolicy__MaxRoomNameLength")]
    [InlineData("TokenPolicy:MaxIdentityLength", "0", "TokenPolicy__MaxIdentityLength")]
    [InlineData("TokenPolicy:MaxNameLength", "257", "TokenPolicy__MaxNameLength")]
    [InlineData("TokenPolicy:MaxMetadataBytes", "600000", "TokenPolicy__MaxMetadataBytes")]
    [InlineData("TokenPolicy:MaxAttributesBytes", "70000", "TokenPolicy__MaxAttributesBytes")]
    [InlineData("TokenPolicy:MaxRequestBodyBytes", "5000000", "TokenPolicy__MaxRequestBodyBytes")]
    [InlineData("TokenPolicy:CanPublishSources", "camera,webcam", "TokenPolicy__CanPublishSources")]
    [InlineData("TokenPolicy:RoomNamePattern", "team-[", "TokenPolicy__RoomNamePattern")]
    [InlineData("LIVEKIT_URL", "localhost:7880", "LIVEKIT_URL")]
    [InlineData("LIVEKIT_URL", "", "LIVEKIT_URL")]
    [InlineData("LIVEKIT_URL", "ftp://example.test", "LIVEKIT_URL")]
    public void A_bad_value_stops_start_up_naming_the_setting(string key, string value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Start(With(key, value)));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TokenPolicy:DefaultTtl")]
    [InlineData("TokenPolicy:MaxTtl")]
    public void A_ttl_under_one_second_stops_start_up(string key)
    {
        // Under a second, expiry and not-before truncate to the same whole second for about half the requests.
        var settings = With("TokenPolicy:DefaultTtl", "00:00:00.500");
        settings["TokenPolicy:MaxTtl"] = "00:00:00.999";
        var error = Assert.Throws<OptionsValidationException>(() => Start(settings));
        Assert.Contains(key.Replace(":", "__", StringComparison.Ordinal) + " must be at least 00:00:01", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ttl_of_one_second_starts()
    {
        var settings = With("TokenPolicy:DefaultTtl", "00:00:01");
        settings["TokenPolicy:MaxTtl"] = "00:00:01";
        Start(settings);
    }

    [Theory]
    [InlineData("TokenPolicy:DefaultTtl", "fifteen minutes", "TokenPolicy:DefaultTtl")]
    [InlineData("TokenPolicy:DefaultTTLs", "00:10:00", "DefaultTTLs")]
    [InlineData("TokenPolicy:CanPublish", "maybe", "TokenPolicy:CanPublish")]
    public void An_unreadable_or_misspelt_setting_stops_start_up_naming_it(string key, string value, string named)
    {
        var error = Assert.ThrowsAny<InvalidOperationException>(() => Start(With(key, value)));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_and_the_sample_settings_start()
    {
        Start(With("TokenPolicy:DefaultTtl", "00:15:00"));

        // Every value in local.settings.sample.json must start as it is.
        var sample = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(FindSample()))!["Values"]!.AsObject();
        var settings = sample.ToDictionary(kv => kv.Key.Replace("__", ":", StringComparison.Ordinal), kv => (string?)kv.Value!.GetValue<string>());
        Assert.Contains(settings.Keys, k => k.StartsWith("TokenPolicy:", StringComparison.Ordinal));
        Start(settings);
    }

    private static string FindSample()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "local.settings.sample.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("local.settings.sample.json not found above the test output.");
    }
}
