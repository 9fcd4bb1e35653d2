using System.Security.Cryptography;

namespace TokenFunction.Primitives;

/// <summary>Checks on caller-supplied text, done in one pass without allocating.</summary>
internal static class TextRules
{
    /// <summary>
    /// Counts the UTF-8 bytes of <paramref name="value"/> (LiveKit's server measures lengths in bytes) and whether it
    /// has control characters. False for invalid UTF-16 (a lone surrogate), which no token may carry.
    /// </summary>
    public static bool Inspect(string value, out int utf8Bytes, out bool hasControl)
    {
        utf8Bytes = 0;
        hasControl = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c < 0x80)
            {
                utf8Bytes++;
                hasControl |= c < 0x20 || c == 0x7F;
            }
            else if (c < 0x800)
            {
                utf8Bytes += 2;
                hasControl |= c <= 0x9F;
            }
            else if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }

                utf8Bytes += 4;
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
            else
            {
                utf8Bytes += 3;
            }
        }

        return true;
    }

    internal const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    /// <summary>A generated room or identity: <paramref name="prefix"/> and 12 random characters (60 bits).</summary>
    public static string NewId(string prefix) =>
        string.Create(prefix.Length + 12, prefix, static (span, p) =>
        {
            p.AsSpan().CopyTo(span);
            Span<byte> random = stackalloc byte[12];
            RandomNumberGenerator.Fill(random);
            for (var i = 0; i < random.Length; i++)
            {
                span[p.Length + i] = Alphabet[random[i] & 31];
            }
        });
}
