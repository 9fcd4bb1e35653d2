using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using TokenFunction.Primitives;
using TokenFunction.Telemetry;

namespace TokenFunction.Auth;

/// <summary>
/// Bearer mode: the caller's JWT from the app's own OIDC issuer is validated (signature with the issuer's published
/// keys, issuer, audience, lifetime, algorithm) and the LiveKit identity is read from one of its claims.
/// </summary>
internal sealed partial class BearerCallerAuthenticator : ICallerAuthenticator, IDisposable
{
    private const int s_maxIdentityLength = 256;
    private static readonly TimeSpan s_metadataTimeout = TimeSpan.FromSeconds(10);

    private readonly CallerAuthenticationOptions _options;
    private readonly ILogger _logger;
    private readonly HttpClient? _ownedClient;
    private readonly IssuerMetadataCache _metadata;
    private readonly JsonWebTokenHandler _handler = new();
    private readonly string[] _audiences;
    private readonly string[] _algorithms;
    private readonly string? _issuer;
    private readonly string? _nameClaim;
    private readonly string? _roomClaim;
    private readonly RoomAccessPolicy? _rooms;
    private readonly string[] _requiredScopes;
    private readonly string[] _requiredRoles;
    private readonly string[] _validTypes;
    private ValidationSnapshot? _snapshot;

    public BearerCallerAuthenticator(IOptions<CallerAuthenticationOptions> options, ILogger<BearerCallerAuthenticator> logger)
        : this(options, logger, metadataClient: null)
    {
    }

    /// <param name="metadataClient">
    /// The client that reads the discovery document and keys; null for our own. Tests pass one that trusts their
    /// loopback issuer's self-signed certificate and nothing else.
    /// </param>
    public BearerCallerAuthenticator(IOptions<CallerAuthenticationOptions> options, ILogger<BearerCallerAuthenticator> logger, HttpClient? metadataClient)
        : this(options, logger, metadataClient, timeProvider: null)
    {
    }

    /// <param name="timeProvider">The clock for metadata refreshes and their timeouts; null for the system clock.</param>
    public BearerCallerAuthenticator(
        IOptions<CallerAuthenticationOptions> options, ILogger<BearerCallerAuthenticator> logger, HttpClient? metadataClient, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _logger = logger;

        var metadataAddress = _options.GetMetadataAddress()
            ?? throw new InvalidOperationException("Auth:Authority (Auth__Authority) is required when Auth:Mode is Bearer.");
        _audiences = [.. _options.GetAudiences()];
        _algorithms = [.. _options.GetValidAlgorithms()];
        _issuer = string.IsNullOrWhiteSpace(_options.Issuer) ? null : _options.Issuer.Trim();
        _nameClaim = string.IsNullOrWhiteSpace(_options.NameClaim) ? null : _options.NameClaim;
        _roomClaim = string.IsNullOrWhiteSpace(_options.RoomClaim) ? null : _options.RoomClaim;
        _rooms = _roomClaim is null ? null : new RoomAccessPolicy(_options.RoomRules);
        _requiredScopes = [.. _options.GetRequiredScopes()];
        _requiredRoles = [.. _options.GetRequiredRoles()];
        _validTypes = [.. _options.GetValidTypes().Select(MediaType)];

        if (metadataClient is null)
        {
            _ownedClient = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(15) })
            {
                Timeout = s_metadataTimeout,
            };
        }

        _metadata = new IssuerMetadataCache(
            metadataAddress,
            new TracedDocumentRetriever(new HttpDocumentRetriever(metadataClient ?? _ownedClient!) { RequireHttps = _options.RequireHttpsMetadata }),
            _options.MetadataRefreshInterval,
            _options.MetadataAutomaticRefreshInterval,
            s_metadataTimeout,
            timeProvider ?? TimeProvider.System,
            logger);
    }

    public bool IsEnabled => true;

    public async ValueTask<CallerAuthenticationResult> AuthenticateAsync(string? authorizationHeader, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(authorizationHeader))
        {
            LogMissingToken(_logger);
            return CallerAuthenticationResult.Failure(
                "A bearer token is required: send 'Authorization: Bearer <token>' with a token from the app's identity provider.",
                BearerChallenge.Missing);
        }

        if (!TryReadBearerToken(authorizationHeader, out var token))
        {
            LogMissingToken(_logger);
            return CallerAuthenticationResult.Failure("The Authorization header must use the Bearer scheme.", BearerChallenge.Missing);
        }

        var snapshot = await GetSnapshotAsync(stale: null, cancellationToken).ConfigureAwait(false);
        var result = await _handler.ValidateTokenAsync(token, snapshot.Parameters).ConfigureAwait(false);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // The issuer may have rolled its keys since we cached them. Refreshes are rate-limited from the last attempt
            // (IssuerMetadataCache), so made-up kids cannot turn into a stream of requests to the identity provider,
            // even while it fails; meanwhile such tokens get 503 with the time to the next attempt.
            var refreshed = await GetSnapshotAsync(snapshot.Configuration, cancellationToken).ConfigureAwait(false);
            if (!ReferenceEquals(refreshed, snapshot))
            {
                LogKeysRefreshed(_logger);
                result = await _handler.ValidateTokenAsync(token, refreshed.Parameters).ConfigureAwait(false);
            }
        }

        if (!result.IsValid)
        {
            var (reason, description) = Describe(result.Exception);
            LogTokenRefused(_logger, reason);
            return CallerAuthenticationResult.Failure(description, BearerChallenge.InvalidToken(description));
        }

        return Bind((JsonWebToken)result.SecurityToken);
    }

    /// <summary>
    /// Reads the discovery document and keys ahead of the first request. Never throws for an unreachable identity
    /// provider: the failure is logged and requests retry on their own.
    /// </summary>
    public async Task<bool> WarmUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await GetSnapshotAsync(stale: null, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (CallerAuthenticationUnavailableException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _metadata.Dispose();
        _ownedClient?.Dispose();
    }

    private CallerAuthenticationResult Bind(JsonWebToken jwt)
    {
        if (_validTypes.Length > 0 && !_validTypes.Contains(MediaType(jwt.Typ), StringComparer.OrdinalIgnoreCase))
        {
            return Refuse(BearerFailureReason.TokenType, "The token's 'typ' header does not mark it as an accepted access token type.");
        }

        var identities = ClaimValues(jwt, _options.IdentityClaim);
        if (identities.Count != 1 || !IsUsable(identities[0]))
        {
            return Refuse(BearerFailureReason.IdentityClaim, $"The token's '{_options.IdentityClaim}' claim is missing or is not a usable identity (1 to {s_maxIdentityLength} bytes of UTF-8, no control characters).");
        }

        string? name = null;
        if (_nameClaim is not null)
        {
            // No name claim (or a blank one): the identity stands in. One LiveKit would refuse is refused here, naming it.
            var names = ClaimValues(jwt, _nameClaim);
            if (names.Count > 1 || (names.Count == 1 && !string.IsNullOrWhiteSpace(names[0]) && !IsUsable(names[0])))
            {
                return Refuse(BearerFailureReason.NameClaim, $"The token's '{_nameClaim}' claim is not a usable display name (at most {s_maxIdentityLength} bytes of UTF-8, no control characters).");
            }

            name = names.Count == 1 && !string.IsNullOrWhiteSpace(names[0]) ? names[0] : null;
        }

        // Scopes and roles: a valid token for this audience that does not carry the permission is a 403, not a 401.
        if (_requiredScopes.Length > 0 && !HasAny(ScopeValues(jwt), _requiredScopes))
        {
            LogTokenRefused(_logger, BearerFailureReason.Scope);
            return CallerAuthenticationResult.Forbidden("token.scp", $"The token carries none of the scopes this service requires ({string.Join(", ", _requiredScopes)}) in 'scp'.");
        }

        if (_requiredRoles.Length > 0 && !HasAny(ClaimValues(jwt, "roles"), _requiredRoles))
        {
            LogTokenRefused(_logger, BearerFailureReason.Role);
            return CallerAuthenticationResult.Forbidden("token.roles", $"The token carries none of the roles this service requires ({string.Join(", ", _requiredRoles)}) in 'roles' (insufficient scope).");
        }

        var roomFilter = _rooms is null ? null : _rooms.FilterFor(ClaimValues(jwt, _roomClaim!));
        return CallerAuthenticationResult.Success(new AuthenticatedCaller(identities[0], name, roomFilter)
        {
            IdentityClaim = _options.IdentityClaim,
            NameClaim = _nameClaim ?? _options.IdentityClaim,
        });
    }

    private CallerAuthenticationResult Refuse(BearerFailureReason reason, string description)
    {
        LogTokenRefused(_logger, reason);
        return CallerAuthenticationResult.Failure(description, BearerChallenge.InvalidToken(description));
    }

    // Entra writes delegated scopes as one space-separated 'scp' string; RFC 9068 issuers use 'scope' the same way, and
    // some issuers write a JSON array (listed as one claim per element). See
    // https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference (scp, roles).
    private static IEnumerable<string> ScopeValues(JsonWebToken jwt) =>
        ClaimValues(jwt, "scp").Concat(ClaimValues(jwt, "scope"))
            .SelectMany(v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static bool HasAny(IEnumerable<string> values, string[] required) =>
        values.Any(v => required.Contains(v, StringComparer.Ordinal));

    // typ is a media type: compared without case, and "application/" may be left out (RFC 7515 section 4.1.9).
    private static string MediaType(string? type) =>
        type is not null && type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) ? type["application/".Length..] : type ?? string.Empty;

    private static List<string> ClaimValues(JsonWebToken jwt, string claimType)
    {
        // JsonWebToken lists each element of a JSON array claim (roles, groups) as its own claim.
        var values = new List<string>();
        foreach (var claim in jwt.Claims)
        {
            if (string.Equals(claim.Type, claimType, StringComparison.Ordinal))
            {
                values.Add(claim.Value);
            }
        }

        return values;
    }

    // LiveKit counts identity and name in UTF-8 bytes (256 at most): 200 CJK characters are 600 bytes.
    private static bool IsUsable(string value) =>
        TextRules.Inspect(value, out var bytes, out var hasControl)
        && bytes is > 0 and <= s_maxIdentityLength && !hasControl && !string.IsNullOrWhiteSpace(value);

    private static bool TryReadBearerToken(string header, out string token)
    {
        token = string.Empty;
        var span = header.AsSpan().Trim();
        const string Scheme = "Bearer";
        if (span.Length <= Scheme.Length || !span.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || span[Scheme.Length] != ' ')
        {
            return false;
        }

        token = span[(Scheme.Length + 1)..].Trim().ToString();
        return token.Length > 0;
    }

    // stale: the configuration a token named an unknown key against (asks for a refresh), or null.
    // Both throw CallerAuthenticationUnavailableException (logged once per failed read) while the issuer cannot be read.
    private async ValueTask<ValidationSnapshot> GetSnapshotAsync(OpenIdConnectConfiguration? stale, CancellationToken cancellationToken)
    {
        var configuration = stale is null
            ? await _metadata.GetConfigurationAsync(cancellationToken).ConfigureAwait(false)
            : await _metadata.RefreshAsync(stale, cancellationToken).ConfigureAwait(false);

        var snapshot = _snapshot;
        if (snapshot is not null && ReferenceEquals(snapshot.Configuration, configuration))
        {
            return snapshot;
        }

        snapshot = new ValidationSnapshot(configuration, new TokenValidationParameters
        {
            ValidIssuer = _issuer ?? configuration.Issuer,
            ValidAudiences = _audiences,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = _algorithms,
            ClockSkew = _options.ClockSkew,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            RequireAudience = true,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
        });
        _snapshot = snapshot;
        return snapshot;
    }

    // Fixed sentences only: exception messages can quote parts of the token, so they never reach the client or the log.
    private static (BearerFailureReason Reason, string Description) Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => (BearerFailureReason.Expired, "The token has expired."),
        SecurityTokenNotYetValidException => (BearerFailureReason.NotYetValid, "The token is not valid yet."),
        SecurityTokenNoExpirationException => (BearerFailureReason.NoExpiry, "The token has no expiry time."),
        SecurityTokenInvalidLifetimeException => (BearerFailureReason.Lifetime, "The token's lifetime is not valid."),
        SecurityTokenInvalidAudienceException => (BearerFailureReason.Audience, "The token was not issued for this service (audience)."),
        SecurityTokenInvalidIssuerException => (BearerFailureReason.Issuer, "The token's issuer is not the configured identity provider."),
        SecurityTokenInvalidAlgorithmException => (BearerFailureReason.Algorithm, "The token's signing algorithm is not accepted."),
        SecurityTokenSignatureKeyNotFoundException => (BearerFailureReason.UnknownKey, "The token was signed with a key the identity provider does not publish."),
        SecurityTokenInvalidSignatureException => (BearerFailureReason.Signature, "The token's signature is not valid."),
        SecurityTokenMalformedException or ArgumentException => (BearerFailureReason.Malformed, "The token is not a well-formed JWT."),
        _ => (BearerFailureReason.Invalid, "The token is not valid."),
    };

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Bearer token refused: {Reason}")]
    private static partial void LogTokenRefusedCore(ILogger logger, string reason);

    private static void LogTokenRefused(ILogger logger, BearerFailureReason reason)
    {
        // The log names the reason as the metric tags it, so the two can be read side by side.
        var tag = TokenServiceTelemetry.ReasonTag(reason);
        LogTokenRefusedCore(logger, tag);
        TokenServiceTelemetry.BearerFailure(reason);
    }

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Token request without a bearer token")]
    private static partial void LogMissingTokenCore(ILogger logger);

    private static void LogMissingToken(ILogger logger)
    {
        LogMissingTokenCore(logger);
        TokenServiceTelemetry.BearerFailure(BearerFailureReason.Missing);
    }

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Unknown signing key: the identity provider's keys were refreshed")]
    private static partial void LogKeysRefreshedCore(ILogger logger);

    private static void LogKeysRefreshed(ILogger logger)
    {
        LogKeysRefreshedCore(logger);
        TokenServiceTelemetry.MetadataRefreshForced();
    }

    private sealed record ValidationSnapshot(OpenIdConnectConfiguration Configuration, TokenValidationParameters Parameters);
}
