using Microsoft.Extensions.Options;
using TokenFunction.LiveKit;
using TokenFunction.Primitives;

namespace TokenFunction.Policy;

/// <summary>
/// Stops start-up on a bad policy value, naming the setting as it is written in app settings.
/// </summary>
internal sealed class TokenPolicyOptionsValidator : IValidateOptions<TokenPolicyOptions>
{
    private static readonly TimeSpan s_minTtl = TimeSpan.FromSeconds(1);

    public ValidateOptionsResult Validate(string? name, TokenPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        // Tokens carry whole seconds: under one, expiry can truncate to the not-before second and the token is unusable.
        if (options.DefaultTtl < s_minTtl)
        {
            failures.Add(Fail(nameof(options.DefaultTtl), "must be at least 00:00:01, e.g. 00:15:00"));
        }

        if (options.MaxTtl < s_minTtl || options.MaxTtl > TimeSpan.FromDays(1))
        {
            failures.Add(Fail(nameof(options.MaxTtl), "must be at least 00:00:01 and at most 1.00:00:00"));
        }
        else if (options.DefaultTtl > options.MaxTtl)
        {
            failures.Add(Fail(nameof(options.DefaultTtl), $"must not exceed {Setting(nameof(options.MaxTtl))}"));
        }

        if (ParseSources(options.CanPublishSources, out var badSource) is null)
        {
            failures.Add(Fail(nameof(options.CanPublishSources), $"has an unknown track source '{badSource}' (use {TrackSources.List})"));
        }

        if (!string.IsNullOrEmpty(options.RoomNamePattern) && !RoomPattern.TryCompile(options.RoomNamePattern, out _, out var problem))
        {
            failures.Add($"{Setting(nameof(options.RoomNamePattern))} {problem}");
        }

        CheckRange(failures, nameof(options.MaxRoomNameLength), options.MaxRoomNameLength, 1, TokenPolicyOptions.LiveKitMaxNameLength);
        CheckRange(failures, nameof(options.MaxIdentityLength), options.MaxIdentityLength, 1, TokenPolicyOptions.LiveKitMaxNameLength);
        CheckRange(failures, nameof(options.MaxNameLength), options.MaxNameLength, 1, TokenPolicyOptions.LiveKitMaxNameLength);
        CheckRange(failures, nameof(options.MaxMetadataBytes), options.MaxMetadataBytes, 0, TokenPolicyOptions.LiveKitMaxMetadataBytes);
        CheckRange(failures, nameof(options.MaxAttributesBytes), options.MaxAttributesBytes, 0, TokenPolicyOptions.LiveKitMaxAttributesBytes);
        CheckRange(failures, nameof(options.MaxRequestBodyBytes), options.MaxRequestBodyBytes, 1024, TokenPolicyOptions.HardMaxRequestBodyBytes);

        foreach (var agent in SettingLists.Split(options.AllowedAgentNames))
        {
            if (agent.Length > TokenPolicyOptions.LiveKitMaxNameLength || agent.Any(char.IsControl))
            {
                failures.Add(Fail(nameof(options.AllowedAgentNames), "has an agent name that is too long or has control characters"));
                break;
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The setting as written in app settings, e.g. <c>TokenPolicy__DefaultTtl</c>.</summary>
    internal static string Setting(string property) => $"{TokenPolicyOptions.SectionName}__{property}";

    /// <summary>Null when a source is unknown (<paramref name="bad"/> names it); empty when every source is allowed.</summary>
    internal static TrackSource[]? ParseSources(string? value, out string? bad)
    {
        bad = null;
        var items = SettingLists.Split(value);
        var result = new List<TrackSource>(items.Length);
        foreach (var item in items)
        {
            if (!TrackSources.TryParse(item, out var source))
            {
                bad = item;
                return null;
            }

            if (!result.Contains(source))
            {
                result.Add(source);
            }
        }

        return [.. result];
    }

    private static void CheckRange(List<string> failures, string property, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add(Fail(property, $"must be between {min} and {max}"));
        }
    }

    private static string Fail(string property, string problem) => $"{Setting(property)} {problem}.";
}
