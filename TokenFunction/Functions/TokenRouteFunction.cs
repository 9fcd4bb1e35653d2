using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using TokenFunction.Http;

namespace TokenFunction.Functions;

/// <summary><c>POST /api/token</c>: LiveKit's standard token endpoint (client SDKs' <c>TokenSource.endpoint</c>).</summary>
/// <remarks>Not named TokenFunction: a class of that name would hide the root namespace inside this one.</remarks>
public sealed class TokenRouteFunction(TokenEndpoint endpoint)
{
    [Function("token")]
    public Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "token")] HttpRequestData request) =>
        endpoint.HandleAsync(request, EndpointShape.Token);
}
