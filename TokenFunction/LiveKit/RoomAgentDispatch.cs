namespace TokenFunction.LiveKit;

/// <summary>An agent to dispatch into the room when the participant joins (<c>roomConfig.agents[]</c>).</summary>
public sealed class RoomAgentDispatch
{
    public string? AgentName { get; set; }

    public string? Metadata { get; set; }
}
