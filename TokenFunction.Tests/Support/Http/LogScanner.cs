using Microsoft.Extensions.Logging.Testing;

namespace TokenFunction.Tests.Support.Http;

/// <summary>Finds a secret or any issued token in captured log records (message, exception and state).</summary>
internal static class LogScanner
{
    /// <summary>One entry per offending record, described without the leaked value itself.</summary>
    public static List<string> Leaks(IReadOnlyList<FakeLogRecord> records, string secret, IReadOnlyCollection<string> tokens)
    {
        // A token's signature (the third part) is what makes it usable; any 43-character window of a line is looked up.
        var signatures = new HashSet<string>(tokens.Select(t => t[(t.LastIndexOf('.') + 1)..]), StringComparer.Ordinal);
        var signatureLength = signatures.Count == 0 ? 0 : signatures.First().Length;
        var lookup = signatures.GetAlternateLookup<ReadOnlySpan<char>>();
        var leaks = new List<string>();
        foreach (var record in records)
        {
            var text = string.Join(
                "\n",
                record.Message,
                record.Exception?.ToString() ?? "",
                record.State is IEnumerable<KeyValuePair<string, object?>> state
                    ? string.Join(";", state.Select(kv => $"{kv.Key}={kv.Value}"))
                    : record.State?.ToString() ?? "",
                string.Join(";", record.Scopes.Select(s => s?.ToString() ?? "")));
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                leaks.Add($"event {record.Id} has the API secret");
                continue;
            }

            var found = false;

            for (var i = 0; signatureLength > 0 && i + signatureLength <= text.Length; i++)
            {
                if (lookup.Contains(text.AsSpan(i, signatureLength)))
                {
                    leaks.Add($"event {record.Id} has a token's signature");
                    found = true;
                    break;
                }
            }

            if (!found && text.Contains("eyJ", StringComparison.Ordinal) && tokens.Any(t => text.Contains(t[..t.LastIndexOf('.')], StringComparison.Ordinal)))
            {
                leaks.Add($"event {record.Id} has a token's header and payload");
            }
        }

        return leaks;
    }
}
