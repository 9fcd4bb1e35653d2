using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace TokenFunction.Tests.EndToEnd.Hosts.Emulator;

/// <summary>The worker process, launched the way the Functions host launches an isolated .NET worker.</summary>
internal sealed class WorkerProcess : IDisposable
{
    internal const int MaxCapturedLines = 2000;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Action<string>? _diagnostics;

    private WorkerProcess(Process process, Action<string>? diagnostics)
    {
        _process = process;
        _diagnostics = diagnostics;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Completes when the process exits, for whatever reason.</summary>
    public Task Exited => _process.WaitForExitAsync();

    /// <summary>The worker's stdout and stderr so far (last lines only), for failure messages.</summary>
    public string CapturedOutput => string.Join(Environment.NewLine, _output);

    public static WorkerProcess Start(
        string appDirectory, Uri functionsUri, string workerId, IEnumerable<KeyValuePair<string, string?>> appSettings, Action<string>? diagnostics)
    {
        var (executable, workerPath) = ReadWorkerConfig(appDirectory);
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = appDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
        };
        start.ArgumentList.Add(workerPath);
        start.ArgumentList.Add("--functions-uri");
        start.ArgumentList.Add(functionsUri.ToString());
        start.ArgumentList.Add("--functions-worker-id");
        start.ArgumentList.Add(workerId);
        start.ArgumentList.Add("--functions-request-id");
        start.ArgumentList.Add(Guid.NewGuid().ToString());
        // The worker parses this even when a host would leave it out: always pass it.
        start.ArgumentList.Add("--functions-grpc-max-message-length");
        start.ArgumentList.Add(int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));

        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = appDirectory;
        // The test runner's own hosting settings must not leak into the worker's host builder.
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        foreach (var (name, value) in appSettings)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process, diagnostics);
        process.OutputDataReceived += (_, e) => worker.Capture(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Capture(e.Data);
        if (!process.Start())
        {
            throw new WorkerStartException($"Could not start '{executable} {workerPath}'.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    public void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > MaxCapturedLines && _output.TryDequeue(out _))
        {
        }

        _diagnostics?.Invoke(line);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    /// <summary>worker.config.json names the executable and the entry assembly, as it does for the real host.</summary>
    private static (string Executable, string WorkerPath) ReadWorkerConfig(string appDirectory)
    {
        var path = Path.Combine(appDirectory, "worker.config.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var description = document.RootElement.GetProperty("description");
        var executable = description.TryGetProperty("defaultExecutablePath", out var e) ? e.GetString() : null;
        var workerPath = description.GetProperty("defaultWorkerPath").GetString()
            ?? throw new InvalidDataException($"{path} names no defaultWorkerPath.");
        if (string.IsNullOrEmpty(executable) || executable == "dotnet")
        {
            // The dotnet that runs these tests, so the worker gets the same runtime; PATH otherwise.
            executable = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
                ? host
                : "dotnet";
        }

        return (executable, Path.Combine(appDirectory, workerPath));
    }
}
