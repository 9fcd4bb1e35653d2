using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json.Serialization;

namespace TokenFunction.LiveKit;

/// <summary>
/// The wire names of an enum, read from its <see cref="JsonStringEnumMemberNameAttribute"/>s: the names the JSON
/// converter writes are the names requests and settings are parsed with, so each exists once.
/// </summary>
internal static class WireNames<TEnum>
    where TEnum : struct, Enum
{
    private static readonly (string Name, TEnum Value)[] s_members =
    [
        .. typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name, (TEnum)f.GetValue(null)!)),
    ];

    private static readonly FrozenDictionary<string, TEnum> s_byName = s_members.ToFrozenDictionary(m => m.Name, m => m.Value, StringComparer.Ordinal);

    /// <summary>Every wire name, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. s_members.Select(m => m.Name)];

    /// <summary>Parses a wire name exactly (case-sensitive, as LiveKit's server does).</summary>
    public static bool TryParse([NotNullWhen(true)] string? name, out TEnum value)
    {
        value = default;
        return name is not null && s_byName.TryGetValue(name, out value);
    }

    public static string Of(TEnum value)
    {
        foreach (var (name, member) in s_members)
        {
            if (EqualityComparer<TEnum>.Default.Equals(member, value))
            {
                return name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a {typeof(TEnum).Name}.");
    }
}
