using System.Security.Cryptography;
using System.Text;

namespace TokenFunction.LiveKit;

/// <summary>
/// HS256 with a keyed HMAC kept per thread and reused while the secret stays the same. Setting an HMAC key up costs
/// more than hashing a whole token (the one-shot <c>HMACSHA256.HashData</c> pays it on every call), so the keyed
/// instance is rebuilt only when the secret changes, e.g. after a rotation.
/// </summary>
internal static class HmacSha256Signer
{
    public const int MacSize = 32;

    [ThreadStatic]
    private static IncrementalHash? s_hmac;

    [ThreadStatic]
    private static string? s_secret;

    public static void Sign(string secret, ReadOnlySpan<byte> data, Span<byte> mac)
    {
        var hmac = s_hmac;
        if (hmac is null || !string.Equals(s_secret, secret, StringComparison.Ordinal))
        {
            hmac?.Dispose();
            s_hmac = null;
            var key = Encoding.UTF8.GetBytes(secret);
            try
            {
                hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }

            s_hmac = hmac;
            s_secret = secret;
        }

        hmac.AppendData(data);
        hmac.GetHashAndReset(mac);
    }
}
