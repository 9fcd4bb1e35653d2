using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenFunction.Tests.EndToEnd.Hosts.Emulator.Rpc;

namespace TokenFunction.Tests.EndToEnd.Hosts.Emulator;

/// <summary>
/// A small stand-in for the Azure Functions host: it serves the host's gRPC end of the worker protocol on loopback,
/// launches the real built worker, indexes and loads its functions, and exposes their HTTP triggers on a loopback
/// HTTP/1.1 front with the host's routing, method and function-key rules.
/// </summary>
public sealed class FunctionsHostEmulator : IAsyncDisposable
{
    internal const int MaxDiagnosticLines = 4000;

    /// <summary>The real host's request body limit (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT unset).</summary>
    internal const long MaxRequestBodySize = 104_857_600;
    private readonly FunctionsHostEmulatorOptions _options;
    private readonly ConcurrentQueue<string> _diagnostics = new();
    private readonly WorkerConnection _connection;
    private WebApplication? _grpcHost;
    private WebApplication? _httpHost;
    private WorkerProcess? _worker;
    private HttpFront? _front;

    private FunctionsHostEmulator(FunctionsHostEmulatorOptions options)
    {
        _options = options;
        _connection = new WorkerConnection(OnRpcLog);
    }

    /// <summary>The HTTP front's base address, e.g. http://127.0.0.1:5123/ (routes carry the prefix, e.g. api/health).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public string FunctionKey => _options.FunctionKey;

    public string MasterKey => _options.MasterKey;

    public IReadOnlyList<HttpFunction> Functions { get; private set; } = [];

    public int WorkerProcessId => _worker?.Id ?? 0;

    public bool HasWorkerExited => _worker?.HasExited ?? true;

    /// <summary>The worker's console output and RpcLog messages, newest last.</summary>
    public string Diagnostics => string.Join(Environment.NewLine, _diagnostics);

    /// <summary>Starts the emulator and the worker; throws <see cref="WorkerStartException"/> if the worker does not come up.</summary>
    public static async Task<FunctionsHostEmulator> StartAsync(FunctionsHostEmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var emulator = new FunctionsHostEmulator(options);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.StartTimeout);
            await emulator.StartCoreAsync(timeout.Token);
            return emulator;
        }
        catch (Exception e)
        {
            var exitCode = emulator._worker?.ExitCode;
            await emulator.DisposeAsync();
            var what = exitCode is { } code ? $"the worker exited with code {code}" : "the worker did not complete start-up";
            var reason = e is OperationCanceledException && !cancellationToken.IsCancellationRequested
                ? $"no answer within {options.StartTimeout.TotalSeconds:0} s"
                : e.Message;
            throw new WorkerStartException(
                $"The Functions worker failed to start ({what}): {reason}{Environment.NewLine}Worker output:{Environment.NewLine}{emulator.Diagnostics}",
                exitCode,
                e);
        }
    }

    /// <summary>An HttpClient aimed at the HTTP front (through <paramref name="handler"/>, e.g. one that checks responses).</summary>
    public HttpClient CreateClient(HttpMessageHandler? handler = null) =>
        new(handler ?? new SocketsHttpHandler()) { BaseAddress = BaseAddress, Timeout = _options.InvocationTimeout + TimeSpan.FromSeconds(5) };

    public async ValueTask DisposeAsync()
    {
        _connection.Close();
        _worker?.Dispose();
        _connection.Fail(new ObjectDisposedException(nameof(FunctionsHostEmulator)));
        foreach (var host in new[] { _httpHost, _grpcHost })
        {
            if (host is not null)
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await host.StopAsync(stop.Token);
                }
                catch (OperationCanceledException)
                {
                }

                await host.DisposeAsync();
            }
        }
    }

    internal void Log(string line)
    {
        _diagnostics.Enqueue(line);
        while (_diagnostics.Count > MaxDiagnosticLines && _diagnostics.TryDequeue(out _))
        {
        }

        _options.Diagnostics?.Invoke(line);
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var appDirectory = Path.GetFullPath(_options.AppDirectory);
        var routePrefix = ReadRoutePrefix(appDirectory);

        _grpcHost = BuildGrpcHost();
        await _grpcHost.StartAsync(cancellationToken);
        var grpcUri = new Uri(_grpcHost.Urls.Single());

        var workerId = Guid.NewGuid().ToString();
        _worker = WorkerProcess.Start(appDirectory, grpcUri, workerId, _options.AppSettings, Log);
        _ = _worker.Exited.ContinueWith(
            _ => _connection.Fail(new WorkerStartException($"The worker process exited with code {_worker.ExitCode}.")),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        var startedId = await _connection.Started.WaitAsync(cancellationToken);
        if (startedId != workerId)
        {
            throw new WorkerStartException($"A worker with an unexpected id ({startedId}) connected.");
        }

        var remaining = _options.StartTimeout;
        var init = await _connection.RequestAsync(WorkerConnection.InitKey, new StreamingMessage
        {
            RequestId = Guid.NewGuid().ToString(),
            WorkerInitRequest = new WorkerInitRequest
            {
                HostVersion = "4.0.0-emulator",
                WorkerDirectory = appDirectory,
                FunctionAppDirectory = appDirectory,
            },
        }, remaining, cancellationToken);
        EnsureSuccess("worker init", init.WorkerInitResponse.Result);

        var metadata = await _connection.RequestAsync(WorkerConnection.MetadataKey, new StreamingMessage
        {
            RequestId = Guid.NewGuid().ToString(),
            FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = appDirectory },
        }, remaining, cancellationToken);
        var indexed = metadata.FunctionMetadataResponse;
        EnsureSuccess("function indexing", indexed.Result);
        if (indexed.UseDefaultMetadataIndexing)
        {
            throw new WorkerStartException("The worker asked for host-side indexing (functions.metadata), which the emulator does not do.");
        }

        var functions = new List<HttpFunction>();
        var loads = new List<Task<StreamingMessage>>();
        foreach (var function in indexed.FunctionMetadataResults)
        {
            var (bindings, http) = HttpFunction.Parse(function, routePrefix);
            var load = new RpcFunctionMetadata(function);
            load.Bindings.Clear();
            load.Bindings.Add(bindings);
            loads.Add(_connection.RequestAsync(WorkerConnection.LoadKey(function.FunctionId), new StreamingMessage
            {
                RequestId = Guid.NewGuid().ToString(),
                FunctionLoadRequest = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = load },
            }, remaining, cancellationToken));
            if (http is not null)
            {
                functions.Add(http);
            }
        }

        foreach (var loaded in await Task.WhenAll(loads))
        {
            EnsureSuccess($"loading function {loaded.FunctionLoadResponse.FunctionId}", loaded.FunctionLoadResponse.Result);
        }

        Functions = [.. functions.OrderBy(f => f.Precedence)];
        _front = new HttpFront(this, _connection, Functions, _options);
        _httpHost = BuildHttpHost(_front);
        await _httpHost.StartAsync(cancellationToken);
        BaseAddress = new Uri(_httpHost.Urls.Single().TrimEnd('/') + "/");
    }

    private static void EnsureSuccess(string step, StatusResult? result)
    {
        if (result is null || result.Status != StatusResult.Types.Status.Success)
        {
            var detail = result?.Exception?.Message is { Length: > 0 } message ? message : result?.Result;
            throw new WorkerStartException($"The worker failed {step}: {result?.Status.ToString() ?? "no result"}: {detail}");
        }
    }

    /// <summary>host.json's extensions.http.routePrefix; the host's default is "api", and "" means none.</summary>
    internal static string ReadRoutePrefix(string appDirectory)
    {
        var path = Path.Combine(appDirectory, "host.json");
        if (!File.Exists(path))
        {
            return "api";
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        return document.RootElement.TryGetProperty("extensions", out var extensions)
            && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var prefix)
            && prefix.ValueKind == JsonValueKind.String
                ? prefix.GetString()!.Trim('/')
                : "api";
    }

    private void OnRpcLog(RpcLog log)
    {
        var exception = log.Exception is { } e ? $" [{e.Source}] {e.Message}{Environment.NewLine}{e.StackTrace}" : string.Empty;
        Log($"rpc {log.Level} {log.Category}: {log.Message}{exception}");
    }

    private WebApplication BuildGrpcHost()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton(_connection);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
        });
        var app = builder.Build();
        app.MapGrpcService<FunctionRpcService>();
        return app;
    }

    private WebApplication BuildHttpHost(HttpFront front)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // As the real host's Kestrel: its Server header stays on, and its body limit is the host's 104,857,600 bytes
            // (ScriptConstants.DefaultMaxRequestBodySize, set in WebJobs.Script.WebHost/Program.cs:
            // https://github.com/Azure/azure-functions-host/blob/dev/src/WebJobs.Script.WebHost/Program.cs), not
            // Kestrel's 30,000,000, so bodies in between reach the app as they do in Azure.
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodySize;
            kestrel.Listen(IPAddress.Loopback, _options.HttpPort, listen => listen.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        app.Run(front.HandleAsync);
        return app;
    }
}
