using System.Net;
using Microsoft.Azure.Functions.Worker.Http;
using TokenFunction.Sandbox;

namespace TokenFunction.Http;

/// <summary>The HTTP answer of the sandbox routes' gate.</summary>
internal static class SandboxResponses
{
    /// <summary>Null when the request may go on; otherwise the response that refuses it (404 while the sandbox is off).</summary>
    public static async ValueTask<HttpResponseData?> RefuseAsync(this SandboxGate gate, HttpRequestData request)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(request);
        if (!gate.IsEnabled)
        {
            return request.CreateResponse(HttpStatusCode.NotFound);
        }

        return gate.Check(request.Headers.TryGetValues(SandboxGate.HeaderName, out var values) ? values : null) is { } refused
            ? await Problems.WriteAsync(request, refused.Status, refused.Detail, refused.Field).ConfigureAwait(false)
            : null;
    }
}
