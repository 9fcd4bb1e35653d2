using System.Globalization;
using Azure;

namespace TokenFunction.Secrets;

/// <summary>Reads how long Key Vault asked us to wait, and names a failure without quoting anything it carried.</summary>
internal static class KeyVaultRetryAfter
{
    // A misbehaving or hostile header must not silence the provider for longer than this.
    private static readonly TimeSpan s_longest = TimeSpan.FromHours(1);

    /// <summary>
    /// The server's requested delay from <c>retry-after-ms</c>, <c>x-ms-retry-after-ms</c> or <c>Retry-After</c>
    /// (delta seconds or an HTTP date), or null when the failure carried none.
    /// </summary>
    public static TimeSpan? From(Exception failure, DateTimeOffset now)
    {
        if (failure is not RequestFailedException requestFailed || requestFailed.GetRawResponse() is not { } response)
        {
            return null;
        }

        var headers = response.Headers;
        if ((headers.TryGetValue("retry-after-ms", out var value) || headers.TryGetValue("x-ms-retry-after-ms", out value))
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds)
            && milliseconds >= 0)
        {
            return Clamp(TimeSpan.FromMilliseconds(Math.Min(milliseconds, s_longest.TotalMilliseconds)));
        }

        if (!headers.TryGetValue("Retry-After", out value) || string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return Clamp(TimeSpan.FromSeconds(Math.Min(seconds, (long)s_longest.TotalSeconds)));
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? Clamp(date - now)
            : null;
    }

    /// <summary>A short, value-free description for logs: the HTTP status and Key Vault error code, or the exception type.</summary>
    public static string Describe(Exception failure) => failure switch
    {
        RequestFailedException { Status: > 0 } requestFailed when !string.IsNullOrEmpty(requestFailed.ErrorCode) =>
            string.Create(CultureInfo.InvariantCulture, $"HTTP {requestFailed.Status} {requestFailed.ErrorCode}"),
        RequestFailedException { Status: > 0 } requestFailed =>
            string.Create(CultureInfo.InvariantCulture, $"HTTP {requestFailed.Status}"),
        _ => failure.GetType().Name,
    };

    private static TimeSpan Clamp(TimeSpan delay) =>
        delay < TimeSpan.Zero ? TimeSpan.Zero : delay > s_longest ? s_longest : delay;
}
