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

    public static RequestError? CheckChoices(TokenRequest request, AuthenticatedCaller caller, string? name, string identity)
    {
        if (name is not null && !caller.MayChooseName && !string.Equals(name, NameOf(caller, identity), StringComparison.Ordinal))
        {
            return RequestError.Forbidden(RequestFields.ParticipantName, $"participant_name comes from your token's '{caller.NameClaim}' claim; policy does not let callers choose it (Auth__AllowCallerName).");
        }

        if (!string.IsNullOrEmpty(request.Metadata) && !caller.MayChooseMetadata)
        {
            return RequestError.Forbidden(RequestFields.ParticipantMetadata, "Policy does not let authenticated callers set participant_metadata (Auth__AllowCallerMetadata).");
        }

        return request.Attributes is { Count: > 0 } && !caller.MayChooseAttributes
            ? RequestError.Forbidden(RequestFields.ParticipantAttributes, "Policy does not let authenticated callers set participant_attributes (Auth__AllowCallerAttributes).")
            : null;
    }

    /// <summary>The display name a bearer caller gets when the request names none: the token's, or the identity.</summary>
    public static string NameOf(AuthenticatedCaller caller, string identity) => string.IsNullOrEmpty(caller.Name) ? identity : caller.Name;
}
