namespace TokenFunction.LiveKit;

/// <summary>
/// An agent to dispatch into the room when the participant's join creates it (<c>roomConfig.agents[]</c>).
/// Every field of the protocol's <c>RoomAgentDispatch</c>, in its field order; unset fields are not written.
/// </summary>
/// <remarks>
/// Source: https://github.com/livekit/protocol/blob/main/protobufs/livekit_agent_dispatch.proto (message
/// RoomAgentDispatch: agent_name = 1, metadata = 2, restart_policy = 3, deployment = 4, attributes = 5).
/// An empty <see cref="AgentName"/> dispatches the agent registered without a name (automatic dispatch); see
/// https://github.com/livekit/livekit/blob/master/pkg/rtc/room.go (createAgentDispatchesFromRoomAgent).
/// </remarks>
internal sealed class RoomAgentDispatch
{
    /// <summary>
    /// <c>agentName</c>: the name the agent registered with; empty or unset means the unnamed (automatic-dispatch) agent.
    /// </summary>
    public string? AgentName { get; set; }

    /// <summary><c>metadata</c>: free-form data handed to the agent's job.</summary>
    public string? Metadata { get; set; }

    /// <summary><c>restartPolicy</c>: LiveKit Cloud only, whether the agent's job is restarted when it fails.</summary>
    public JobRestartPolicy? RestartPolicy { get; set; }

    /// <summary><c>deployment</c>: the agent deployment to target; empty targets the production deployment.</summary>
    public string? Deployment { get; set; }

    /// <summary><c>attributes</c>: attributes handed to the agent's job.</summary>
    public IDictionary<string, string>? Attributes { get; set; }
}
