using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using TokenFunction.Http;
using TokenFunction.Policy;

namespace TokenFunction.Tests.Policy;

/// <summary>
/// What callers may choose lives in one section; the five settings it replaced still work for a release, are
/// reported at start-up as deprecated, and stop start-up when they contradict the new name.
/// </summary>
public sealed class CallerChoicesTests
{
    private static ServiceProvider Start(Dictionary<string, string?> settings)
    {
        settings["LIVEKIT_URL"] = "ws://localhost:7880";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddFakeLogging())
            .AddTokenEndpoint(configuration)
            .BuildServiceProvider();
        services.GetRequiredService<IStartupValidator>().Validate();
        return services;
    }

    private static async Task<IReadOnlyList<FakeLogRecord>> StartHostedServicesAsync(ServiceProvider services)
    {
        foreach (var hosted in services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(default);
        }

        return services.GetFakeLogCollector().GetSnapshot();
    }

    // Each old name with the value that is not its default, so reading it shows.
    public static TheoryData<string, string, string> Renamed()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (old, @new) in DeprecatedCallerSettings.Renamed)
        {
            var defaultValue = (bool)typeof(CallerChoicesOptions).GetProperty(@new.Split(':')[1])!.GetValue(new CallerChoicesOptions())!;
            data.Add(old, @new, (!defaultValue).ToString());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Renamed))]
    public async Task An_old_setting_still_decides_and_is_reported_as_deprecated(string old, string @new, string value)
    {
        using var services = Start(new() { [old] = value });

        // The old value reached the one options section: it is not the default there.
        var choices = services.GetRequiredService<IOptions<CallerChoicesOptions>>().Value;
        var property = typeof(CallerChoicesOptions).GetProperty(@new.Split(':')[1])!;
        Assert.Equal(bool.Parse(value), (bool)property.GetValue(choices)!);
        Assert.NotEqual(property.GetValue(new CallerChoicesOptions()), property.GetValue(choices));

        var warning = Assert.Single(await StartHostedServicesAsync(services), r => r.Id.Id == 8001);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(old.Replace(":", "__", StringComparison.Ordinal), warning.Message, StringComparison.Ordinal);
        Assert.Contains(@new.Replace(":", "__", StringComparison.Ordinal), warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_new_names_start_quietly()
    {
        using var services = Start(new() { ["CallerChoices:AllowRoom"] = "false", ["CallerChoices:AllowName"] = "true" });

        var choices = services.GetRequiredService<IOptions<CallerChoicesOptions>>().Value;
        Assert.False(choices.AllowRoom);
        Assert.True(choices.AllowName);
        Assert.DoesNotContain(await StartHostedServicesAsync(services), r => r.Id.Id == 8001);
    }

    [Fact]
    public void An_old_and_a_new_name_that_disagree_stop_start_up_naming_both()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Start(new() { ["Auth:AllowCallerName"] = "true", ["CallerChoices:AllowName"] = "false" }));
        Assert.Contains("Auth__AllowCallerName", error.Message, StringComparison.Ordinal);
        Assert.Contains("CallerChoices__AllowName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_caller_choice_stops_start_up() =>
        Assert.Throws<InvalidOperationException>(() => Start(new() { ["CallerChoices:AllowRooms"] = "false" }));
}
