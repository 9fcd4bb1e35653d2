using System.Net;
using System.Security.Cryptography;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace TokenFunction.Functions;

/// <summary>
/// <c>GET /api/openapi.yaml</c>, anonymous: the repository's <c>openapi.yaml</c>, embedded at build time and served
/// byte for byte, so API Management (or anyone) can import the contract by URL.
/// </summary>
public sealed class OpenApiFunction
{
    internal const string ContentType = "application/yaml";

    // The document only changes with a deployment: five minutes of caching, then revalidation by entity tag.
    internal const string CacheControl = "public, max-age=300";

    internal static readonly byte[] Document = ReadDocument();

    internal static readonly string ETag = $"\"{Convert.ToBase64String(SHA256.HashData(Document)[..16]).TrimEnd('=').Replace('+', '-').Replace('/', '_')}\"";

    [Function("openapi")]
    public static async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.yaml")] HttpRequestData request)
    {
        ArgumentNullException.ThrowIfNull(request);

        var notModified = request.Headers.TryGetValues("If-None-Match", out var tags) && Matches(tags);
        var response = request.CreateResponse(notModified ? HttpStatusCode.NotModified : HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("Cache-Control", CacheControl);
        response.Headers.TryAddWithoutValidation("ETag", ETag);
        if (!notModified)
        {
            response.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            await response.Body.WriteAsync(Document).ConfigureAwait(false);
        }

        return response;
    }

    /// <summary>If-None-Match uses the weak comparison (RFC 9110 13.1.2): a <c>W/</c> prefix does not matter.</summary>
    private static bool Matches(IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            foreach (var tag in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (tag == "*" || (tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag) == ETag)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static byte[] ReadDocument()
    {
        using var stream = typeof(OpenApiFunction).Assembly.GetManifestResourceStream("openapi.yaml")
            ?? throw new InvalidOperationException("openapi.yaml is not embedded in the assembly.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
