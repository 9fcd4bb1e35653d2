using TokenFunction.Tests.EndToEnd.Hosts.Emulator;

namespace TokenFunction.Tests.EndToEnd.Hosts;

/// <summary>
/// A Functions host running the built app for the end-to-end tests: the real Azure Functions host when one is
/// available (see <see cref="AppHosts"/>), else the project's emulator.
/// </summary>
public interface IAppHost : IAsyncDisposable
{
    /// <summary>Which host this is, said in every end-to-end run's output, e.g. "real Azure Functions host 4.1037.0 (…)".</summary>
    string Description { get; }

    /// <summary>True for the Azure Functions host (built from source or Core Tools), false for the emulator.</summary>
    bool IsReal { get; }

    /// <summary>Base address with a trailing slash; routes carry the prefix, e.g. api/health.</summary>
    Uri BaseAddress { get; }

    /// <summary>The key a caller presents (<c>x-functions-key</c> or <c>code</c>) for Function-level routes.</summary>
    string FunctionKey { get; }

    /// <summary>The host's master key, which also opens Admin-level routes.</summary>
    string MasterKey { get; }

    /// <summary>The HTTP functions as the host indexed them (routes, methods, auth levels).</summary>
    IReadOnlyList<HttpFunction> Functions { get; }

    /// <summary>The host's and the worker's output so far (last lines), for failure messages and log scans.</summary>
    string Diagnostics { get; }

    /// <summary>An HttpClient aimed at the host (through <paramref name="handler"/>, e.g. one that checks responses).</summary>
    HttpClient CreateClient(HttpMessageHandler? handler = null);
}
