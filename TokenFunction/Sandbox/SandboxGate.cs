using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Options;
using TokenFunction.Http;

namespace TokenFunction.Sandbox;

/// <summary>
/// Admits a request to a sandbox route: none while <c>Sandbox__Id</c> is unset (404, as the host answers a route it
/// does not have), and then only one carrying that id in <c>X-Sandbox-ID</c>, compared in constant time.
/// </summary>
public sealed class SandboxGate(IOptions<SandboxOptions> options)
{
    public const string HeaderName = "X-Sandbox-ID";

    private readonly byte[] _id = Encoding.UTF8.GetBytes(options.Value.Id);

    public bool IsEnabled => _id.Length > 0;

    /// <summary>Null when the request may go on; otherwise the response that refuses it.</summary>
    public async ValueTask<HttpResponseData?> RefuseAsync(HttpRequestData request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsEnabled)
        {
            return request.CreateResponse(HttpStatusCode.NotFound);
        }

        if (Matches(request.Headers.TryGetValues(HeaderName, out var values) ? values : null))
        {
            return null;
        }

        return await Problems.WriteAsync(request, 401, $"Send this deployment's sandbox id in the {HeaderName} header.", HeaderName).ConfigureAwait(false);
    }

    internal bool Matches(IEnumerable<string>? values)
    {
        // Exactly one header value; a repeated header is not a way to try several ids at once.
        if (values is null || values.Take(2).ToArray() is not [var presented])
        {
            return false;
        }

        // FixedTimeEquals takes time independent of the content; only the length can differ, and the length of an
        // id is no secret worth keeping (the validator fixes its alphabet and minimum, not its size).
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _id);
    }
}
