using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace TokenFunction.Tests.Support.Infra;

/// <summary>Result of one CLI run.</summary>
internal sealed record CliResult(int ExitCode, string StdOut, string StdErr)
{
    public string Diagnostics => (StdOut + StdErr).Trim();
}

/// <summary>
/// The Bicep CLI for this machine's platform, which the build copied into the test output (tools/bicep/) from the
/// per-platform NuGet package restore downloaded; BICEP_CLI_PATH overrides it (a platform without a package).
/// Runs offline: in a fresh network namespace where the machine allows one, so nothing it does can reach a host.
/// </summary>
internal static class BicepCli
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);
    private static readonly Lazy<string> s_path = new(Locate);
    private static readonly Lazy<bool> s_canIsolateNetwork = new(ProbeNetworkIsolation);

    public static string PathToBinary => s_path.Value;

    public static Task<CliResult> RunAsync(string workingDirectory, params string[] args) =>
        s_canIsolateNetwork.Value
            ? ProcessRunner.RunAsync("unshare", workingDirectory, s_timeout, ["--user", "--map-root-user", "--net", PathToBinary, .. args])
            : ProcessRunner.RunAsync(PathToBinary, workingDirectory, s_timeout, args);

    private static string Locate()
    {
        // An explicit binary wins (a platform nuget.org has no Azure.Bicep.CommandLine package for).
        var overridePath = Environment.GetEnvironmentVariable("BICEP_CLI_PATH");
        if (!string.IsNullOrEmpty(overridePath))
        {
            return overridePath;
        }

        var metadata = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
        var version = metadata["BicepCliVersion"];
        var rid = metadata["BicepCliRid"];
        if (string.IsNullOrEmpty(rid))
        {
            throw new PlatformNotSupportedException(
                $"nuget.org has no Azure.Bicep.CommandLine package for {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}: " +
                $"install Bicep CLI {version} and set BICEP_CLI_PATH to it.");
        }

        var path = Path.Combine(AppContext.BaseDirectory, "tools", "bicep", OperatingSystem.IsWindows() ? "bicep.exe" : "bicep");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Bicep CLI {version} ({rid}) not found at {path}: run `dotnet build TokenFunction.sln`.", path);
        }

        return path;
    }

    private static bool ProbeNetworkIsolation()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            var probe = ProcessRunner.RunAsync("unshare", Path.GetTempPath(), TimeSpan.FromSeconds(20),
                ["--user", "--map-root-user", "--net", "true"]).GetAwaiter().GetResult();
            return probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no unshare on this machine
        }
    }
}

internal static class ProcessRunner
{
    public static async Task<CliResult> RunAsync(string fileName, string workingDirectory, TimeSpan timeout, IEnumerable<string> args)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        // The CLI's own update and telemetry chatter stays off.
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', startInfo.ArgumentList)} ran longer than {timeout}.");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
