using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using TokenFunction.Http;
using TokenFunction.Secrets;

namespace TokenFunction.Functions;

public sealed class HealthFunction(IKeyProvider keyProvider)
{
    private static readonly byte[] s_ok = JsonSerializer.SerializeToUtf8Bytes(new HealthResponse("ok"), EndpointJsonContext.Default.HealthResponse);

    [Function("health")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequestData request)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Reveals readiness only: never the key, the vault or anything else about the configuration.
        if (!keyProvider.IsReady)
        {
            var unavailable = await Problems.WriteAsync(request, 503, "The signing secret is not loaded yet.").ConfigureAwait(false);
            unavailable.Headers.TryAddWithoutValidation("Retry-After", "5");
            return unavailable;
        }

        var response = request.CreateResponse(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
        response.Headers.TryAddWithoutValidation("Cache-Control", "no-store");
        await response.Body.WriteAsync(s_ok).ConfigureAwait(false);
        return response;
    }
}
