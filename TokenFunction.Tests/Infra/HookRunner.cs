using System.Diagnostics;

namespace TokenFunction.Tests.Infra;

/// <summary>The shells azd runs hooks with (azure.yaml: sh on Linux and macOS, pwsh on Windows).</summary>
internal enum HookShell
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
    /// <summary>Runs infra/hooks/<paramref name="hook"/>.sh or .ps1; <paramref name="extraPath"/> goes first on PATH (fake tools).</summary>
    public static async Task<(int Exit, string Output)> RunAsync(HookShell shell, string hook, IReadOnlyDictionary<string, string> environment, string? extraPath = null)
    {
        var startInfo = shell == HookShell.Sh
            ? new ProcessStartInfo("sh") { ArgumentList = { RepoLayout.PathOf("infra", "hooks", hook + ".sh") } }
            : new ProcessStartInfo("pwsh") { ArgumentList = { "-NoProfile", "-NonInteractive", "-File", RepoLayout.PathOf("infra", "hooks", hook + ".ps1") } };
        startInfo.WorkingDirectory = RepoLayout.Root;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        startInfo.Environment.Clear();
        startInfo.Environment["PATH"] = (extraPath is null ? "" : extraPath + Path.PathSeparator) + "/usr/local/bin:/usr/bin:/bin";
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
