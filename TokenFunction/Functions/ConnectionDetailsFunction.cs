using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using TokenFunction.Http;

namespace TokenFunction.Functions;

/// <summary><c>GET|POST /api/connection-details</c>: the LiveKit sandbox's shape, for clients written against it.</summary>
public sealed class ConnectionDetailsFunction(TokenEndpoint endpoint)
{
    [Function("connection-details")]
    public Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", "post", Route = "connection-details")] HttpRequestData request) =>
        endpoint.HandleAsync(request, EndpointShape.ConnectionDetails);
}
