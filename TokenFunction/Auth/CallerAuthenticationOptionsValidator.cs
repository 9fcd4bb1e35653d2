using Microsoft.Extensions.Options;

namespace TokenFunction.Auth;

/// <summary>Start-up checks for <see cref="CallerAuthenticationOptions"/>; every message names the setting to fix.</summary>
public sealed class CallerAuthenticationOptionsValidator : IValidateOptions<CallerAuthenticationOptions>
{
    private static readonly TimeSpan s_maxClockSkew = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, CallerAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(options.Mode))
        {
            return ValidateOptionsResult.Fail($"{Setting("Mode")} must be Anonymous or Bearer.");
        }

        if (options.Mode == CallerAuthenticationMode.Anonymous)
        {
            return ValidateOptionsResult.Success;
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

            try
            {
                _ = RoomAccessPolicy.Compile(rule.Pattern);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                failures.Add($"{Setting($"RoomRules:{i}:Pattern")} is not a valid regular expression (backreferences and lookarounds are not supported).");
            }
        }
    }

    // Both spellings, so the message matches whichever the operator set: Auth:Authority in JSON, Auth__Authority in app settings.
    private static string Setting(string key) =>
        $"{CallerAuthenticationOptions.SectionName}:{key} ({CallerAuthenticationOptions.SectionName}__{key.Replace(":", "__", StringComparison.Ordinal)})";
}
