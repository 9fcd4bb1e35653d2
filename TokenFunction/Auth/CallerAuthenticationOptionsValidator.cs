using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using TokenFunction.Primitives;

namespace TokenFunction.Auth;

/// <summary>Start-up checks for <see cref="CallerAuthenticationOptions"/>; every message names the setting to fix.</summary>
/// <param name="section">
/// The bound <c>Auth</c> section, so that settings which only bearer mode reads are refused when the mode is not
/// Bearer (the options object cannot tell a set value from a default); null skips that check.
/// </param>
internal sealed class CallerAuthenticationOptionsValidator(IConfigurationSection? section = null) : IValidateOptions<CallerAuthenticationOptions>
{
    private static readonly TimeSpan s_maxClockSkew = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, CallerAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(options.Mode))
        {
            return ValidateOptionsResult.Fail($"{Setting("Mode")} must be Anonymous (function key only) or Bearer.");
        }

        if (options.Mode == CallerAuthenticationMode.FunctionKeyOnly)
        {
            return ValidateAnonymous();
        }

        var failures = new List<string>();
        var metadataAddress = options.GetMetadataAddress();
        if (metadataAddress is null)
        {
            failures.Add($"{Setting("Authority")} (or {Setting("MetadataAddress")}) is required when {Setting("Mode")} is Bearer.");
        }
        else
        {
            var which = string.IsNullOrWhiteSpace(options.MetadataAddress) ? "Authority" : "MetadataAddress";
            if (!Uri.TryCreate(metadataAddress, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                failures.Add($"{Setting(which)} must be an absolute http(s) URL.");
            }
            else if (options.RequireHttpsMetadata && uri.Scheme != Uri.UriSchemeHttps)
            {
                failures.Add($"{Setting(which)} must use https (set {Setting("RequireHttpsMetadata")}=false only for a local test issuer).");
            }
        }

        if (options.GetAudiences().Count == 0)
        {
            failures.Add($"{Setting("Audience")} is required when {Setting("Mode")} is Bearer (comma-separate several).");
        }

        if (string.IsNullOrWhiteSpace(options.IdentityClaim))
        {
            failures.Add($"{Setting("IdentityClaim")} must name a claim (sub, or oid for Entra ID).");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > s_maxClockSkew)
        {
            failures.Add($"{Setting("ClockSkew")} must be between 00:00:00 and 00:05:00.");
        }

        foreach (var algorithm in options.GetValidAlgorithms())
        {
            if (!CallerAuthenticationOptions.DefaultAlgorithms.Contains(algorithm, StringComparer.Ordinal))
            {
                failures.Add($"{Setting("ValidAlgorithms")} holds '{algorithm}': only {string.Join(", ", CallerAuthenticationOptions.DefaultAlgorithms)} are accepted (never HS* or none).");
            }
        }

        if (options.MetadataRefreshInterval < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{Setting("MetadataRefreshInterval")} must be at least 00:00:01.");
        }

        if (options.MetadataAutomaticRefreshInterval < TimeSpan.FromMinutes(5))
        {
            failures.Add($"{Setting("MetadataAutomaticRefreshInterval")} must be at least 00:05:00.");
        }

        ValidateRoomRules(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Bearer settings next to a missing or misspelt Auth__Mode mean the operator meant bearer mode: starting anonymous
    // would let anyone holding the function key pick any identity. Blank values ask for nothing and are let through.
    private ValidateOptionsResult ValidateAnonymous()
    {
        var present = section?.GetChildren()
            .Where(c => !string.Equals(c.Key, nameof(CallerAuthenticationOptions.Mode), StringComparison.OrdinalIgnoreCase))
            .Where(c => c.AsEnumerable().Any(kv => !string.IsNullOrWhiteSpace(kv.Value)))
            .Select(c => Setting(c.Key))
            .ToList();
        return present is not { Count: > 0 }
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{Setting("Mode")} is Anonymous (or not set), but settings only bearer mode uses are present: {string.Join(", ", present)}. " +
                $"Set {Setting("Mode")} to Bearer, or remove them.");
    }

    private static void ValidateRoomRules(CallerAuthenticationOptions options, List<string> failures)
    {
        var hasClaim = !string.IsNullOrWhiteSpace(options.RoomClaim);
        if (hasClaim && options.RoomRules.Count == 0)
        {
            failures.Add($"{Setting("RoomClaim")} is set but {Setting("RoomRules")} is empty, so no caller could join any room.");
        }

        if (!hasClaim && options.RoomRules.Count > 0)
        {
            failures.Add($"{Setting("RoomRules")} needs {Setting("RoomClaim")} (the claim whose values the rules name).");
        }

        for (var i = 0; i < options.RoomRules.Count; i++)
        {
            var rule = options.RoomRules[i];
            if (string.IsNullOrEmpty(rule.Value))
            {
                failures.Add($"{Setting($"RoomRules:{i}:Value")} is required.");
            }

            if (string.IsNullOrEmpty(rule.Pattern))
            {
                failures.Add($"{Setting($"RoomRules:{i}:Pattern")} is required.");
                continue;
            }

            if (!RoomPattern.TryCompile(rule.Pattern, out _, out var problem))
            {
                failures.Add($"{Setting($"RoomRules:{i}:Pattern")} {problem}");
            }
        }
    }

    // Both spellings, so the message matches whichever the operator set: Auth:Authority in JSON, Auth__Authority in app settings.
    private static string Setting(string key) =>
        $"{CallerAuthenticationOptions.SectionName}:{key} ({CallerAuthenticationOptions.SectionName}__{key.Replace(":", "__", StringComparison.Ordinal)})";
}
