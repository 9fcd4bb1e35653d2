using System.Text.Json;
using TokenFunction.Contract;
using TokenFunction.LiveKit;
using TokenFunction.Policy;

namespace TokenFunction.Http;

/// <summary>
/// Turns what arrived (the JSON body in LiveKit's snake_case or the legacy camelCase of the seed's snippet and the v1
/// sandbox, and the legacy <c>roomName</c>/<c>participantName</c> query parameters) into the one
/// <see cref="TokenRequest"/> policy evaluates. Two spellings of one field must agree; empty names count as absent.
/// </summary>
internal static class TokenRequestReader
{
    /// <param name="body">The body, or null when there was none.</param>
    public static RequestError? Read(TokenRequestBody? body, string? queryRoomName, string? queryParticipantName, out TokenRequest request)
    {
        request = TokenRequest.Empty;
        body ??= s_empty;

        // Room: snake_case first, then the legacy body field, then the legacy query parameter.
        if (!Merge(Named(body.RoomName, RequestFields.RoomName), Named(body.LegacyRoomName, RequestFields.LegacyRoomName), out var room, out var error)
            || !Merge(room, Named(queryRoomName, RequestFields.LegacyRoomName), out room, out error))
        {
            return error;
        }

        // Identity: participant_identity, or the legacy participantName (which also sets the name).
        if (!Merge(Named(body.ParticipantIdentity, RequestFields.ParticipantIdentity), Named(body.LegacyParticipantName, RequestFields.LegacyParticipantName), out var identity, out error)
            || !Merge(identity, Named(queryParticipantName, RequestFields.LegacyParticipantName), out identity, out error))
        {
            return error;
        }

        RoomConfigRequest? roomConfig = null;
        if (body.RoomConfig is { } config && ReadRoomConfig(config, out roomConfig) is { } badConfig)
        {
            return badConfig;
        }

        request = new TokenRequest
        {
            Room = room,
            Identity = identity,
            Name = Empty(body.ParticipantName),
            LegacyName = Empty(body.LegacyParticipantName) ?? Empty(queryParticipantName),
            Metadata = body.ParticipantMetadata,
            Attributes = body.ParticipantAttributes,
            Ttl = body.Ttl,
            CanPublish = body.CanPublish,
            CanSubscribe = body.CanSubscribe,
            CanPublishData = body.CanPublishData,
            CanUpdateOwnMetadata = body.CanUpdateOwnMetadata,
            CanPublishSources = body.CanPublishSources,
            RoomConfig = roomConfig,
            OtherFields = Asked(body.Other, falseAsksNothing: true),
        };
        return null;
    }

    private static readonly TokenRequestBody s_empty = new();

    private static RequestError? ReadRoomConfig(RoomConfigBody config, out RoomConfigRequest? request)
    {
        request = null;
        var entries = config.Agents ?? [];
        var agents = new AgentRequest?[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i] is { } entry && ReadAgent(entry, RequestFields.Agents.Entry(i), out agents[i]) is { } bad)
            {
                return bad;
            }
        }

        // Any room_config member but agents is refused, false included: none of them is the caller's to set.
        request = new RoomConfigRequest { Agents = agents, OtherFields = Asked(config.Other, falseAsksNothing: false) };
        return null;
    }

    private static RequestError? ReadAgent(AgentDispatchBody agent, string field, out AgentRequest? request)
    {
        request = null;
        if (!Merge(Named(agent.AgentName, RequestFields.Agents.AgentName), Named(agent.AgentNameCamel, RequestFields.Agents.AgentNameCamel), out var agentName, out var conflict))
        {
            return conflict! with { Field = $"{field}.{conflict.Field}" };
        }

        var error = ParseRestartPolicy(agent.RestartPolicy, $"{field}.{RequestFields.Agents.RestartPolicy}", out var snake);
        JobRestartPolicy? camel = null;
        error ??= ParseRestartPolicy(agent.RestartPolicyCamel, $"{field}.{RequestFields.Agents.RestartPolicyCamel}", out camel);
        if (error is not null)
        {
            return error;
        }

        if (snake is not null && camel is not null && snake != camel)
        {
            var camelField = $"{field}.{RequestFields.Agents.RestartPolicyCamel}";
            return RequestError.Invalid(camelField, $"{camelField} conflicts with {RequestFields.Agents.RestartPolicy}; send one of them.");
        }

        request = new AgentRequest
        {
            AgentName = agentName,
            Metadata = agent.Metadata,
            Deployment = agent.Deployment,
            Attributes = agent.Attributes,
            RestartPolicy = snake ?? camel,
        };
        return null;
    }

    /// <summary>The protobuf JSON forms of an enum: its value name or its number; null when absent.</summary>
    private static RequestError? ParseRestartPolicy(JsonElement? value, string field, out JobRestartPolicy? policy)
    {
        policy = null;
        if (value is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            policy = WireNames<JobRestartPolicy>.TryParse(element.GetString(), out var named) ? named : null;
        }
        else if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var number) && Enum.IsDefined((JobRestartPolicy)number))
        {
            policy = (JobRestartPolicy)number;
        }

        return policy is null
            ? RequestError.Invalid(field, $"{field} must be one of {string.Join(", ", WireNames<JobRestartPolicy>.All)} (or its number).")
            : null;
    }

    // The names of members outside the contract whose value asks for something: not null (and, where false asks for
    // nothing, not false), in the order sent.
    private static string[] Asked(Dictionary<string, JsonElement>? other, bool falseAsksNothing) =>
        other is null
            ? []
            : [.. other.Where(kv => kv.Value.ValueKind is not JsonValueKind.Null && !(falseAsksNothing && kv.Value.ValueKind is JsonValueKind.False)).Select(kv => kv.Key)];

    private static Requested<string>? Named(string? value, string field) => Empty(value) is { } present ? new Requested<string>(present, field) : null;

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static bool Merge(Requested<string>? first, Requested<string>? second, out Requested<string>? value, out RequestError? error)
    {
        error = null;
        value = first ?? second;
        if (first is { } a && second is { } b && !string.Equals(a.Value, b.Value, StringComparison.Ordinal))
        {
            error = RequestError.Invalid(b.Field, $"{b.Field} conflicts with {a.Field}; send one of them.");
            return false;
        }

        return true;
    }
}
