using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using TokenFunction.Tests.EndToEnd.Hosts.Emulator;

namespace TokenFunction.Tests.EndToEnd.Hosts;

/// <summary>
/// The real Azure Functions host (Azure/azure-functions-host) running the built app: either a host built from source
/// (a folder holding Microsoft.Azure.WebJobs.Script.WebHost.dll, e.g. ../shared/realhost/build.sh's output) or Core
/// Tools' <c>func start --enableAuth</c>. Function keys are files in a fresh state folder, so the host enforces them
/// as it does in Azure.
/// </summary>
internal sealed partial class RealAppHost : IAppHost
{
    internal const int MaxOutputLines = 4000;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<string> _workerGaveUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly RealHostLocation _location;
    private readonly FunctionsHostEmulatorOptions _options;
    private readonly DirectoryInfo _state;
    private Process? _process;
    private volatile int _workerExitCode = int.MinValue;
    private volatile bool _addressInUse;

    private RealAppHost(RealHostLocation location, FunctionsHostEmulatorOptions options)
    {
        _location = location;
        _options = options;
        _state = Directory.CreateTempSubdirectory("tokenfunction-realhost-");
    }

    public string Description => _location.Description;

    public bool IsReal => true;

    public Uri BaseAddress { get; private set; } = null!;

    public string FunctionKey => _options.FunctionKey;

    public string MasterKey => _options.MasterKey;

    public IReadOnlyList<HttpFunction> Functions { get; private set; } = [];

    public string Diagnostics => string.Join(Environment.NewLine, _output);

    /// <summary>Starts the host over the app; throws <see cref="WorkerStartException"/> when the worker does not come up.</summary>
    public static async Task<RealAppHost> StartAsync(RealHostLocation location, FunctionsHostEmulatorOptions options, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var host = new RealAppHost(location, options);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(options.StartTimeout);
                await host.StartCoreAsync(timeout.Token);
                return host;
            }
            catch (Exception e) when (host._addressInUse && attempt < 3 && e is not WorkerStartException)
            {
                // Another process took the free port between our probe and the host's bind: try another.
                await host.DisposeAsync();
            }
            catch (Exception e)
            {
                var output = host.Diagnostics;
                var exitCode = host._workerExitCode == int.MinValue ? (int?)null : host._workerExitCode;
                await host.DisposeAsync();
                if (e is WorkerStartException started)
                {
                    throw new WorkerStartException($"{started.Message}{Environment.NewLine}Host output:{Environment.NewLine}{output}", exitCode, e);
                }

                var reason = e is OperationCanceledException && !cancellationToken.IsCancellationRequested
                    ? $"not running within {options.StartTimeout.TotalSeconds:0} s"
                    : e.Message;
                throw new WorkerStartException(
                    $"The real Functions host did not start ({location.Description}): {reason}{Environment.NewLine}Host output:{Environment.NewLine}{output}",
                    exitCode,
                    e);
            }
        }
    }

    /// <summary>The host's child processes (its worker), from /proc on Linux; empty elsewhere.</summary>
    internal IReadOnlyList<int> ChildProcessIds()
    {
        if (_process is null || !OperatingSystem.IsLinux())
        {
            return [];
        }

        var ids = new List<int>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{_process.Id}/task"))
        {
            var children = Path.Combine(task, "children");
            if (File.Exists(children))
            {
                ids.AddRange(File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Select(id => int.Parse(id, System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        return ids;
    }

    public HttpClient CreateClient(HttpMessageHandler? handler = null) =>
        new(handler ?? new SocketsHttpHandler()) { BaseAddress = BaseAddress, Timeout = _options.InvocationTimeout + TimeSpan.FromSeconds(5) };

    /// <summary>
    /// Stops the host as a platform would (SIGTERM: the host shuts its worker down), and kills what is left after 10 s.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            try
            {
                if (!process.HasExited)
                {
                    if (!OperatingSystem.IsWindows())
                    {
                        using var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
                        term?.WaitForExit(5000);
                    }

                    using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    try
                    {
                        await process.WaitForExitAsync(grace.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }

                    if (!process.HasExited)
                    {
                        process.Kill(entireProcessTree: true);
                        process.WaitForExit(10_000);
                    }
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }

        try
        {
            _state.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var appDirectory = Path.GetFullPath(_options.AppDirectory);
        var port = _options.HttpPort != 0 ? _options.HttpPort : FreeLoopbackPort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        WriteKeys();

        var start = _location.StartInfo(appDirectory, port);
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = _location.IsCoreTools ? appDirectory : _state.FullName;
        ConfigureEnvironment(start.Environment, appDirectory, port);

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Capture(e.Data);
        _process.ErrorDataReceived += (_, e) => Capture(e.Data);
        if (!_process.Start())
        {
            throw new InvalidOperationException($"Could not start '{start.FileName}'.");
        }

        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var admin = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        admin.DefaultRequestHeaders.Add("x-functions-key", MasterKey);
        var exited = _process.WaitForExitAsync(cancellationToken);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_workerGaveUp.Task.IsCompleted)
            {
                var code = _workerExitCode == int.MinValue ? "an unknown code" : $"code {_workerExitCode}";
                throw new WorkerStartException(
                    $"The Functions worker failed to start under the real host (the worker exited with {code}; the host: \"{_workerGaveUp.Task.Result}\").");
            }

            if (exited.IsCompleted)
            {
                throw new InvalidOperationException($"The host process exited with code {_process.ExitCode}.");
            }

            if (await IsRunningAsync(admin, cancellationToken))
            {
                break;
            }

            await Task.WhenAny(Task.Delay(100, cancellationToken), _workerGaveUp.Task, exited);
        }

        Functions = await ReadFunctionsAsync(admin, appDirectory, cancellationToken);
        if (Functions.Count == 0)
        {
            throw new WorkerStartException("The real host is running but serves no HTTP function: the worker did not index any.");
        }
    }

    private static async Task<bool> IsRunningAsync(HttpClient admin, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await admin.GetAsync(new Uri("admin/host/status", UriKind.Relative), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return status.RootElement.TryGetProperty("state", out var state) && state.GetString() == "Running";
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>The host's own index of the functions (GET /admin/functions, master key), not the worker's claim.</summary>
    private static async Task<IReadOnlyList<HttpFunction>> ReadFunctionsAsync(HttpClient admin, string appDirectory, CancellationToken cancellationToken)
    {
        var routePrefix = FunctionsHostEmulator.ReadRoutePrefix(appDirectory);
        using var response = await admin.GetAsync(new Uri("admin/functions", UriKind.Relative), cancellationToken);
        response.EnsureSuccessStatusCode();
        using var listing = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var functions = new List<HttpFunction>();
        foreach (var function in listing.RootElement.EnumerateArray())
        {
            var name = function.GetProperty("name").GetString()!;
            foreach (var binding in function.GetProperty("config").GetProperty("bindings").EnumerateArray())
            {
                if (string.Equals(binding.GetProperty("type").GetString(), "httpTrigger", StringComparison.OrdinalIgnoreCase))
                {
                    functions.Add(HttpFunction.FromTrigger(null, name, binding.GetProperty("name").GetString()!, binding, routePrefix));
                }
            }
        }

        return [.. functions.OrderBy(f => f.Precedence)];
    }

    /// <summary>The host's file-based key store (AzureWebJobsSecretStorageType=files), as run.sh writes it.</summary>
    private void WriteKeys()
    {
        var secrets = Directory.CreateDirectory(Path.Combine(_state.FullName, "secrets"));
        Directory.CreateDirectory(Path.Combine(_state.FullName, "home"));
        var keys = new
        {
            masterKey = new { name = "master", value = MasterKey, encrypted = false },
            functionKeys = new[] { new { name = "default", value = FunctionKey, encrypted = false } },
            systemKeys = Array.Empty<object>(),
        };
        File.WriteAllText(Path.Combine(secrets.FullName, "host.json"), JsonSerializer.Serialize(keys));
    }

    /// <summary>
    /// What ../shared/realhost/run.sh sets for the host, then the app's settings (the host passes its environment on to
    /// the worker, as app settings are in Azure).
    /// </summary>
    private void ConfigureEnvironment(IDictionary<string, string?> environment, string appDirectory, int port)
    {
        // CONTAINER_NAME makes the host act as if on Linux Consumption; the runner's own environment names must not leak.
        foreach (var name in new[] { "CONTAINER_NAME", "DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT", "AZURE_FUNCTIONS_ENVIRONMENT" })
        {
            environment.Remove(name);
        }

        environment["HOME"] = Path.Combine(_state.FullName, "home");
        environment["AzureWebJobsScriptRoot"] = appDirectory;
        environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        environment["languageWorkers__dotnet-isolated__workerDirectory"] = appDirectory;
        environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        environment["AzureWebJobsStorage"] = string.Empty;
        environment["AzureWebJobsSecretStorageType"] = "files";
        environment["FUNCTIONS_SECRETS_PATH"] = Path.Combine(_state.FullName, "secrets");
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // The host logs to the console only when asked (or in Development): AzureFunctionsJobHost__Logging__Console__IsEnabled,
        // read by ScriptLoggingBuilderExtensions.AddConsoleIfEnabled
        // (https://github.com/Azure/azure-functions-host/blob/dev/src/WebJobs.Script/Extensions/ScriptLoggingBuilderExtensions.cs).
        // AzureFunctionsJobHost__* overrides host.json for this run only
        // (https://learn.microsoft.com/azure/azure-functions/functions-host-json#override-hostjson-values); the app's
        // host.json levels stay as they are, except that the dispatcher's Debug line naming the worker's exit code is kept.
        environment["AzureFunctionsJobHost__Logging__Console__IsEnabled"] = "true";
        environment["AzureFunctionsJobHost__logging__logLevel__Microsoft.Azure.WebJobs.Script.Workers.Rpc.RpcFunctionInvocationDispatcher"] = "Debug";
        foreach (var (name, value) in _options.AppSettings)
        {
            if (value is null)
            {
                environment.Remove(name);
            }
            else
            {
                environment[name] = value;
            }
        }
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > MaxOutputLines && _output.TryDequeue(out _))
        {
        }

        _options.Diagnostics?.Invoke(line);
        if (ExitCodeLine().Match(line) is { Success: true } exit)
        {
            _workerExitCode = int.Parse(exit.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (line.Contains("Exceeded language worker restart retry count", StringComparison.Ordinal))
        {
            _workerGaveUp.TrySetResult(line.Trim());
        }

        if (line.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            _addressInUse = true;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    // The dispatcher's WorkerProcessExitException: "dotnet exited with code 134 (0x86)".
    [GeneratedRegex(@"exited with code (-?\d+)")]
    private static partial Regex ExitCodeLine();
}

/// <summary>Where a real host was found: a built host's folder, or Core Tools' <c>func</c>.</summary>
public sealed record RealHostLocation(string Path, bool IsCoreTools, string Version)
{
    /// <summary>The host's entry assembly in a built host's folder.</summary>
    public const string WebHostAssembly = "Microsoft.Azure.WebJobs.Script.WebHost.dll";

    public string Description => IsCoreTools
        ? $"real Azure Functions host via Core Tools ({Path} start --enableAuth, {Version})"
        : $"real Azure Functions host {Version} ({Path})";

    internal ProcessStartInfo StartInfo(string appDirectory, int port)
    {
        if (IsCoreTools)
        {
            // https://learn.microsoft.com/azure/azure-functions/functions-core-tools-reference#func-start: --port, and
            // --enableAuth for the full authorization pipeline (func start skips key checks without it).
            return new ProcessStartInfo(Path, ["start", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--enableAuth"]);
        }

        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        return new ProcessStartInfo(dotnet, [System.IO.Path.Combine(Path, WebHostAssembly)]);
    }
}
