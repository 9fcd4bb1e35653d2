using TokenFunction.Auth;
using TokenFunction.Contract;

namespace TokenFunction.Policy;

/// <summary>
/// What a bearer caller may choose. The identity is the token's; the name comes from the token and metadata and
/// attributes (which other participants and agents read as the server's word) are not the caller's to set, unless a
/// setting says so. Repeating the token's own name is fine.
/// </summary>
internal static class CallerRules
{
    public static RequestError? CheckIdentity(string? requested, string requestedField, AuthenticatedCaller caller) =>
        requested is not null && !string.Equals(requested, caller.Identity, StringComparison.Ordinal)
            ? RequestError.Forbidden(requestedField, "The identity comes from your credentials; you may not choose another.")
            : null;

    public static RequestError? CheckChoices(TokenRequest request, AuthenticatedCaller caller, CallerChoicesOptions choices, string? name, string identity)
    {
        if (name is not null && !choices.AllowName && !string.Equals(name, NameOf(caller, identity), StringComparison.Ordinal))
        {
            return RequestError.Forbidden(RequestFields.ParticipantName, $"participant_name comes from your token's '{caller.NameClaim}' claim; policy does not let callers choose it (CallerChoices__AllowName).");
        }

        if (!string.IsNullOrEmpty(request.Metadata) && !choices.AllowMetadata)
        {
            return RequestError.Forbidden(RequestFields.ParticipantMetadata, "Policy does not let authenticated callers set participant_metadata (CallerChoices__AllowMetadata).");
        }

        return request.Attributes is { Count: > 0 } && !choices.AllowAttributes
            ? RequestError.Forbidden(RequestFields.ParticipantAttributes, "Policy does not let authenticated callers set participant_attributes (CallerChoices__AllowAttributes).")
            : null;
    }

    /// <summary>The display name a bearer caller gets when the request names none: the token's, or the identity.</summary>
    public static string NameOf(AuthenticatedCaller caller, string identity) => string.IsNullOrEmpty(caller.Name) ? identity : caller.Name;
}
