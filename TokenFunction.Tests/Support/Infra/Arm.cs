using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenFunction.Tests.Support.Infra;

/// <summary>Small readers over compiled ARM templates and Bicep deployment snapshots.</summary>
internal static class Arm
{
    // Template expressions are full of quotes: the default encoder would turn ' into \u0027 and hide them from searches.
    private static readonly JsonSerializerOptions s_verbatim = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The node as JSON text with template expressions left readable, for searching.</summary>
    public static string Text(JsonNode? node) => node?.ToJsonString(s_verbatim) ?? "";

    public static JsonNode? At(JsonNode? node, params string[] path)
    {
        foreach (var part in path)
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(part, out var next) ? next : null;
        }

        return node;
    }

    public static string? Str(JsonNode? node, params string[] path) =>
        At(node, path) is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    public static bool? Bool(JsonNode? node, params string[] path) =>
        At(node, path) is JsonValue value && value.TryGetValue<bool>(out var b) ? b : null;

    /// <summary>The resources a snapshot predicts, flattened across modules, with parameters evaluated.</summary>
    public static IEnumerable<JsonObject> Predicted(JsonObject snapshot) =>
        (At(snapshot, "predictedResources") as JsonArray ?? []).OfType<JsonObject>();

    public static IReadOnlyList<JsonObject> OfType(JsonObject snapshot, string type) =>
        [.. Predicted(snapshot).Where(r => string.Equals(Str(r, "type"), type, StringComparison.OrdinalIgnoreCase))];

    public static JsonObject? FirstOf(JsonObject snapshot, string type) =>
        Predicted(snapshot).FirstOrDefault(r => string.Equals(Str(r, "type"), type, StringComparison.OrdinalIgnoreCase));

    /// <summary>A compiled template and every module template nested in it.</summary>
    public static IEnumerable<JsonObject> Templates(JsonObject template)
    {
        yield return template;
        foreach (var resource in Resources(template))
        {
            if (At(resource, "properties", "template") is JsonObject nested)
            {
                foreach (var inner in Templates(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>A template's own resources, whether listed as an array or (language version 2.0) by symbolic name.</summary>
    public static IEnumerable<JsonObject> Resources(JsonObject template) => At(template, "resources") switch
    {
        JsonArray array => array.OfType<JsonObject>(),
        JsonObject byName => byName.Select(p => p.Value).OfType<JsonObject>(),
        _ => [],
    };

    public static bool EndsWithRole(JsonObject roleAssignment, string roleDefinitionGuid) =>
        Str(roleAssignment, "properties", "roleDefinitionId")?.EndsWith("/" + roleDefinitionGuid, StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>True when an extension resource (a role assignment) is scoped to the resource with this id.</summary>
    public static bool IsScopedTo(JsonObject extensionResource, string scopeId)
    {
        var id = Str(extensionResource, "id") ?? "";
        return id.StartsWith(scopeId + "/providers/Microsoft.Authorization/", StringComparison.OrdinalIgnoreCase)
            || id.StartsWith($"[extensionResourceId('{scopeId}', 'Microsoft.Authorization/", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The snapshot's unevaluated runtime reference to a property of a resource, e.g. an identity's principalId.</summary>
    public static bool IsReferenceTo(string? expression, string resourceId, string property) =>
        expression is not null
        && expression.Contains($"reference('{resourceId}'", StringComparison.OrdinalIgnoreCase)
        && expression.Contains($").{property}", StringComparison.Ordinal);
}
