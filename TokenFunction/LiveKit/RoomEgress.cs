using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenFunction.LiveKit;

/// <summary>
/// Automatic egress for a room created by this token (<c>roomConfig.egress</c>). Each part is kept in LiveKit's
/// protobuf JSON form (camelCase: <c>RoomCompositeEgressRequest</c>, <c>AutoParticipantEgress</c>,
/// <c>AutoTrackEgress</c>), so every output and upload option the server knows can be expressed without this module
/// tracking the egress schema.
/// </summary>
public sealed class RoomEgress
{
    // Field names of LiveKit's upload and proxy messages (S3Upload, GCPUpload, AzureBlobUpload, AliOSSUpload,
    // ProxyConfig) that hold secrets, in both the camelCase and the snake_case JSON spelling.
    private static readonly HashSet<string> s_credentialFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "accessKey", "access_key", "secret", "sessionToken", "session_token", "credentials",
        "accountKey", "account_key", "password",
    };

    /// <summary>Room composite egress (<c>RoomCompositeEgressRequest</c>).</summary>
    public JsonObject? Room { get; set; }

    /// <summary>Per-participant egress (<c>AutoParticipantEgress</c>).</summary>
    public JsonObject? Participant { get; set; }

    /// <summary>Per-track egress (<c>AutoTrackEgress</c>).</summary>
    public JsonObject? Tracks { get; set; }

    /// <summary>
    /// True when any part carries a non-empty storage or proxy credential. A token is readable by whoever holds it
    /// (it is only signed, not encrypted), so such a token hands those credentials to the client.
    /// </summary>
    public bool CarriesStorageCredentials => HasCredential(Room) || HasCredential(Participant) || HasCredential(Tracks);

    private static bool HasCredential(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (s_credentialFields.Contains(name) && IsNonEmpty(value))
                    {
                        return true;
                    }

                    if (HasCredential(value))
                    {
                        return true;
                    }
                }

                return false;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (HasCredential(item))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private static bool IsNonEmpty(JsonNode? value) => value switch
    {
        null => false,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Length > 0,
        JsonValue v => v.GetValueKind() is not (JsonValueKind.Null or JsonValueKind.False),
        // An object or array under a credential name (e.g. GCP credentials given as parsed JSON) counts.
        _ => true,
    };
}
