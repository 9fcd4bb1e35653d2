using System.Security.Cryptography;

namespace TokenFunction.Tests.EndToEnd.Hosts.Emulator;

/// <summary>How the emulator runs the worker: where the app is, its settings, its keys and how long to wait.</summary>
public sealed class FunctionsHostEmulatorOptions
{
    private string? _appDirectory;

    /// <summary>The worker's build or publish output: worker.config.json, host.json and the app's assemblies.</summary>
    public string AppDirectory
    {
        get => _appDirectory ??= TokenFunctionBuild.OutputDirectory;
        set => _appDirectory = value;
    }

    /// <summary>App settings, passed to the worker as environment variables (as the host does). Null removes one.</summary>
    public IDictionary<string, string?> AppSettings { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>The key a caller presents (<c>x-functions-key</c> or <c>code</c>) for functions at the Function level.</summary>
    public string FunctionKey { get; set; } = NewKey();

    /// <summary>The host key that also opens Admin-level functions.</summary>
    public string MasterKey { get; set; } = NewKey();

    /// <summary>Loopback port for the HTTP front; 0 picks a free one.</summary>
    public int HttpPort { get; set; }

    /// <summary>Bound on the whole start-up: process launch, init, indexing and loading.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Bound on one invocation; the host's own default is far longer, tests want a quick failure.</summary>
    public TimeSpan InvocationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Receives the worker's console output and its RpcLog messages (e.g. an xunit output helper).</summary>
    public Action<string>? Diagnostics { get; set; }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)).Replace('+', '-').Replace('/', '_');
}
