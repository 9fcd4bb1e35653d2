using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace TokenFunction.Primitives;

/// <summary>
/// Compiles an operator's room-name pattern so that it must match the whole name, for <c>TokenPolicy__RoomNamePattern</c>
/// and the bearer room rules alike. What start-up validates is exactly what requests run.
/// </summary>
internal static class RoomPattern
{
    // Linear-time matching: room names come from callers, and there is no per-request timeout to tune or to hit.
    private const RegexOptions s_options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    // The unsupported constructs, from learn.microsoft.com/dotnet/standard/base-types/regular-expression-options#nonbacktracking-mode.
    private const string s_notLinear =
        "uses a construct linear-time matching does not support (backreferences, lookarounds, atomic groups, balancing groups, conditionals, \\G)";

    // After the pattern: ")" closes our group; "(?#\n)" is an inline comment. If the pattern ends inside a free-spacing
    // (?x) '#' comment, which runs to the next newline (same page, "Ignore white space"), that comment swallows
    // ")(?#" and ends at the newline, so the following ")" closes the group instead. Either way the anchors stay outside.
    private const string s_prefix = @"\A(?:";
    private const string s_suffix = ")(?#\n)\\z";

    /// <summary>The anchored regex, or a sentence saying why the pattern is refused (to follow the setting's name).</summary>
    public static bool TryCompile(string pattern, [NotNullWhen(true)] out Regex? regex, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        regex = null;

        // Alone first: a pattern valid alone has balanced groups and classes and ends outside any escape, so the only
        // thing that can reach past it is a trailing free-spacing comment, which the suffix above absorbs.
        Regex alone;
        try
        {
            alone = new Regex(pattern, s_options);
        }
        catch (NotSupportedException)
        {
            problem = $"{s_notLinear}.";
            return false;
        }
        catch (ArgumentException ex)
        {
            problem = $"is not a valid regular expression: {ex.Message}";
            return false;
        }

        Regex anchored;
        try
        {
            anchored = new Regex(s_prefix + pattern + s_suffix, s_options);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            problem = "cannot be anchored to match whole room names; remove anything after a trailing comment.";
            return false;
        }

        // Belt and braces: anchoring adds no group, so anything else means the pattern reached outside its group.
        if (!alone.GetGroupNames().SequenceEqual(anchored.GetGroupNames(), StringComparer.Ordinal)
            || !alone.GetGroupNumbers().SequenceEqual(anchored.GetGroupNumbers()))
        {
            problem = "reaches outside the group that anchors it to whole room names.";
            return false;
        }

        regex = anchored;
        problem = null;
        return true;
    }

    /// <summary>As <see cref="TryCompile"/>; throws <see cref="ArgumentException"/> naming the problem.</summary>
    public static Regex Compile(string pattern) =>
        TryCompile(pattern, out var regex, out var problem) ? regex : throw new ArgumentException($"The room pattern {problem}", nameof(pattern));
}
