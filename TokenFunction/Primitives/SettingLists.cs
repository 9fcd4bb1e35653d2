namespace TokenFunction.Primitives;

/// <summary>
/// How every list-valued setting is split (audiences, scopes, roles, token types, algorithms, track sources, agent
/// names): at commas, semicolons or white space, blanks dropped. None of these values can hold a separator: OAuth
/// scope tokens exclude spaces (RFC 6749 section 3.3), and a ';' could not pass through azd's EXTRA_APP_SETTINGS.
/// </summary>
internal static class SettingLists
{
    private static readonly char[] s_separators = [',', ';', ' ', '\t', '\r', '\n'];

    public static string[] Split(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : value.Split(s_separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
