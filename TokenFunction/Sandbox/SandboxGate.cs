using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using TokenFunction.Contract;

namespace TokenFunction.Sandbox;

/// <summary>
/// Admits a request to a sandbox route: none while <c>Sandbox__Id</c> is unset (the routes then answer 404, as the host
/// answers a route it does not have), and then only one carrying that id in <c>X-Sandbox-ID</c>, compared in constant time.
/// </summary>
/// <remarks>
/// Public only because <c>SandboxFunctions</c>' public constructor takes it (docs/architecture.md, public surface);
/// nothing else of it is: the constructor is internal, so <see cref="SandboxServiceCollectionExtensions"/> registers a
/// factory.
/// </remarks>
public sealed class SandboxGate
{
    internal const string HeaderName = "X-Sandbox-ID";

    private static readonly RequestError s_refused = new(401, $"Send this deployment's sandbox id in the {HeaderName} header.", HeaderName);

    private readonly byte[] _id;

    internal SandboxGate(IOptions<SandboxOptions> options) => _id = Encoding.UTF8.GetBytes(options.Value.Id);

    internal bool IsEnabled => _id.Length > 0;

    /// <summary>Null when a request with these <see cref="HeaderName"/> values may go on; otherwise the 401 that refuses it.</summary>
    /// <remarks>Check <see cref="IsEnabled"/> first: a disabled gate refuses everything.</remarks>
    internal RequestError? Check(IEnumerable<string>? headerValues) => Matches(headerValues) ? null : s_refused;

    internal bool Matches(IEnumerable<string>? values)
    {
        // Exactly one header value; a repeated header is not a way to try several ids at once.
        if (!IsEnabled || values is null || values.Take(2).ToArray() is not [var presented])
        {
            return false;
        }

        // FixedTimeEquals takes time independent of the content; only the length can differ, and the length of an
        // id is no secret worth keeping (the validator fixes its alphabet and minimum, not its size).
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _id);
    }
}
