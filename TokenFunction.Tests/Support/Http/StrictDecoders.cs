using System.Text.Json;

namespace TokenFunction.Tests.Support.Http;

/// <summary>
/// Decoders as strict as the clients that read our responses: LiveKit's Swift client decodes the token endpoint's
/// snake_case keys only; the sandbox's clients read camelCase. Every key must be one we expect, every value a
/// non-empty string, and the required keys present.
/// </summary>
public static class StrictDecoders
{
    public sealed record TokenEndpointResponse(string ServerUrl, string ParticipantToken, string? RoomName, string? ParticipantIdentity, string? ParticipantName);

    public sealed record ConnectionDetails(string ServerUrl, string RoomName, string ParticipantName, string ParticipantToken);

    public sealed record Problem(string Type, string Title, int Status, string Detail, string? Field, string? CorrelationId);

    public static TokenEndpointResponse DecodeTokenResponse(string json)
    {
        var values = StringObject(json, ["server_url", "participant_token"], ["room_name", "participant_identity", "participant_name"]);
        return new(values["server_url"], values["participant_token"], values.GetValueOrDefault("room_name"), values.GetValueOrDefault("participant_identity"), values.GetValueOrDefault("participant_name"));
    }

    public static ConnectionDetails DecodeConnectionDetails(string json)
    {
        var values = StringObject(json, ["serverUrl", "roomName", "participantName", "participantToken"], []);
        return new(values["serverUrl"], values["roomName"], values["participantName"], values["participantToken"]);
    }

    /// <summary>RFC 9457: type, title, status, detail required; only our extension members besides.</summary>
    public static Problem DecodeProblem(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("A problem must be a JSON object.");
        }

        string? type = null, title = null, detail = null, field = null, correlationId = null;
        int? status = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "type": type = property.Value.GetString(); break;
                case "title": title = property.Value.GetString(); break;
                case "detail": detail = property.Value.GetString(); break;
                case "field": field = property.Value.GetString(); break;
                case "correlationId": correlationId = property.Value.GetString(); break;
                case "status": status = property.Value.GetInt32(); break;
                default: throw new FormatException($"Unexpected problem member '{property.Name}'.");
            }
        }

        if (string.IsNullOrEmpty(type) || string.IsNullOrEmpty(title) || string.IsNullOrEmpty(detail) || status is null)
        {
            throw new FormatException("A problem needs type, title, status and detail.");
        }

        return new(type, title, status.Value, detail, field, correlationId);
    }

    private static Dictionary<string, string> StringObject(string json, string[] required, string[] optional)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("Expected a JSON object.");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (Array.IndexOf(required, property.Name) < 0 && Array.IndexOf(optional, property.Name) < 0)
            {
                throw new FormatException($"Unexpected key '{property.Name}'.");
            }

            if (property.Value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(property.Value.GetString()))
            {
                throw new FormatException($"'{property.Name}' must be a non-empty string.");
            }

            if (!values.TryAdd(property.Name, property.Value.GetString()!))
            {
                throw new FormatException($"Duplicate key '{property.Name}'.");
            }
        }

        foreach (var name in required)
        {
            if (!values.ContainsKey(name))
            {
                throw new FormatException($"Missing key '{name}'.");
            }
        }

        return values;
    }
}
