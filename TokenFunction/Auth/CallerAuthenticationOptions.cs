using TokenFunction.Primitives;

namespace TokenFunction.Auth;

/// <summary>
/// Caller authentication settings, bound from the <c>Auth</c> configuration section
/// (app settings <c>Auth__Mode</c>, <c>Auth__Authority</c>, ...). Validated at start-up.
/// </summary>
internal sealed class CallerAuthenticationOptions
{
    public const string SectionName = "Auth";

    /// <summary>The algorithms accepted by default: asymmetric only, so a public key can never act as an HMAC secret.</summary>
    public static IReadOnlyList<string> DefaultAlgorithms { get; } =
        ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    public CallerAuthenticationMode Mode { get; set; } = CallerAuthenticationMode.FunctionKeyOnly;

    /// <summary>The OIDC issuer, e.g. <c>https://login.microsoftonline.com/&lt;tenant&gt;/v2.0</c>; discovery is read below it.</summary>
    public string? Authority { get; set; }

    /// <summary>Overrides the discovery document's address (default: <see cref="Authority"/> + <c>/.well-known/openid-configuration</c>).</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>Overrides the expected <c>iss</c> (default: the discovery document's <c>issuer</c>).</summary>
    public string? Issuer { get; set; }

    /// <summary>The accepted <c>aud</c> values, comma-separated (Entra: <c>api://&lt;app-id&gt;,&lt;app-id&gt;</c>).</summary>
    public string? Audience { get; set; }

    /// <summary>The claim that becomes the LiveKit identity: <c>sub</c>, or <c>oid</c> for Entra ID.</summary>
    public string IdentityClaim { get; set; } = "sub";

    /// <summary>The claim that becomes the participant's display name; empty for none.</summary>
    public string? NameClaim { get; set; } = "name";

    /// <summary>The claim whose values grant rooms through <see cref="RoomRules"/> (e.g. <c>roles</c> or <c>groups</c>); unset: any room.</summary>
    public string? RoomClaim { get; set; }

    /// <summary>Which rooms each <see cref="RoomClaim"/> value may join.</summary>
    public IList<RoomRule> RoomRules { get; } = [];

    /// <summary>
    /// Scopes of which the token must carry at least one in <c>scp</c> (or <c>scope</c>), space- or comma-separated;
    /// empty: none required. Entra puts delegated scopes only in user tokens, so this also refuses ID and app-only tokens.
    /// </summary>
    public string? RequiredScopes { get; set; }

    /// <summary>Roles of which the token must carry at least one in <c>roles</c>; empty: none required.</summary>
    public string? RequiredRoles { get; set; }

    /// <summary>
    /// Accepted <c>typ</c> header values, e.g. <c>at+jwt</c> for issuers that mark access tokens as RFC 9068 says
    /// (<c>application/</c> prefix also accepted); empty: not checked. Entra always writes <c>JWT</c>: leave it empty there.
    /// </summary>
    public string? ValidTypes { get; set; }

    /// <summary>Deprecated: <c>CallerChoices__AllowName</c> (bound so the old name still starts the app; the policy reads it).</summary>
    public bool AllowCallerName { get; set; }

    /// <summary>Deprecated: <c>CallerChoices__AllowMetadata</c> (bound so the old name still starts the app; the policy reads it).</summary>
    public bool AllowCallerMetadata { get; set; }

    /// <summary>Deprecated: <c>CallerChoices__AllowAttributes</c> (bound so the old name still starts the app; the policy reads it).</summary>
    public bool AllowCallerAttributes { get; set; }

    /// <summary>Tolerance for clock differences when checking <c>exp</c> and <c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Accepted <c>alg</c> values, comma-separated; asymmetric algorithms only.</summary>
    public string? ValidAlgorithms { get; set; }

    /// <summary>Refuse discovery and key documents served over plain HTTP.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>How long discovery and keys are cached before a routine refresh.</summary>
    public TimeSpan MetadataAutomaticRefreshInterval { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// The least time between two refreshes forced by an unknown signing key, so a flood of tokens with made-up
    /// <c>kid</c>s cannot turn into a flood of requests to the identity provider.
    /// </summary>
    public TimeSpan MetadataRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The configured audiences as a list.</summary>
    public IReadOnlyList<string> GetAudiences() => SettingLists.Split(Audience);

    /// <summary>The configured required scopes as a list.</summary>
    public IReadOnlyList<string> GetRequiredScopes() => SettingLists.Split(RequiredScopes);

    /// <summary>The configured required roles as a list.</summary>
    public IReadOnlyList<string> GetRequiredRoles() => SettingLists.Split(RequiredRoles);

    /// <summary>The configured accepted <c>typ</c> values as a list.</summary>
    public IReadOnlyList<string> GetValidTypes() => SettingLists.Split(ValidTypes);

    /// <summary>The configured algorithms, or <see cref="DefaultAlgorithms"/> when none are set.</summary>
    public IReadOnlyList<string> GetValidAlgorithms()
    {
        var configured = SettingLists.Split(ValidAlgorithms);
        return configured.Length == 0 ? DefaultAlgorithms : configured;
    }

    /// <summary>The discovery document's address.</summary>
    public string? GetMetadataAddress() =>
        !string.IsNullOrWhiteSpace(MetadataAddress) ? MetadataAddress.Trim()
        : string.IsNullOrWhiteSpace(Authority) ? null
        : Authority.Trim().TrimEnd('/') + "/.well-known/openid-configuration";
}

/// <summary>
/// Callers whose room claim holds <see cref="Value"/> may join rooms whose whole name matches <see cref="Pattern"/>.
/// Bound from <c>Auth__RoomRules__0__Value</c> / <c>Auth__RoomRules__0__Pattern</c>, so claim values such as group
/// GUIDs or dotted role names never have to be configuration keys.
/// </summary>
internal sealed class RoomRule
{
    /// <summary>A value of the room claim, compared exactly; <c>*</c> applies to every authenticated caller.</summary>
    public string? Value { get; set; }

    /// <summary>A .NET regular expression that must match the entire room name.</summary>
    public string? Pattern { get; set; }
}
