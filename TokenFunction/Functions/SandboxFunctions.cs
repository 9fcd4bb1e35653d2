using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using TokenFunction.Http;
using TokenFunction.Sandbox;

namespace TokenFunction.Functions;

/// <summary>
/// A self-hosted stand-in for LiveKit Cloud's sandbox token server, on the paths its clients call below their
/// <c>baseUrl</c>; anonymous to the host (these clients cannot send a function key), gated by <see cref="SandboxGate"/>.
/// </summary>
public sealed class SandboxFunctions(TokenEndpoint endpoint, SandboxGate gate)
{
    /// <summary>The v1 sandbox's token lifetime, unless policy's default is shorter.</summary>
    internal static readonly TimeSpan V1Ttl = TimeSpan.FromMinutes(15);

    /// <summary>v1 (the seed's): query <c>roomName</c>/<c>participantName</c>, 200 camelCase connection details.</summary>
    [Function("sandbox-connection-details")]
    public async Task<HttpResponseData> RunV1(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sandbox/connection-details")] HttpRequestData request) =>
        await gate.RefuseAsync(request).ConfigureAwait(false)
            ?? await endpoint.HandleAsync(request, EndpointShape.ConnectionDetails, "sandbox/connection-details", V1Ttl).ConfigureAwait(false);

    /// <summary>v2 (<c>TokenSource.sandboxTokenServer</c>/<c>developmentTokenServer</c>): the standard endpoint's contract.</summary>
    [Function("sandbox-v2-connection-details")]
    public async Task<HttpResponseData> RunV2(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v2/sandbox/connection-details")] HttpRequestData request) =>
        await gate.RefuseAsync(request).ConfigureAwait(false)
            ?? await endpoint.HandleAsync(request, EndpointShape.Token, "v2/sandbox/connection-details", maxTtl: null).ConfigureAwait(false);
}
