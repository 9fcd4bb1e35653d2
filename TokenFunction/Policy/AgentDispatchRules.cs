using TokenFunction.Contract;
using TokenFunction.LiveKit;
using TokenFunction.Primitives;

namespace TokenFunction.Policy;

/// <summary>
/// <c>room_config</c>: only agent dispatch, to agents policy allows (<c>TokenPolicy__AllowedAgentNames</c>); each
/// entry's other members are checked for size and form only, since a dispatch grants the participant nothing.
/// </summary>
internal sealed class AgentDispatchRules(TokenPolicyOptions options)
{
    internal const int MaxAgentDispatches = 8;

    // LiveKit's server refuses a dispatch whose deployment is over 64 bytes or holds '_', whitespace or control bytes:
    // https://github.com/livekit/protocol/blob/main/agent/environment.go (ValidateDeployment, MaxDeploymentLength).
    internal const int MaxDeploymentBytes = 64;

    private readonly HashSet<string> _agentNames = new(SettingLists.Split(options.AllowedAgentNames), StringComparer.Ordinal);

    public RequestError? Configure(RoomConfigRequest requested, out RoomConfiguration? config)
    {
        config = null;
        if (PrivilegedFields.ScreenRoomConfig(requested.OtherFields) is { } refused)
        {
            return refused;
        }

        var agents = requested.Agents;
        if (agents.Count == 0)
        {
            return null;
        }

        if (agents.Count > MaxAgentDispatches)
        {
            return RequestError.Invalid(RequestFields.Agents.Path, $"room_config.agents may list at most {MaxAgentDispatches} dispatches.");
        }

        var dispatches = new List<RoomAgentDispatch>(agents.Count);
        for (var i = 0; i < agents.Count; i++)
        {
            var field = RequestFields.Agents.Entry(i);
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

    private RequestError? Dispatch(AgentRequest agent, string field, out RoomAgentDispatch? dispatch)
    {
        dispatch = null;
        if (agent.AgentName is not { } agentName)
        {
            // LiveKit dispatches an entry without a name to the agent registered without one (automatic dispatch).
            if (!options.AllowUnnamedAgentDispatch)
            {
                return RequestError.Forbidden($"{field}.{RequestFields.Agents.AgentName}",
                    $"{field} names no agent, which would dispatch the automatic-dispatch agent; policy allows only named agents. Set agent_name (agentName in the client SDKs).");
            }
        }
        else if (!_agentNames.Contains(agentName.Value))
        {
            return RequestError.Forbidden($"{field}.{agentName.Field}", "Policy does not allow dispatching this agent.");
        }

        if (agent.Metadata is not null && TextLimits.CheckBlob(agent.Metadata, $"{field}.{RequestFields.Agents.Metadata}", options.MaxMetadataBytes) is { } badMetadata)
        {
            return badMetadata;
        }

        var deployment = string.IsNullOrEmpty(agent.Deployment) ? null : agent.Deployment;
        if (deployment is not null && CheckDeployment(deployment, $"{field}.{RequestFields.Agents.Deployment}") is { } badDeployment)
        {
            return badDeployment;
        }

        if (agent.Attributes is { Count: > 0 } attributes
            && TextLimits.CheckAttributes(attributes, $"{field}.{RequestFields.Agents.Attributes}", options.MaxAttributesBytes) is { } badAttributes)
        {
            return badAttributes;
        }

        dispatch = new RoomAgentDispatch
        {
            AgentName = agent.AgentName?.Value,
            Metadata = string.IsNullOrEmpty(agent.Metadata) ? null : agent.Metadata,
            RestartPolicy = agent.RestartPolicy,
            Deployment = deployment,
            Attributes = agent.Attributes is { Count: > 0 } ? agent.Attributes : null,
        };
        return null;
    }

    private static RequestError? CheckDeployment(string deployment, string field)
    {
        if (!TextRules.Inspect(deployment, out var bytes, out var control) || control
            || deployment.AsSpan().IndexOfAny(' ', '_') >= 0 || bytes > MaxDeploymentBytes)
        {
            return RequestError.Invalid(field, $"{field} must be at most {MaxDeploymentBytes} bytes of UTF-8 without '_', spaces or control characters.");
        }

        return null;
    }
}
