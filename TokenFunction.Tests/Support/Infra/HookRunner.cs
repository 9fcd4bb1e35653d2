using System.Diagnostics;

namespace TokenFunction.Tests.Support.Infra;

/// <summary>The shells azd runs hooks with (azure.yaml: sh on Linux and macOS, pwsh on Windows).</summary>
public enum HookShell
{
    Sh,
    Pwsh,
}

/// <summary>
/// Runs one of infra/hooks/ as azd runs it: the script with the azd environment as its process environment and the
/// repository as working directory, and nothing else from the test's own environment.
/// </summary>
internal static class HookRunner
{
    private static readonly string[] s_dotnetVariables = ["HOME", "USERPROFILE", "NUGET_PACKAGES", "DOTNET_ROOT", "DOTNET_CLI_HOME"];

    /// <summary>The dotnet host running the tests (the SDK sets DOTNET_HOST_PATH for the processes it starts).</summary>
    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";

    /// <summary>
    /// Runs infra/hooks/<paramref name="hook"/>.sh or .ps1 with fake <c>az</c> and <c>azd</c> first on PATH, so that
    /// no hook ever reaches Azure from a test. The fakes log each call (arguments joined by spaces) and answer from
    /// FAKE_AZ_DELETED / FAKE_AZ_EXIT / FAKE_AZD_EXIT in the environment.
    /// </summary>
    public static async Task<(int Exit, string Output, List<string> Calls)> RunWithToolsAsync(HookShell shell, string hook, IReadOnlyDictionary<string, string> environment)
    {
        var bin = Directory.CreateTempSubdirectory("fake-az-");
        try
        {
            var log = Path.Combine(bin.FullName, "calls.log");
            await WriteToolAsync(Path.Combine(bin.FullName, "az"), "printf 'az %s\\n' \"$*\" >> \"$FAKE_LOG\"\n[ -z \"${FAKE_AZ_DELETED:-}\" ] || printf '%s\\n' \"$FAKE_AZ_DELETED\"\nexit \"${FAKE_AZ_EXIT:-0}\"\n");
            await WriteToolAsync(Path.Combine(bin.FullName, "azd"), "printf 'azd %s\\n' \"$*\" >> \"$FAKE_LOG\"\nexit \"${FAKE_AZD_EXIT:-0}\"\n");
            var withLog = new Dictionary<string, string>(environment, StringComparer.Ordinal) { ["FAKE_LOG"] = log };
            var (exit, output) = await RunAsync(shell, hook, withLog, bin.FullName);
            return (exit, output, File.Exists(log) ? [.. await File.ReadAllLinesAsync(log)] : []);
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    /// <summary>Runs the hook with fake tools and returns its exit code and output.</summary>
    public static async Task<(int Exit, string Output)> RunAsync(HookShell shell, string hook, IReadOnlyDictionary<string, string> environment)
    {
        var (exit, output, _) = await RunWithToolsAsync(shell, hook, environment);
        return (exit, output);
    }

    private static async Task WriteToolAsync(string path, string body)
    {
        await File.WriteAllTextAsync(path, "#!/bin/sh\n" + body);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(HookShell shell, string hook, IReadOnlyDictionary<string, string> environment, string toolsPath)
    {
        var startInfo = shell == HookShell.Sh
            ? new ProcessStartInfo("sh") { ArgumentList = { RepoLayout.PathOf("infra", "hooks", hook + ".sh") } }
            : new ProcessStartInfo(DotnetHost)
            {
                // PowerShell 7.6.9, the .NET tool the repository's manifest (.config/dotnet-tools.json) pins and the
                // test project's build restores (TokenFunction.Tests.csproj, RestoreDotnetTools).
                ArgumentList = { "tool", "run", "pwsh", "--", "-NoProfile", "-NonInteractive", "-File", RepoLayout.PathOf("infra", "hooks", hook + ".ps1") },
            };
        startInfo.WorkingDirectory = RepoLayout.Root;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        startInfo.Environment.Clear();
        startInfo.Environment["PATH"] = toolsPath + Path.PathSeparator + "/usr/local/bin:/usr/bin:/bin";
        if (shell == HookShell.Pwsh)
        {
            // What `dotnet tool run` needs to find the restored tool (the NuGet cache under HOME) and nothing an azd
            // environment would hold.
            foreach (var name in s_dotnetVariables)
            {
                if (Environment.GetEnvironmentVariable(name) is { } value)
                {
                    startInfo.Environment[name] = value;
                }
            }

            startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            startInfo.Environment["DOTNET_NOLOGO"] = "1";
            startInfo.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
            startInfo.Environment["POWERSHELL_UPDATECHECK"] = "Off";
        }

        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
