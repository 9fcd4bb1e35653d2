using Microsoft.Extensions.Logging;

namespace TokenFunction.Http;

/// <summary>
/// The endpoints' log lines. None takes a token, a key, a secret or a request body: only names the service chose or
/// validated, field names and status codes.
/// </summary>
internal static partial class EndpointLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Issued a token on {Route} for identity {Identity} in room {Room}, valid {TtlSeconds} s")]
    public static partial void TokenIssued(ILogger logger, string route, string identity, string room, long ttlSeconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Refused a request on {Route}: {Status} (field {Field})")]
    public static partial void RequestRefused(ILogger logger, string route, int status, string? field);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Caller authentication failed on {Route}")]
    public static partial void AuthenticationFailed(ILogger logger, string route);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "The signing secret is unavailable on {Route}; asked the client to retry after {RetryAfterSeconds} s")]
    public static partial void SecretUnavailable(ILogger logger, Exception exception, string route, long retryAfterSeconds);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Unexpected failure on {Route}, correlation id {CorrelationId}")]
    public static partial void UnexpectedFailure(ILogger logger, Exception exception, string route, string correlationId);
}
