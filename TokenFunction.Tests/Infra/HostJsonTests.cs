using System.Text.Json;
using TokenFunction.Tests.Support;
using TokenFunction.Tests.Support.Infra;

namespace TokenFunction.Tests.Infra;

/// <summary>
/// host.json as the real Functions host reads it: OpenTelemetry mode (the worker exports its own telemetry), no levels
/// for categories that mode ignores, and the per-invocation host lines below the level that costs CPU on every request.
/// </summary>
public sealed class HostJsonTests
{
    private static JsonElement HostJson() =>
        JsonDocument.Parse(File.ReadAllText(RepoLayout.PathOf("host.json"))).RootElement.Clone();

    private static Dictionary<string, string> LogLevels() =>
        HostJson().GetProperty("logging").GetProperty("logLevel").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.OrdinalIgnoreCase);

    [Fact]
    public void The_host_runs_in_OpenTelemetry_mode()
    {
        // https://learn.microsoft.com/azure/azure-functions/opentelemetry-howto (host.json telemetryMode).
        Assert.Equal("OpenTelemetry", HostJson().GetProperty("telemetryMode").GetString());
    }

    [Fact]
    public void No_level_is_set_for_a_category_the_host_ignores_in_OpenTelemetry_mode()
    {
        var levels = LogLevels();
        var ignored = AzureFacts.HostCategoriesIgnoredInOpenTelemetryMode.Where(levels.ContainsKey).ToList();

        Assert.True(ignored.Count == 0, $"host.json sets levels for {string.Join(", ", ignored)}, which the host does not export in OpenTelemetry mode: remove them");
    }

    [Fact]
    public void Per_invocation_host_lines_are_below_the_default_level()
    {
        // The host writes "Executing"/"Executed" at Information for every invocation (category Function.<name>), which it
        // does not export in this mode either; Warning keeps failures (Error) and drops the per-request cost measured in
        // docs/performance.md (lever table). Host.Startup may stay at Information: it logs only while starting.
        var levels = LogLevels();
        Assert.Equal("Warning", levels["default"]);
        Assert.False(levels.TryGetValue("Function", out var function) && function is "Information" or "Debug" or "Trace", $"Function: {function}");
    }
}
