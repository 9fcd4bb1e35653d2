using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using TokenFunction.Tests.EndToEnd.Hosts.Emulator.Rpc;

namespace TokenFunction.Tests.EndToEnd.Hosts.Emulator;

/// <summary>Who may call an HTTP trigger, as its binding's <c>authLevel</c> says.</summary>
public enum FunctionAuthLevel
{
    Anonymous,
    Function,
    Admin,
}

/// <summary>A loaded function with an HTTP trigger: where it listens, for which methods, at which auth level.</summary>
public sealed class HttpFunction
{
    private readonly TemplateMatcher _matcher;

    private HttpFunction(string? functionId, string name, string triggerName, string route, string template,
        IReadOnlySet<string>? methods, FunctionAuthLevel authLevel)
    {
        FunctionId = functionId;
        Name = name;
        TriggerName = triggerName;
        Route = route;
        Template = template;
        Methods = methods;
        AuthLevel = authLevel;
        _matcher = new TemplateMatcher(TemplateParser.Parse(template), []);
    }

    /// <summary>The worker's id for the function; null when the host does not show it (the real host's admin API).</summary>
    public string? FunctionId { get; }

    public string Name { get; }

    /// <summary>The trigger binding's name: the invocation's input data is sent under it.</summary>
    public string TriggerName { get; }

    /// <summary>The binding's route (the function's name when it has none).</summary>
    public string Route { get; }

    /// <summary>The route prefix from host.json and the route, as the host matches them.</summary>
    public string Template { get; }

    /// <summary>Upper-case methods, or null for any.</summary>
    public IReadOnlySet<string>? Methods { get; }

    public FunctionAuthLevel AuthLevel { get; }

    /// <summary>Literal segments first: "items/new" must win over "items/{id}", as in the host's route table.</summary>
    internal int Precedence => Template.Count(c => c == '{');

    public bool AllowsMethod(string method) => Methods is null || Methods.Contains(method);

    public bool TryMatch(PathString path, RouteValueDictionary values) => _matcher.TryMatch(path, values);

    /// <summary>
    /// Reads the worker's indexed metadata (raw binding JSON, capitalised as the worker writes it) into the binding
    /// map the load request needs, and the HTTP trigger if there is one.
    /// </summary>
    internal static (Dictionary<string, BindingInfo> Bindings, HttpFunction? Http) Parse(RpcFunctionMetadata metadata, string routePrefix)
    {
        var bindings = new Dictionary<string, BindingInfo>(StringComparer.Ordinal);
        HttpFunction? http = null;
        foreach (var raw in metadata.RawBindings)
        {
            using var document = JsonDocument.Parse(raw);
            var binding = document.RootElement;
            var name = Property(binding, "name") ?? throw new InvalidDataException($"A binding of '{metadata.Name}' has no name: {raw}");
            var type = Property(binding, "type") ?? throw new InvalidDataException($"Binding '{name}' of '{metadata.Name}' has no type.");
            var info = new BindingInfo
            {
                Type = type,
                Direction = Property(binding, "direction")?.ToLowerInvariant() switch
                {
                    "out" => BindingInfo.Types.Direction.Out,
                    "inout" => BindingInfo.Types.Direction.Inout,
                    _ => BindingInfo.Types.Direction.In,
                },
                DataType = Property(binding, "dataType")?.ToLowerInvariant() switch
                {
                    "string" => BindingInfo.Types.DataType.String,
                    "binary" => BindingInfo.Types.DataType.Binary,
                    "stream" => BindingInfo.Types.DataType.Stream,
                    _ => BindingInfo.Types.DataType.Undefined,
                },
            };
            bindings[name] = info;

            if (string.Equals(type, "httpTrigger", StringComparison.OrdinalIgnoreCase))
            {
                http = FromTrigger(metadata.FunctionId, metadata.Name, name, binding, routePrefix);
            }
        }

        return (bindings, http);
    }

    /// <summary>
    /// One httpTrigger binding (as the worker indexes it, or as the real host's admin API lists it) as the host
    /// routes it. <paramref name="functionId"/> is null when the host does not show it.
    /// </summary>
    internal static HttpFunction FromTrigger(string? functionId, string functionName, string bindingName, JsonElement binding, string routePrefix)
    {
        var route = Property(binding, "route") ?? functionName;
        var template = string.IsNullOrEmpty(routePrefix) ? route : routePrefix.TrimEnd('/') + "/" + route.TrimStart('/');
        HashSet<string>? methods = null;
        if (Find(binding, "methods") is { ValueKind: JsonValueKind.Array } list && list.GetArrayLength() > 0)
        {
            methods = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var method in list.EnumerateArray())
            {
                methods.Add(method.GetString()!.ToUpperInvariant());
            }
        }

        var authLevel = Property(binding, "authLevel")?.ToLowerInvariant() switch
        {
            "anonymous" => FunctionAuthLevel.Anonymous,
            "admin" or "system" => FunctionAuthLevel.Admin,
            // Function is the host's default when a binding does not say.
            _ => FunctionAuthLevel.Function,
        };
        return new HttpFunction(functionId, functionName, bindingName, route, template, methods, authLevel);
    }

    private static JsonElement? Find(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    private static string? Property(JsonElement element, string name)
        => Find(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}
