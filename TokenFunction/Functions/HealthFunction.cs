using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using TokenFunction.Secrets;

namespace TokenFunction.Functions;

public sealed class HealthFunction(IKeyProvider keyProvider)
{
    [Function("health")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequestData request)
    {
        // Reveals readiness only: never the key, the vault or anything else about the configuration.
        var ready = keyProvider.IsReady;
        var response = request.CreateResponse(ready ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable);
        response.Headers.Add("Content-Type", ready ? "application/json" : "application/problem+json");
        await response.WriteStringAsync(ready
            ? """{"status":"ok"}"""
            : """{"type":"about:blank","title":"Service Unavailable","status":503,"detail":"The signing secret is not loaded yet."}""");
        return response;
    }
}
