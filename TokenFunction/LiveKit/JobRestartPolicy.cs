using System.Text.Json.Serialization;

namespace TokenFunction.LiveKit;

/// <summary>
/// The protocol's <c>JobRestartPolicy</c>, written by its enum value name as protobuf JSON (and LiveKit's Node SDK)
/// writes it: <c>"restartPolicy":"JRP_NEVER"</c>. Source:
/// https://github.com/livekit/protocol/blob/main/protobufs/livekit_agent_dispatch.proto (enum JobRestartPolicy).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobRestartPolicy>))]
internal enum JobRestartPolicy
{
    /// <summary><c>JRP_ON_FAILURE</c>: restart the job when it fails (the protocol's default, 0).</summary>
    [JsonStringEnumMemberName("JRP_ON_FAILURE")]
    OnFailure = 0,

    /// <summary><c>JRP_NEVER</c>: never restart the job (1).</summary>
    [JsonStringEnumMemberName("JRP_NEVER")]
    Never = 1,
}
