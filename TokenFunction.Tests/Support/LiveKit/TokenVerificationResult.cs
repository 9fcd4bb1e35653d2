using TokenFunction.LiveKit;

namespace TokenFunction.Tests.Support.LiveKit;

// Test code: the service only signs, so the verifier moved here from the product (issue 20 item 7). It keeps the
// product's namespace so that the tests, end-to-end ones included, name it as before.

/// <summary>The outcome of <see cref="TokenVerifier.Verify"/>: either the parsed claims or a reason for refusal.</summary>
internal sealed class TokenVerificationResult
{
    private TokenVerificationResult(
        bool isValid, string? failureReason, ClaimGrants? claims, string? issuer, string? subject,
        DateTimeOffset notBefore, DateTimeOffset expiresAt)
    {
        IsValid = isValid;
        FailureReason = failureReason;
        Claims = claims;
        Issuer = issuer;
        Subject = subject;
        NotBefore = notBefore;
        ExpiresAt = expiresAt;
    }

    public bool IsValid { get; }

    /// <summary>Why the token was refused; never contains the token or the secret.</summary>
    public string? FailureReason { get; }

    public ClaimGrants? Claims { get; }

    public string? Issuer { get; }

    public string? Subject { get; }

    /// <summary><c>nbf</c>, or the Unix epoch when the token has none.</summary>
    public DateTimeOffset NotBefore { get; }

    public DateTimeOffset ExpiresAt { get; }

    internal static TokenVerificationResult Success(
        ClaimGrants claims, string issuer, string? subject, DateTimeOffset notBefore, DateTimeOffset expiresAt) =>
        new(true, null, claims, issuer, subject, notBefore, expiresAt);

    internal static TokenVerificationResult Failure(string reason) =>
        new(false, reason, null, null, null, default, default);

    public override string ToString() => IsValid ? $"valid (sub {Subject})" : $"invalid: {FailureReason}";
}
