using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenFunction.Auth;
using TokenFunction.Contract;
using TokenFunction.LiveKit;
using TokenFunction.Policy;
using TokenFunction.Primitives;
using TokenFunction.Secrets;
using TokenFunction.Telemetry;

namespace TokenFunction.Http;

/// <summary>Which client contract a route speaks.</summary>
internal enum EndpointShape
{
    /// <summary>LiveKit's standard token endpoint: 201 snake_case, or the bare JWT for <c>Accept: text/plain</c>.</summary>
    Token,

    /// <summary>The sandbox's connection-details: 200 camelCase.</summary>
    ConnectionDetails,
}

/// <summary>
/// Request in, response out, for both token routes: authenticate the caller, read the body within its cap, apply
/// policy, sign. Every refusal is a problem response; only a fault of ours is a 500, with no details but a correlation id.
/// </summary>
/// <remarks>
/// Public only because the function classes' public constructors take it (docs/architecture.md, public surface);
/// nothing else of it is: the constructor is internal, so <see cref="HttpServiceCollectionExtensions"/> registers a factory.
/// </remarks>
public sealed class TokenEndpoint
{
    private readonly IApiCredentialsProvider _apiCredentialsProvider;
    private readonly ICallerAuthenticator _authenticator;
    private readonly TokenPolicy _policy;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<TokenEndpoint> _logger;
    private readonly string _serverUrl;

    internal TokenEndpoint(
        IApiCredentialsProvider apiCredentialsProvider,
        ICallerAuthenticator authenticator,
        TokenPolicy policy,
        IOptions<LiveKitServerOptions> server,
        TimeProvider timeProvider,
        ILogger<TokenEndpoint> logger)
    {
        _apiCredentialsProvider = apiCredentialsProvider;
        _authenticator = authenticator;
        _policy = policy;
        _timeProvider = timeProvider;
        _logger = logger;
        _serverUrl = server.Value.Url;
    }

    internal Task<HttpResponseData> HandleAsync(HttpRequestData request, EndpointShape shape) =>
        HandleAsync(request, shape, shape == EndpointShape.Token ? "token" : "connection-details", maxTtl: null);

    /// <summary>As above, on the route named <paramref name="route"/> (for logs and metrics), with lifetimes capped at <paramref name="maxTtl"/>.</summary>
    internal async Task<HttpResponseData> HandleAsync(HttpRequestData request, EndpointShape shape, string route, TimeSpan? maxTtl)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await HandleCoreAsync(request, shape, route, maxTtl).ConfigureAwait(false);
        TokenServiceTelemetry.RequestCompleted(route, (int)response.StatusCode, started);
        return response;
    }

    private async Task<HttpResponseData> HandleCoreAsync(HttpRequestData request, EndpointShape shape, string route, TimeSpan? maxTtl)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cancellationToken = request.FunctionContext.CancellationToken;
        try
        {
            CallerAuthenticationResult authentication;
            try
            {
                authentication = await _authenticator.AuthenticateAsync(Header(request, "Authorization"), cancellationToken).ConfigureAwait(false);
            }
            catch (CallerAuthenticationUnavailableException exception)
            {
                // The identity provider's keys cannot be read (the authenticator has logged why): not the caller's fault.
                TokenServiceTelemetry.Unavailable(route, TokenServiceTelemetry.Causes.IdentityProviderUnavailable);
                return await Problems.WriteUnavailableAsync(request, "Bearer tokens cannot be checked right now; retry later.", exception.RetryAfter).ConfigureAwait(false);
            }

            if (!authentication.Succeeded)
            {
                EndpointLog.AuthenticationFailed(_logger, route);
                TokenServiceTelemetry.RequestRefused(route, authentication.FailureStatus, authentication.FailureField);
                var unauthorized = await Problems.WriteAsync(request, authentication.FailureStatus, authentication.FailureDetail ?? "Authentication failed.", authentication.FailureField).ConfigureAwait(false);
                unauthorized.Headers.TryAddWithoutValidation("WWW-Authenticate", authentication.WwwAuthenticate ?? "Bearer");
                return unauthorized;
            }

            TokenRequestBody? body = null;
            if (!HttpMethods.IsGet(request.Method))
            {
                var (parsed, error) = await ReadBodyAsync(request, cancellationToken).ConfigureAwait(false);
                if (error is not null)
                {
                    return await RefuseAsync(request, route, error).ConfigureAwait(false);
                }

                body = parsed;
            }

            TokenDecision? decision = null;
            string? queryRoom = null, queryParticipant = null;
            if (request.Url.Query.Length > 1)
            {
                var query = request.Query;
                queryRoom = query[RequestFields.LegacyRoomName];
                queryParticipant = query[RequestFields.LegacyParticipantName];
            }

            var refusal = TokenRequestReader.Read(body, queryRoom, queryParticipant, out var tokenRequest)
                ?? _policy.Decide(tokenRequest, authentication.Caller, out decision);
            if (refusal is not null)
            {
                return await RefuseAsync(request, route, refusal).ConfigureAwait(false);
            }

            ApiCredentials credentials;
            try
            {
                credentials = await _apiCredentialsProvider.GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SecretUnavailableException exception)
            {
                EndpointLog.SecretUnavailable(_logger, exception, route, Problems.RetryAfterSeconds(exception.RetryAfter));
                TokenServiceTelemetry.Unavailable(route, TokenServiceTelemetry.Causes.SecretUnavailable);
                return await Problems.WriteUnavailableAsync(request, "The signing secret is not available right now; retry later.", exception.RetryAfter).ConfigureAwait(false);
            }

            var ttl = maxTtl is { } cap && cap < decision!.Ttl ? cap : decision!.Ttl;
            var token = Sign(credentials, decision, ttl);
            EndpointLog.TokenIssued(_logger, route, decision.Identity, decision.Room, (long)ttl.TotalSeconds);
            TokenServiceTelemetry.TokenIssued(route, authentication.Caller is not null);
            return await WriteTokenAsync(request, shape, decision, token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var correlationId = request.FunctionContext.InvocationId;
            EndpointLog.UnexpectedFailure(_logger, exception, route, correlationId);
            return await Problems.WriteAsync(request, 500, "An unexpected error occurred. Quote the correlation id when reporting it.", correlationId: correlationId).ConfigureAwait(false);
        }
    }

    private string Sign(ApiCredentials credentials, TokenDecision decision, TimeSpan ttl) =>
        new AccessToken(credentials.ApiKey, credentials.ApiSecret, _timeProvider) { Claims = decision.Claims, Ttl = ttl }.ToJwt();

    private async Task<HttpResponseData> WriteTokenAsync(HttpRequestData request, EndpointShape shape, TokenDecision decision, string token)
    {
        HttpResponseData response;
        byte[] bytes;
        string contentType;
        if (shape == EndpointShape.ConnectionDetails)
        {
            response = request.CreateResponse(HttpStatusCode.OK);
            contentType = "application/json; charset=utf-8";
            bytes = JsonSerializer.SerializeToUtf8Bytes(
                new ConnectionDetailsResponse(_serverUrl, decision.Room, decision.Name, token), EndpointJsonContext.Default.ConnectionDetailsResponse);
        }
        else if (WantsPlainText(Header(request, "Accept")))
        {
            response = request.CreateResponse(HttpStatusCode.OK);
            contentType = "text/plain; charset=utf-8";
            bytes = Encoding.UTF8.GetBytes(token);
        }
        else
        {
            response = request.CreateResponse(HttpStatusCode.Created);
            contentType = "application/json; charset=utf-8";
            bytes = JsonSerializer.SerializeToUtf8Bytes(
                new TokenResponse(_serverUrl, token, decision.Room, decision.Identity, decision.Name), EndpointJsonContext.Default.TokenResponse);
        }

        response.Headers.TryAddWithoutValidation("Content-Type", contentType);
        response.Headers.TryAddWithoutValidation("Cache-Control", "no-store");
        await response.Body.WriteAsync(bytes).ConfigureAwait(false);
        return response;
    }

    private async ValueTask<HttpResponseData> RefuseAsync(HttpRequestData request, string route, RequestError error)
    {
        EndpointLog.RequestRefused(_logger, route, error.Status, error.Field);
        TokenServiceTelemetry.RequestRefused(route, error.Status, error.Field);
        return await Problems.WriteAsync(request, error.Status, error.Detail, error.Field).ConfigureAwait(false);
    }

    private async ValueTask<(TokenRequestBody? Body, RequestError? Error)> ReadBodyAsync(HttpRequestData request, CancellationToken cancellationToken)
    {
        var (content, tooLarge) = await RequestBody.ReadAsync(request, _policy.Options.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            return (null, tooLarge);
        }

        using (content)
        {
            var json = content.Span.Trim(" \t\r\n"u8);
            if (json.IsEmpty)
            {
                return (null, null);
            }

            if (!IsJson(Header(request, "Content-Type")))
            {
                return (null, new RequestError(415, "Send the body as application/json (UTF-8).", RequestFields.ContentType));
            }

            try
            {
                var body = JsonSerializer.Deserialize(json, EndpointJsonContext.Default.TokenRequestBody);
                return body is null
                    ? (null, RequestError.Invalid(RequestFields.Body, "The body must be a JSON object."))
                    : (body, null);
            }
            catch (JsonException exception)
            {
                var field = FieldFromPath(exception.Path);
                return (null, RequestError.Invalid(
                    field ?? RequestFields.Body,
                    field is null ? "The body is not a valid JSON object." : $"{field} is malformed or has the wrong JSON type."));
            }
        }
    }

    /// <summary>A JSON path such as <c>$.room_config.agents[0].agent_name</c> as a field name, if it is safe to echo.</summary>
    internal static string? FieldFromPath(string? path)
    {
        if (path is null || path.Length <= 2 || path.Length > 128 || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return null;
        }

        var field = path[2..];
        return TextRules.Inspect(field, out _, out var control) && !control ? field : null;
    }

    internal static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var span = contentType.AsSpan();
        var semicolon = span.IndexOf(';');
        var mediaType = (semicolon < 0 ? span : span[..semicolon]).Trim();
        if (!mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // The only charset JSON has is UTF-8 (RFC 8259); refuse a body that claims another.
        if (semicolon >= 0)
        {
            foreach (var range in span[(semicolon + 1)..].Split(';'))
            {
                var parameter = span[(semicolon + 1)..][range].Trim();
                if (parameter.StartsWith("charset=", StringComparison.OrdinalIgnoreCase))
                {
                    var charset = parameter["charset=".Length..].Trim().Trim('"');
                    if (!charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    /// <summary>The seed's snippet asks for the bare JWT with <c>Accept: text/plain</c>; anyone accepting JSON gets JSON.</summary>
    internal static bool WantsPlainText(string? accept) =>
        accept is not null
        && accept.Contains("text/plain", StringComparison.OrdinalIgnoreCase)
        && !accept.Contains("application/json", StringComparison.OrdinalIgnoreCase);

    private static string? Header(HttpRequestData request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    private static class HttpMethods
    {
        public static bool IsGet(string method) => string.Equals(method, "GET", StringComparison.OrdinalIgnoreCase);
    }
}
