using System.Text.RegularExpressions;
using TokenFunction.Primitives;

namespace TokenFunction.Auth;

/// <summary>Turns the values of a caller's room claim into the set of room-name patterns they may join.</summary>
internal sealed class RoomAccessPolicy
{
    private const string s_anyCaller = "*";

    private readonly Dictionary<string, Regex[]> _byValue;
    private readonly Regex[] _forEveryone;

    public RoomAccessPolicy(IEnumerable<RoomRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _byValue = rules
            .GroupBy(r => r.Value ?? string.Empty, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => Compile(r.Pattern ?? string.Empty)).ToArray(), StringComparer.Ordinal);
        _forEveryone = _byValue.TryGetValue(s_anyCaller, out var all) ? all : [];
    }

    /// <summary>Compiles a rule's pattern to match whole room names; throws <see cref="ArgumentException"/> when it is refused.</summary>
    public static Regex Compile(string pattern) => RoomPattern.Compile(pattern);

    /// <summary>A room filter for a caller whose room claim holds <paramref name="claimValues"/>.</summary>
    public Func<string, bool> FilterFor(IEnumerable<string> claimValues)
    {
        ArgumentNullException.ThrowIfNull(claimValues);
        var allowed = new List<Regex>(_forEveryone);
        foreach (var value in claimValues.Distinct(StringComparer.Ordinal))
        {
            if (value != s_anyCaller && _byValue.TryGetValue(value, out var patterns))
            {
                allowed.AddRange(patterns);
            }
        }

        var granted = allowed.ToArray();
        return room => room is not null && Array.Exists(granted, r => r.IsMatch(room));
    }
}
