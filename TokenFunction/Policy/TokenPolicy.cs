using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using TokenFunction.Auth;
using TokenFunction.Contract;
using TokenFunction.LiveKit;
using TokenFunction.Primitives;

namespace TokenFunction.Policy;

/// <summary>
/// Decides what a token carries. The server's policy sets the ceiling; a caller can narrow it (fewer grants, a shorter
/// lifetime) but never widen it, and the identity of an authenticated caller is never the caller's to choose.
/// </summary>
public sealed class TokenPolicy
{
    internal const int MaxAgentDispatches = 8;

    private readonly TokenPolicyOptions _options;
    private readonly TrackSource[] _sources;
    private readonly HashSet<string> _agentNames;
    private readonly Regex? _roomPattern;

    public TokenPolicy(IOptions<TokenPolicyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _sources = TokenPolicyOptionsValidator.ParseSources(_options.CanPublishSources, out _) ?? [];
        _agentNames = new HashSet<string>(SettingLists.Split(_options.AllowedAgentNames), StringComparer.Ordinal);
        _roomPattern = string.IsNullOrEmpty(_options.RoomNamePattern)
            ? null
            : RoomPattern.Compile(_options.RoomNamePattern);
    }

    public TokenPolicyOptions Options => _options;

    /// <summary>
    /// Applies policy to a request. <paramref name="body"/> is null when there was none; the query values are the
    /// legacy <c>roomName</c>/<c>participantName</c> parameters; <paramref name="caller"/> is null for anonymous callers.
    /// </summary>
    public RequestError? Decide(
        TokenRequestBody? body, string? queryRoomName, string? queryParticipantName, AuthenticatedCaller? caller, out TokenDecision? decision)
    {
        decision = null;
        body ??= s_empty;

        if (CheckPrivileged(body.Other, "") is { } privileged)
        {
            return privileged;
        }

        // Room: snake_case first, then the legacy body field, then the legacy query parameter; they must agree.
        if (!Merge(body.RoomName, "room_name", body.LegacyRoomName, "roomName", out var room, out var roomField, out var error)
            || !Merge(room, roomField, queryRoomName, "roomName", out room, out roomField, out error))
        {
            return error;
        }

        if (room is not null)
        {
            if (!_options.AllowCallerRoom)
            {
                return RequestError.Forbidden(roomField, "Policy does not let callers choose the room.");
            }

            if (CheckName(room, roomField, _options.MaxRoomNameLength) is { } bad)
            {
                return bad;
            }

            if (_roomPattern is not null && !_roomPattern.IsMatch(room))
            {
                return RequestError.Forbidden(roomField, "Policy does not allow this room name.");
            }
        }
        else
        {
            room = TextRules.NewId("room-");
        }

        if (caller is not null && !caller.MayJoin(room))
        {
            return RequestError.Forbidden(roomField, "You may not join this room.");
        }

        // Identity: participant_identity, or the legacy participantName (which also sets the name).
        if (!Merge(body.ParticipantIdentity, "participant_identity", body.LegacyParticipantName, "participantName", out var identity, out var identityField, out error)
            || !Merge(identity, identityField, queryParticipantName, "participantName", out identity, out identityField, out error))
        {
            return error;
        }

        var legacyName = Empty(body.LegacyParticipantName) ?? Empty(queryParticipantName);
        if (caller is not null)
        {
            if (identity is not null && !string.Equals(identity, caller.Identity, StringComparison.Ordinal))
            {
                return RequestError.Forbidden(identityField, "The identity comes from your credentials; you may not choose another.");
            }

            identity = caller.Identity;

            // The same limits as for a caller-chosen identity, but the caller cannot fix the claim: 403 naming it.
            if (CheckClaim(identity, caller.IdentityClaim, _options.MaxIdentityLength) is { } badClaim)
            {
                return badClaim;
            }
        }
        else if (identity is not null)
        {
            if (!_options.AllowCallerIdentity)
            {
                return RequestError.Forbidden(identityField, "Policy does not let callers choose their identity.");
            }

            if (CheckName(identity, identityField, _options.MaxIdentityLength) is { } bad)
            {
                return bad;
            }
        }
        else
        {
            identity = TextRules.NewId("user-");
        }

        var name = Empty(body.ParticipantName);
        if (caller is not null && CheckCallerChoices(body, caller, name, identity) is { } refused)
        {
            return refused;
        }

        if (name is not null)
        {
            if (CheckName(name, "participant_name", _options.MaxNameLength) is { } bad)
            {
                return bad;
            }
        }
        else
        {
            name = caller is not null ? Empty(caller.Name) ?? identity : legacyName ?? identity;
            if (caller?.Name is { Length: > 0 } claimed && CheckClaim(claimed, caller.NameClaim, _options.MaxNameLength) is { } badClaim)
            {
                return badClaim;
            }
        }

        var metadata = body.ParticipantMetadata;
        if (metadata is not null && CheckBlob(metadata, "participant_metadata", _options.MaxMetadataBytes) is { } badMetadata)
        {
            return badMetadata;
        }

        if (body.ParticipantAttributes is { Count: > 0 } attributes && CheckAttributes(attributes) is { } badAttributes)
        {
            return badAttributes;
        }

        var ttl = _options.DefaultTtl;
        if (body.Ttl is { } seconds)
        {
            if (seconds <= 0 || seconds > (long)_options.MaxTtl.TotalSeconds)
            {
                return RequestError.Invalid("ttl", $"ttl must be a whole number of seconds from 1 to {(long)_options.MaxTtl.TotalSeconds}.");
            }

            ttl = TimeSpan.FromSeconds(seconds);
        }

        if (Grant(body, room, out var video) is { } badGrant)
        {
            return badGrant;
        }

        RoomConfiguration? roomConfig = null;
        if (body.RoomConfig is { } requested && Configure(requested, out roomConfig) is { } badConfig)
        {
            return badConfig;
        }

        decision = new TokenDecision
        {
            Room = room,
            Identity = identity,
            Name = name,
            Metadata = metadata,
            Attributes = body.ParticipantAttributes is { Count: > 0 } ? body.ParticipantAttributes : null,
            Ttl = ttl,
            Video = video!,
            RoomConfig = roomConfig,
        };
        return null;
    }

    private static readonly TokenRequestBody s_empty = new();

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static bool Merge(string? first, string firstField, string? second, string secondField, out string? value, out string field, out RequestError? error)
    {
        first = Empty(first);
        second = Empty(second);
        error = null;
        value = first ?? second;
        field = first is not null ? firstField : second is not null ? secondField : firstField;
        if (first is not null && second is not null && !string.Equals(first, second, StringComparison.Ordinal))
        {
            error = RequestError.Invalid(secondField, $"{secondField} conflicts with {firstField}; send one of them.");
            return false;
        }

        return true;
    }

    private static RequestError? CheckName(string value, string field, int maxBytes)
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

    private static RequestError? CheckClaim(string value, string claim, int maxBytes) =>
        TextRules.Inspect(value, out var bytes, out _) && bytes <= maxBytes
            ? null
            : RequestError.Forbidden($"token.{claim}", $"The token's '{claim}' claim is longer than policy allows ({maxBytes} bytes of UTF-8).");

    // In bearer mode the name comes from the token and metadata and attributes (which other participants and agents
    // read as the server's word) are not the caller's to set, unless a setting says so. Repeating the name is fine.
    private static RequestError? CheckCallerChoices(TokenRequestBody body, AuthenticatedCaller caller, string? name, string identity)
    {
        if (name is not null && !caller.MayChooseName && !string.Equals(name, Empty(caller.Name) ?? identity, StringComparison.Ordinal))
        {
            return RequestError.Forbidden("participant_name", $"participant_name comes from your token's '{caller.NameClaim}' claim; policy does not let callers choose it (Auth__AllowCallerName).");
        }

        if (!string.IsNullOrEmpty(body.ParticipantMetadata) && !caller.MayChooseMetadata)
        {
            return RequestError.Forbidden("participant_metadata", "Policy does not let authenticated callers set participant_metadata (Auth__AllowCallerMetadata).");
        }

        return body.ParticipantAttributes is { Count: > 0 } && !caller.MayChooseAttributes
            ? RequestError.Forbidden("participant_attributes", "Policy does not let authenticated callers set participant_attributes (Auth__AllowCallerAttributes).")
            : null;
    }

    private static RequestError? CheckBlob(string value, string field, int maxBytes)
    {
        if (!TextRules.Inspect(value, out var bytes, out _))
        {
            return RequestError.Invalid(field, $"{field} is not valid Unicode text.");
        }

        return bytes > maxBytes ? RequestError.Invalid(field, $"{field} must be at most {maxBytes} bytes of UTF-8.") : null;
    }

    private RequestError? CheckAttributes(Dictionary<string, string> attributes, string field = "participant_attributes")
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
            if (total > _options.MaxAttributesBytes)
            {
                return RequestError.Invalid(field, $"{field} must be at most {_options.MaxAttributesBytes} bytes of UTF-8 in all.");
            }
        }

        return null;
    }

    private RequestError? Grant(TokenRequestBody body, string room, out VideoGrant? video)
    {
        video = null;
        if (!Narrow(_options.CanPublish, body.CanPublish, "can_publish", out var canPublish, out var error)
            || !Narrow(_options.CanSubscribe, body.CanSubscribe, "can_subscribe", out var canSubscribe, out error)
            || !Narrow(_options.CanPublishData, body.CanPublishData, "can_publish_data", out var canPublishData, out error)
            || !Narrow(_options.CanUpdateOwnMetadata, body.CanUpdateOwnMetadata, "can_update_own_metadata", out var canUpdateOwnMetadata, out error))
        {
            return error;
        }

        IList<TrackSource>? sources = _sources.Length > 0 ? _sources : null;

        // An empty list means "every source" to LiveKit, so an empty request list narrows nothing.
        if (body.CanPublishSources is { Count: > 0 } requested)
        {
            var narrowed = new List<TrackSource>(requested.Count);
            foreach (var wire in requested)
            {
                if (wire is null || !TrackSources.TryParse(wire, out var source))
                {
                    return RequestError.Invalid("can_publish_sources", $"can_publish_sources may list only {TrackSources.List}.");
                }

                if (_sources.Length > 0 && Array.IndexOf(_sources, source) < 0)
                {
                    return RequestError.Forbidden("can_publish_sources", "Policy does not allow publishing one of the requested sources.");
                }

                if (!narrowed.Contains(source))
                {
                    narrowed.Add(source);
                }
            }

            sources = narrowed;
        }

        video = new VideoGrant
        {
            RoomJoin = true,
            Room = room,
            CanPublish = canPublish,
            CanSubscribe = canSubscribe,
            CanPublishData = canPublishData,
            CanUpdateOwnMetadata = canUpdateOwnMetadata ? true : null,
            CanPublishSources = sources,
        };
        return null;
    }

    private static bool Narrow(bool allowed, bool? requested, string field, out bool value, out RequestError? error)
    {
        error = null;
        value = allowed && (requested ?? true);
        if (requested == true && !allowed)
        {
            error = RequestError.Forbidden(field, $"Policy does not grant {field}.");
            return false;
        }

        return true;
    }

    private RequestError? Configure(RoomConfigBody requested, out RoomConfiguration? config)
    {
        config = null;
        if (CheckPrivileged(requested.Other, "room_config.", refuseAll: true) is { } refused)
        {
            return refused;
        }

        if (requested.Agents is not { Count: > 0 } agents)
        {
            return null;
        }

        if (agents.Count > MaxAgentDispatches)
        {
            return RequestError.Invalid("room_config.agents", $"room_config.agents may list at most {MaxAgentDispatches} dispatches.");
        }

        var dispatches = new List<RoomAgentDispatch>(agents.Count);
        for (var i = 0; i < agents.Count; i++)
        {
            var field = $"room_config.agents[{i}]";
            if (agents[i] is not { } agent)
            {
                return RequestError.Invalid(field, $"{field} must be an object.");
            }

            if (Dispatch(agent, field, out var dispatch) is { } bad)
            {
                return bad;
            }

            dispatches.Add(dispatch!);
        }

        config = new RoomConfiguration { Agents = dispatches };
        return null;
    }

    /// <summary>One agent entry: the agent must be one policy allows; the rest is checked for size and form only.</summary>
    private RequestError? Dispatch(AgentDispatchBody agent, string field, out RoomAgentDispatch? dispatch)
    {
        dispatch = null;
        if (!Merge(agent.AgentName, "agent_name", agent.AgentNameCamel, "agentName", out var agentName, out var nameField, out var conflict))
        {
            return conflict! with { Field = $"{field}.agentName" };
        }

        if (agentName is null)
        {
            // LiveKit dispatches an entry without a name to the agent registered without one (automatic dispatch).
            if (!_options.AllowUnnamedAgentDispatch)
            {
                return RequestError.Forbidden($"{field}.agent_name",
                    $"{field} names no agent, which would dispatch the automatic-dispatch agent; policy allows only named agents. Set agent_name (agentName in the client SDKs).");
            }
        }
        else if (!_agentNames.Contains(agentName))
        {
            return RequestError.Forbidden($"{field}.{nameField}", "Policy does not allow dispatching this agent.");
        }

        if (agent.Metadata is not null && CheckBlob(agent.Metadata, $"{field}.metadata", _options.MaxMetadataBytes) is { } badMetadata)
        {
            return badMetadata;
        }

        var deployment = Empty(agent.Deployment);
        if (deployment is not null && CheckDeployment(deployment, $"{field}.deployment") is { } badDeployment)
        {
            return badDeployment;
        }

        if (agent.Attributes is { Count: > 0 } attributes && CheckAttributes(attributes, $"{field}.attributes") is { } badAttributes)
        {
            return badAttributes;
        }

        if (!MergeRestartPolicy(agent, field, out var restartPolicy, out var badPolicy))
        {
            return badPolicy;
        }

        dispatch = new RoomAgentDispatch
        {
            AgentName = agentName,
            Metadata = Empty(agent.Metadata),
            RestartPolicy = restartPolicy,
            Deployment = deployment,
            Attributes = agent.Attributes is { Count: > 0 } ? agent.Attributes : null,
        };
        return null;
    }

    // LiveKit's server refuses a dispatch whose deployment is over 64 bytes or holds '_', whitespace or control bytes:
    // https://github.com/livekit/protocol/blob/main/agent/environment.go (ValidateDeployment, MaxDeploymentLength).
    internal const int MaxDeploymentBytes = 64;

    private static RequestError? CheckDeployment(string deployment, string field)
    {
        if (!TextRules.Inspect(deployment, out var bytes, out var control) || control
            || deployment.AsSpan().IndexOfAny(' ', '_') >= 0 || bytes > MaxDeploymentBytes)
        {
            return RequestError.Invalid(field, $"{field} must be at most {MaxDeploymentBytes} bytes of UTF-8 without '_', spaces or control characters.");
        }

        return null;
    }

    private static bool MergeRestartPolicy(AgentDispatchBody agent, string field, out JobRestartPolicy? policy, out RequestError? error)
    {
        policy = null;
        error = ParseRestartPolicy(agent.RestartPolicy, $"{field}.restart_policy", out var snake);
        JobRestartPolicy? camel = null;
        error ??= ParseRestartPolicy(agent.RestartPolicyCamel, $"{field}.restartPolicy", out camel);
        if (error is not null)
        {
            return false;
        }

        if (snake is not null && camel is not null && snake != camel)
        {
            error = RequestError.Invalid($"{field}.restartPolicy", $"{field}.restartPolicy conflicts with restart_policy; send one of them.");
            return false;
        }

        policy = snake ?? camel;
        return true;
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

        return policy is null ? RequestError.Invalid(field, $"{field} must be one of {string.Join(", ", WireNames<JobRestartPolicy>.All)} (or its number).") : null;
    }

    private static RequestError? CheckPrivileged(Dictionary<string, JsonElement>? other, string prefix, bool refuseAll = false)
    {
        if (other is null)
        {
            return null;
        }

        foreach (var (key, value) in other)
        {
            if (value.ValueKind is JsonValueKind.Null || (!refuseAll && value.ValueKind is JsonValueKind.False))
            {
                continue;
            }

            if (refuseAll || RequestFields.IsPrivileged(key))
            {
                // The key is the caller's own text: name it only when it is short and printable.
                var field = key.Length <= 64 && TextRules.Inspect(key, out _, out var control) && !control ? prefix + key : prefix.TrimEnd('.');
                if (field.Length == 0)
                {
                    field = "(unnamed)";
                }

                return RequestError.Forbidden(field, refuseAll
                    ? $"Callers may not set {field}{(prefix == "room_config." ? "; only agents (to agent names policy allows) may be requested" : "")}."
                    : $"Callers may not ask for {field}: policy decides the grants.");
            }
        }

        return null;
    }
}
