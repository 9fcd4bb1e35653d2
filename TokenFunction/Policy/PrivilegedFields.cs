using TokenFunction.Contract;
using TokenFunction.Primitives;

namespace TokenFunction.Policy;

/// <summary>
/// Screens the fields a request sent outside the contract: a top-level one that asks for a privilege
/// (<see cref="RequestFields.Privileged"/>) is refused, and so is any <c>room_config</c> member but <c>agents</c>.
/// </summary>
internal static class PrivilegedFields
{
    private const string s_roomConfigPrefix = RequestFields.RoomConfig + ".";

    /// <summary>The first top-level field that asks for a grant policy decides, refused; null when there is none.</summary>
    public static RequestError? Screen(IReadOnlyList<string> otherFields)
    {
        foreach (var key in otherFields)
        {
            if (RequestFields.IsPrivileged(key))
            {
                var field = Name(key, "");
                return RequestError.Forbidden(field, $"Callers may not ask for {field}: policy decides the grants.");
            }
        }

        return null;
    }

    /// <summary>Any <c>room_config</c> member but <c>agents</c>, refused.</summary>
    public static RequestError? ScreenRoomConfig(IReadOnlyList<string> otherFields)
    {
        if (otherFields.Count == 0)
        {
            return null;
        }

        var field = Name(otherFields[0], s_roomConfigPrefix);
        return RequestError.Forbidden(field, $"Callers may not set {field}; only agents (to agent names policy allows) may be requested.");
    }

    // The key is the caller's own text: name it only when it is short and printable.
    private static string Name(string key, string prefix)
    {
        var field = key.Length <= 64 && TextRules.Inspect(key, out _, out var control) && !control ? prefix + key : prefix.TrimEnd('.');
        return field.Length == 0 ? "(unnamed)" : field;
    }
}
