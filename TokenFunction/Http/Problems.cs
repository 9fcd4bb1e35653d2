using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Http;

namespace TokenFunction.Http;

/// <summary>Writes RFC 9457 problem responses (<c>application/problem+json</c>).</summary>
internal static class Problems
{
    public const string ContentType = "application/problem+json";

    public static async ValueTask<HttpResponseData> WriteAsync(
        HttpRequestData request, int status, string detail, string? field = null, string? correlationId = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (type, title) = Describe(status);
        var body = new ProblemDetailsBody(type, title, status, detail) { Field = field, CorrelationId = correlationId };
        var response = request.CreateResponse((HttpStatusCode)status);
        response.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        response.Headers.TryAddWithoutValidation("Cache-Control", "no-store");
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, EndpointJsonContext.Default.ProblemDetailsBody);
        await response.Body.WriteAsync(bytes).ConfigureAwait(false);
        return response;
    }

    /// <summary>
    /// 503 with <c>Retry-After</c> in whole seconds (at least one): the one shape of "not the caller's fault, come
    /// back later" on every route.
    /// </summary>
    public static async ValueTask<HttpResponseData> WriteUnavailableAsync(HttpRequestData request, string detail, TimeSpan retryAfter)
    {
        var response = await WriteAsync(request, 503, detail).ConfigureAwait(false);
        response.Headers.TryAddWithoutValidation("Retry-After", RetryAfterSeconds(retryAfter).ToString(CultureInfo.InvariantCulture));
        return response;
    }

    /// <summary>A delay as <c>Retry-After</c> seconds: rounded up, never below one.</summary>
    public static long RetryAfterSeconds(TimeSpan retryAfter) => Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));

    /// <summary>The problem type (the RFC 9110 section defining the status) and its title.</summary>
    public static (string Type, string Title) Describe(int status) => status switch
    {
        400 => ("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1", "Bad Request"),
        401 => ("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2", "Unauthorized"),
        403 => ("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.4", "Forbidden"),
        405 => ("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6", "Method Not Allowed"),
        413 => ("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14", "Content Too Large"),
        415 => ("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16", "Unsupported Media Type"),
        503 => ("https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4", "Service Unavailable"),
        _ => ("https://www.rfc-editor.org/rfc/rfc9110#section-15.6.1", "Internal Server Error"),
    };
}
