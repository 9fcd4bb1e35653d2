using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using TokenFunction.Http;
using TokenFunction.Secrets;

namespace TokenFunction.Functions;

public sealed class HealthFunction(IApiCredentialsProvider credentials)
{
    // What a load balancer or a client waiting for start-up should wait before asking again.
    private static readonly TimeSpan s_notReadyRetryAfter = TimeSpan.FromSeconds(5);

    private static readonly byte[] s_ok = JsonSerializer.SerializeToUtf8Bytes(new HealthResponse("ok"), EndpointJsonContext.Default.HealthResponse);

    [Function("health")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequestData request)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Reveals readiness only: never the key, the vault or anything else about the configuration.
        if (!credentials.IsReady)
        {
            return await Problems.WriteUnavailableAsync(request, "The signing secret is not loaded yet.", s_notReadyRetryAfter).ConfigureAwait(false);
        }

        var response = request.CreateResponse(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
        response.Headers.TryAddWithoutValidation("Cache-Control", "no-store");
        await response.Body.WriteAsync(s_ok).ConfigureAwait(false);
        return response;
    }
}
