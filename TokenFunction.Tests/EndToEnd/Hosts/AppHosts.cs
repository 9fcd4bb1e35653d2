using System.Diagnostics;
using TokenFunction.Tests.EndToEnd.Hosts.Emulator;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace TokenFunction.Tests.EndToEnd.Hosts;

/// <summary>
/// Chooses the host every end-to-end test runs the app under, once per run: the host named by
/// <see cref="HostSetting"/>, else Core Tools' <c>func</c> on PATH, else the project's emulator. With
/// <see cref="RequireRealHostSetting"/> set (CI sets it), no real host is a failure, never a quiet fallback.
/// </summary>
public static class AppHosts
{
    /// <summary>A built host's folder (holding Microsoft.Azure.WebJobs.Script.WebHost.dll), <c>func</c>, or <c>emulator</c>.</summary>
    public const string HostSetting = "TOKENFUNCTION_TEST_HOST";

    /// <summary>Set to 1 (or true): every end-to-end test fails unless it runs under a real host.</summary>
    public const string RequireRealHostSetting = "TOKENFUNCTION_REQUIRE_REAL_HOST";

    private static readonly Lazy<RealHostLocation?> s_realHost = new(Locate);

    /// <summary>The real host this run uses, or null for the emulator; throws when one is required and none is found.</summary>
    public static RealHostLocation? RealHost => s_realHost.Value;

    public static bool RealHostRequired =>
        Environment.GetEnvironmentVariable(RequireRealHostSetting) is { } value && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));

    /// <summary>What this run's end-to-end tests run under, in words.</summary>
    public static string Describe() => RealHost?.Description ?? EmulatorDescription;

    internal const string EmulatorDescription = "the project's host emulator (TokenFunction.Tests/EndToEnd/Hosts/Emulator)";

    /// <summary>
    /// Starts the app under this run's host and says which in the test log (xunit diagnostic messages, shown by
    /// <c>dotnet test</c> because xunit.runner.json turns them on).
    /// </summary>
    public static Task<IAppHost> StartAsync(FunctionsHostEmulatorOptions options, IMessageSink? log, string purpose) =>
        StartAsync(RealHost, options, log, purpose);

    /// <summary>Starts the app under the given host (null: the emulator), whatever this run's choice is.</summary>
    public static async Task<IAppHost> StartAsync(RealHostLocation? host, FunctionsHostEmulatorOptions options, IMessageSink? log, string purpose)
    {
        var clock = Stopwatch.StartNew();
        IAppHost started = host is null
            ? new EmulatedAppHost(await FunctionsHostEmulator.StartAsync(options))
            : await RealAppHost.StartAsync(host, options);
        log?.OnMessage(new DiagnosticMessage($"end-to-end host for {purpose}: {started.Description}, {started.BaseAddress} (up in {clock.Elapsed.TotalSeconds:0.0} s)"));
        return started;
    }

    private static RealHostLocation? Locate()
    {
        var named = Environment.GetEnvironmentVariable(HostSetting);
        if (string.Equals(named, "emulator", StringComparison.OrdinalIgnoreCase))
        {
            return RealHostRequired
                ? throw new InvalidOperationException($"{HostSetting}=emulator, yet {RequireRealHostSetting} asks for a real host.")
                : null;
        }

        if (string.Equals(named, "func", StringComparison.OrdinalIgnoreCase))
        {
            return FindCoreTools() ?? throw new InvalidOperationException($"{HostSetting}=func, but no func is on PATH.");
        }

        if (!string.IsNullOrEmpty(named))
        {
            var folder = File.Exists(named) ? Path.GetDirectoryName(Path.GetFullPath(named))! : Path.GetFullPath(named);
            var assembly = Path.Combine(folder, RealHostLocation.WebHostAssembly);
            return File.Exists(assembly)
                ? new RealHostLocation(folder, IsCoreTools: false, FileVersionInfo.GetVersionInfo(assembly).FileVersion ?? "unknown version")
                : throw new InvalidOperationException($"{HostSetting} names '{named}', which holds no {RealHostLocation.WebHostAssembly} (build the host first).");
        }

        return FindCoreTools() ?? (RealHostRequired
            ? throw new InvalidOperationException(
                $"{RequireRealHostSetting} is set, but no real Functions host was found: set {HostSetting} to a built host's folder or put Core Tools' func on PATH.")
            : null);
    }

    private static RealHostLocation? FindCoreTools()
    {
        var names = OperatingSystem.IsWindows() ? new[] { "func.exe", "func.cmd" } : ["func"];
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in names)
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return new RealHostLocation(candidate, IsCoreTools: true, CoreToolsVersion(candidate));
                }
            }
        }

        return null;
    }

    private static string CoreToolsVersion(string func)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(func, ["--version"]) { RedirectStandardOutput = true, UseShellExecute = false });
            var version = process?.StandardOutput.ReadLine()?.Trim();
            process?.WaitForExit(10_000);
            return string.IsNullOrEmpty(version) ? "unknown version" : "Core Tools " + version;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown version";
        }
    }
}
