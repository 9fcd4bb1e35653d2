namespace TokenFunction.Telemetry;

/// <summary>
/// Why a bearer token was refused: the one list the authenticator reports from and the <c>reason</c> tag of
/// <see cref="TokenServiceTelemetry.Instruments.BearerFailures"/> is drawn from (each member's snake_case name,
/// <see cref="TokenServiceTelemetry.ReasonTag"/>). An enum, so a reason that is not on the list does not compile.
/// </summary>
internal enum BearerFailureReason
{
    Missing,
    Expired,
    NotYetValid,
    NoExpiry,
    Lifetime,
    Audience,
    Issuer,
    Algorithm,
    UnknownKey,
    Signature,
    Malformed,
    Invalid,
    IdentityClaim,
    Scope,
    Role,
    TokenType,
    NameClaim,
}
