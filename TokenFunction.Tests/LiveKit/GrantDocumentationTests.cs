using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml.Linq;
using TokenFunction.LiveKit;

namespace TokenFunction.Tests.LiveKit;

/// <summary>
/// Every grant field carries a doc comment naming its JSON name, as LiveKit's own <c>grants.ts</c> documents each
/// field: read from the XML documentation file the build writes (<c>GenerateDocumentationFile</c>), for every type
/// a token's claims reach from <see cref="ClaimGrants"/>, so a new grant type or field is covered without a change here.
/// </summary>
public sealed class GrantDocumentationTests
{
    private static readonly Assembly s_app = typeof(ClaimGrants).Assembly;

    private static readonly Lazy<Dictionary<string, XElement>> s_members = new(() =>
    {
        var path = Path.ChangeExtension(s_app.Location, ".xml");
        Assert.True(File.Exists(path), $"{path} is missing: the build writes it with GenerateDocumentationFile.");
        return XDocument.Load(path).Descendants("member").ToDictionary(m => (string)m.Attribute("name")!, StringComparer.Ordinal);
    });

    /// <summary>ClaimGrants and every type of ours its properties reach (through nullables, lists and dictionaries).</summary>
    public static IReadOnlyList<Type> GrantTypes()
    {
        var found = new List<Type>();
        var pending = new Queue<Type>([typeof(ClaimGrants)]);
        while (pending.TryDequeue(out var type))
        {
            if (type.Assembly != s_app || found.Contains(type))
            {
                continue;
            }

            found.Add(type);
            if (!type.IsEnum)
            {
                foreach (var property in JsonProperties(type))
                {
                    foreach (var reached in Unwrap(property.PropertyType))
                    {
                        pending.Enqueue(reached);
                    }
                }
            }
        }

        return found;
    }

    public static TheoryData<string> GrantTypeNames => [.. GrantTypes().Select(t => t.Name)];

    [Fact]
    public void The_walk_reaches_every_grant_type()
    {
        Assert.Equal(
            ["ClaimGrants", "JobRestartPolicy", "RoomAgentDispatch", "RoomConfiguration", "TrackSource", "VideoGrant"],
            GrantTypes().Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(GrantTypeNames))]
    public void Each_field_has_a_summary_naming_its_json_name(string typeName)
    {
        var type = GrantTypes().Single(t => t.Name == typeName);
        Assert.True(Summary($"T:{type.FullName}") is { } typeSummary && typeSummary.Value.Trim().Length > 0, $"{type.Name} has no summary.");

        var fields = type.IsEnum
            ? type.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => ($"F:{type.FullName}.{f.Name}", EnumJsonName(f)))
            : JsonProperties(type).Select(p => ($"P:{type.FullName}.{p.Name}", PropertyJsonName(p)));
        var missing = fields
            .Where(f => Summary(f.Item1)?.Descendants("c").Any(c => c.Value == f.Item2) != true)
            .Select(f => $"{f.Item1} (<c>{f.Item2}</c>)")
            .ToList();

        Assert.True(missing.Count == 0, $"No summary naming the JSON name: {string.Join(", ", missing)}");
    }

    private static XElement? Summary(string memberId) =>
        s_members.Value.TryGetValue(memberId, out var member) ? member.Element("summary") : null;

    // What the source-generated context writes: public properties and [JsonInclude] internal ones.
    private static IEnumerable<PropertyInfo> JsonProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(p => p.GetMethod?.IsPublic == true || p.GetCustomAttribute<JsonIncludeAttribute>() is not null)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null);

    private static string PropertyJsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    private static string EnumJsonName(FieldInfo field) =>
        field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? field.Name;

    private static IEnumerable<Type> Unwrap(Type type) =>
        type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrap) : type.IsArray ? Unwrap(type.GetElementType()!) : [type];
}
