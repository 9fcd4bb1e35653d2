using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static TokenFunction.Tests.Support.Infra.Arm;

namespace TokenFunction.Tests.Support.Infra;

/// <summary>
/// Rules that compare the templates with what Azure accepts (<see cref="AzureFacts"/>), not with the templates' own
/// values: the class of mistake that passes every self-consistency check and still fails in ARM.
/// </summary>
internal static class AzureRules
{
    public static IEnumerable<string> KnownRoleIds(InfraDocuments docs)
    {
        var known = AzureFacts.Roles.ByName.Values.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var seen = 0;
        foreach (var snapshot in docs.Snapshots)
        {
            foreach (var assignment in OfType(snapshot.Document, "Microsoft.Authorization/roleAssignments"))
            {
                seen++;
                var id = Str(assignment, "properties", "roleDefinitionId") ?? "";
                if (!known.Contains(id.Split('/')[^1]))
                {
                    yield return $"role assignment {Str(assignment, "name")} assigns {id}, which is none of the built-in roles in AzureFacts.Roles (RoleDefinitionDoesNotExist in ARM)";
                }
            }
        }

        if (seen == 0)
        {
            yield return "no role assignments to check";
        }
    }

    /// <summary>No site property or app setting from Flex Consumption's deprecations table, in the site or any of its config resources.</summary>
    public static IEnumerable<string> NothingFlexConsumptionRefuses(InfraDocuments docs)
    {
        var properties = AzureFacts.FlexConsumptionRefuses.SitePropertyNames.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var settings = AzureFacts.FlexConsumptionRefuses.AppSettings;
        var sites = docs.Snapshots.SelectMany(s => Predicted(s.Document))
            .Concat(Templates(docs.Compiled).SelectMany(Resources))
            .Where(r => Str(r, "type") is { } type
                && (type.Equals("Microsoft.Web/sites", StringComparison.OrdinalIgnoreCase) || type.Equals("Microsoft.Web/sites/config", StringComparison.OrdinalIgnoreCase)));
        foreach (var resource in sites)
        {
            var what = $"{Str(resource, "type")} {Str(resource, "name")}";
            var body = At(resource, "properties");
            foreach (var (path, name) in Keys(body, "properties"))
            {
                if (properties.Contains(name))
                {
                    yield return $"{what}: {path} is a site property Flex Consumption refuses";
                }
                else if (settings.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    yield return $"{what}: app setting {name} is one Flex Consumption refuses";
                }
            }

            // Names also hide in template expressions (createObject('ftpsState', ...), union(...)) and in
            // siteConfig.appSettings entries ({ name, value }).
            var text = Text(body);
            foreach (var name in properties.Concat(settings))
            {
                if (Regex.IsMatch(text, $@"['""]{Regex.Escape(name)}['""]", RegexOptions.IgnoreCase)
                    && !Keys(body, "properties").Any(k => k.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
                {
                    yield return $"{what}: '{name}' appears in its definition and Flex Consumption refuses it";
                }
            }
        }
    }

    public static IEnumerable<string> LocationIsAFlexRegion(InfraDocuments docs)
    {
        var allowed = (At(docs.Compiled, "parameters", "location", "allowedValues") as JsonArray ?? [])
            .Select(v => v?.GetValue<string>() ?? "").ToList();
        if (allowed.Count == 0)
        {
            yield return "parameter location must list the Flex Consumption regions (@allowed), so azd only offers those";
        }

        foreach (var region in allowed.Except(AzureFacts.FlexConsumptionRegions))
        {
            yield return $"location allows {region}, which does not offer Flex Consumption";
        }

        foreach (var region in AzureFacts.FlexConsumptionRegions.Except(allowed).Where(_ => allowed.Count > 0))
        {
            yield return $"location does not allow {region}, a Flex Consumption region";
        }
    }

    public static IEnumerable<string> Scale(InfraDocuments docs)
    {
        // Issue 19 item 11: the cost cap's bounds are Flex Consumption's own (AzureFacts cites the current rule), in
        // main.bicep and in the api module it passes the value to.
        foreach (var template in Templates(docs.Compiled))
        {
            if (At(template, "parameters", "maximumInstanceCount") is JsonObject cap
                && (At(cap, "minValue")?.GetValue<int>() != AzureFacts.FlexMaximumInstanceCountLowest
                    || At(cap, "maxValue")?.GetValue<int>() != AzureFacts.FlexMaximumInstanceCountHighest))
            {
                yield return $"maximumInstanceCount must allow {AzureFacts.FlexMaximumInstanceCountLowest} to {AzureFacts.FlexMaximumInstanceCountHighest} (Flex Consumption's bounds), allows {At(cap, "minValue")} to {At(cap, "maxValue")}";
            }
        }

        var offered = AzureFacts.FlexInstanceMemoryMB;
        var memory = At(docs.Compiled, "parameters", "instanceMemoryMB");
        var allowed = (At(memory, "allowedValues") as JsonArray ?? []).Select(v => v!.GetValue<int>()).ToList();
        if (allowed.Count == 0 || allowed.Except(offered).Any() || At(memory, "defaultValue")?.GetValue<int>() is not { } memoryDefault || !offered.Contains(memoryDefault))
        {
            yield return $"instanceMemoryMB must allow only, and default to one of, the sizes Flex Consumption offers ({string.Join(", ", offered)})";
        }

        foreach (var snapshot in docs.Snapshots)
        {
            var scale = At(FirstOf(snapshot.Document, "Microsoft.Web/sites"), "properties", "functionAppConfig", "scaleAndConcurrency");
            if (At(scale, "instanceMemoryMB") is not JsonValue size || !offered.Contains(size.GetValue<int>()))
            {
                yield return $"scaleAndConcurrency.instanceMemoryMB must be one of {string.Join(", ", offered)}";
            }

            var alwaysReady = (At(scale, "alwaysReady") as JsonArray ?? []).OfType<JsonObject>()
                .Select(a => (Str(a, "name"), At(a, "instanceCount")?.GetValue<int>())).ToList();
            var expected = snapshot.Inputs.HttpAlwaysReadyInstances > 0 ? [("http", (int?)snapshot.Inputs.HttpAlwaysReadyInstances)] : new List<(string?, int?)>();
            if (!alwaysReady.SequenceEqual(expected))
            {
                yield return $"alwaysReady must be {snapshot.Inputs.HttpAlwaysReadyInstances} instance(s) of the http group (from httpAlwaysReadyInstances), is [{string.Join(", ", alwaysReady)}]";
            }

            var concurrency = At(scale, "triggers", "http", "perInstanceConcurrency")?.GetValue<int>();
            if (concurrency != (snapshot.Inputs.HttpPerInstanceConcurrency > 0 ? snapshot.Inputs.HttpPerInstanceConcurrency : null))
            {
                yield return $"triggers.http.perInstanceConcurrency must follow httpPerInstanceConcurrency ({snapshot.Inputs.HttpPerInstanceConcurrency}; 0 = unset), is {concurrency?.ToString(CultureInfo.InvariantCulture) ?? "unset"}";
            }
        }
    }

    /// <summary>The host's body limit sits just above the service's own cap, far below the host's 100 MB default.</summary>
    public static IEnumerable<string> RequestBodyLimits(InfraDocuments docs)
    {
        foreach (var snapshot in docs.Snapshots)
        {
            var settings = InfraRules.AppSettingsOf(snapshot.Document);
            var cap = snapshot.Inputs.MaxRequestBodyBytes;
            if (Str(settings, "TokenPolicy__MaxRequestBodyBytes") != cap.ToString(CultureInfo.InvariantCulture))
            {
                yield return $"TokenPolicy__MaxRequestBodyBytes must be the maxRequestBodyBytes parameter ({cap})";
            }

            var host = Str(settings, AzureFacts.RequestBodySizeLimitSetting);
            if (!long.TryParse(host, NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
                || limit < cap || limit > cap + 65536 || limit >= AzureFacts.DefaultRequestBodySizeLimit)
            {
                yield return $"{AzureFacts.RequestBodySizeLimitSetting} must be at least the service's cap ({cap}) and at most 64 KiB above it, is {host ?? "unset (the host's 100 MB default)"}";
            }
        }
    }

    /// <summary>Every property name under a node, with its path, at any depth (arrays included).</summary>
    private static IEnumerable<(string Path, string Name)> Keys(JsonNode? node, string path) => node switch
    {
        JsonObject obj => obj.SelectMany(p => Keys(p.Value, $"{path}.{p.Key}").Prepend(($"{path}.{p.Key}", p.Key))),
        JsonArray array => array.SelectMany((item, i) => Keys(item, $"{path}[{i}]")),
        _ => [],
    };
}
