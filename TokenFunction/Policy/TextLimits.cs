using TokenFunction.Contract;
using TokenFunction.Primitives;

namespace TokenFunction.Policy;

/// <summary>
/// The size and form limits on caller-supplied text, as problems naming the field. LiveKit's server measures lengths
/// in UTF-8 bytes, so the limits do too.
/// </summary>
internal static class TextLimits
{
    /// <summary>A name (room, identity, display name): valid Unicode, no control characters, at most <paramref name="maxBytes"/>.</summary>
    public static RequestError? CheckName(string value, string field, int maxBytes)
    {
        if (!TextRules.Inspect(value, out var bytes, out var hasControl))
        {
            return RequestError.Invalid(field, $"{field} is not valid Unicode text.");
        }

        if (hasControl)
        {
            return RequestError.Invalid(field, $"{field} must not contain control characters.");
        }

        return bytes > maxBytes ? RequestError.Invalid(field, $"{field} must be at most {maxBytes} bytes of UTF-8.") : null;
    }

    /// <summary>A claim from the caller's token, which the caller cannot fix: 403 naming the claim.</summary>
    public static RequestError? CheckClaim(string value, string claim, int maxBytes) =>
        TextRules.Inspect(value, out var bytes, out _) && bytes <= maxBytes
            ? null
            : RequestError.Forbidden($"token.{claim}", $"The token's '{claim}' claim is longer than policy allows ({maxBytes} bytes of UTF-8).");

    /// <summary>Free text (metadata): valid Unicode of at most <paramref name="maxBytes"/>; control characters allowed.</summary>
    public static RequestError? CheckBlob(string value, string field, int maxBytes)
    {
        if (!TextRules.Inspect(value, out var bytes, out _))
        {
            return RequestError.Invalid(field, $"{field} is not valid Unicode text.");
        }

        return bytes > maxBytes ? RequestError.Invalid(field, $"{field} must be at most {maxBytes} bytes of UTF-8.") : null;
    }

    /// <summary>A string map: non-empty keys without control characters, string values, at most <paramref name="maxBytes"/> in all.</summary>
    public static RequestError? CheckAttributes(IDictionary<string, string> attributes, string field, int maxBytes)
    {
        var total = 0;
        foreach (var (key, value) in attributes)
        {
            if (key.Length == 0)
            {
                return RequestError.Invalid(field, $"{field} must not have an empty key.");
            }

            if (value is null || !TextRules.Inspect(key, out var keyBytes, out var keyControl) || keyControl || !TextRules.Inspect(value, out var valueBytes, out _))
            {
                return RequestError.Invalid(field, $"{field} must map keys without control characters to string values of valid Unicode text.");
            }

            total += keyBytes + valueBytes;
            if (total > maxBytes)
            {
                return RequestError.Invalid(field, $"{field} must be at most {maxBytes} bytes of UTF-8 in all.");
            }
        }

        return null;
    }
}
