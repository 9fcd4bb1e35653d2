using System.Diagnostics;
using System.Reflection;

namespace TokenFunction.Tests.Infra;

/// <summary>Result of one CLI run.</summary>
internal sealed record CliResult(int ExitCode, string StdOut, string StdErr)
{
    public string Diagnostics => (StdOut + StdErr).Trim();
}

/// <summary>
/// The Bicep CLI that restore downloaded (PackageDownload in the test project) into the NuGet packages folder.
/// Runs offline: in a fresh network namespace where the machine allows one, so nothing it does can reach a host.
/// </summary>
internal static class BicepCli
{
    internal const string PackageId = "azure.bicep.commandline.linux-x64";
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
        // An explicit binary wins (a machine where the linux-x64 package does not run).
        var overridePath = Environment.GetEnvironmentVariable("BICEP_CLI_PATH");
        if (!string.IsNullOrEmpty(overridePath))
        {
            return overridePath;
        }

        var version = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BicepCliVersion").Value!;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packages))
        {
            packages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        var path = Path.Combine(packages, PackageId, version, "tools", "bicep");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Bicep CLI {version} not found at {path}: run `dotnet restore TokenFunction.sln`.", path);
        }

        // Some package extractors drop the execute bit.
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
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
