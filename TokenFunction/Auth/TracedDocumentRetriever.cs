using System.Diagnostics;
using Microsoft.IdentityModel.Protocols;
using TokenFunction.Caching;
using TokenFunction.Telemetry;

namespace TokenFunction.Auth;

/// <summary>
/// Puts a span around each read of the identity provider's discovery document or keys. IdentityModel calls it only
/// when it really fetches (start-up, the routine refresh, a forced one), so cached validations cost nothing here.
/// </summary>
internal sealed class TracedDocumentRetriever(IDocumentRetriever inner) : IDocumentRetriever
{
    public async Task<string> GetDocumentAsync(string address, CancellationToken cancel)
    {
        // Reads run inside the metadata cache's shared fetch, outside the invocation's context: SharedFetch says whose.
        using var span = TokenServiceTelemetry.StartSpan(TokenServiceTelemetry.Spans.MetadataFetch, Activity.Current?.Context ?? SharedFetch.StartedFor);
        try
        {
            return await inner.GetDocumentAsync(address, cancel).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The type only: the message can quote the address or what the issuer answered.
            span?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            throw;
        }
    }
}
