using System.Text.RegularExpressions;

namespace TokenFunction.Auth;

/// <summary>Turns the values of a caller's room claim into the set of room-name patterns they may join.</summary>
public sealed class RoomAccessPolicy
{
    private const string s_anyCaller = "*";

    // Non-backtracking: room names come from callers, so matching must stay linear in their length.
    private const RegexOptions s_patternOptions = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

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

    /// <summary>Compiles a rule's pattern anchored at both ends; throws <see cref="ArgumentException"/> when it is not valid.</summary>
    public static Regex Compile(string pattern) => new($"^(?:{pattern})\\z", s_patternOptions);

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
