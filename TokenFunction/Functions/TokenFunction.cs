using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using TokenFunction.Http;

namespace TokenFunction.Functions;

/// <summary><c>POST /api/token</c>: LiveKit's standard token endpoint (client SDKs' <c>TokenSource.endpoint</c>).</summary>
public sealed class TokenFunction(TokenEndpoint endpoint)
{
    [Function("token")]
    public Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "token")] HttpRequestData request) =>
        endpoint.HandleAsync(request, EndpointShape.Token);
}
