using System.Collections.Frozen;

namespace TokenFunction.Contract;

/// <summary>
/// The request fields of the token routes as clients spell them: the one list the request model's JSON names, policy's
/// problem <c>field</c> values, telemetry's refusal reasons and the tests read. Fields are LiveKit's standard token
/// endpoint's (snake_case); the legacy camelCase spellings are the seed's snippet's and the v1 sandbox's.
/// </summary>
internal static class RequestFields
{
    public const string RoomName = "room_name";
    public const string ParticipantIdentity = "participant_identity";
    public const string ParticipantName = "participant_name";
    public const string ParticipantMetadata = "participant_metadata";
    public const string ParticipantAttributes = "participant_attributes";
    public const string RoomConfig = "room_config";
    public const string Ttl = "ttl";
    public const string CanPublish = "can_publish";
    public const string CanSubscribe = "can_subscribe";
    public const string CanPublishData = "can_publish_data";
    public const string CanUpdateOwnMetadata = "can_update_own_metadata";
    public const string CanPublishSources = "can_publish_sources";

    /// <summary>Legacy (body field and query parameter): the room.</summary>
    public const string LegacyRoomName = "roomName";

    /// <summary>Legacy (body field and query parameter): the identity, and the name unless one is given.</summary>
    public const string LegacyParticipantName = "participantName";

    /// <summary>Not a field: the body as a whole (malformed, too large).</summary>
    public const string Body = "body";

    /// <summary>Not a field: the request's media type header.</summary>
    public const string ContentType = "Content-Type";

    /// <summary>Members of <c>room_config</c> and of each <c>room_config.agents[]</c> entry (proto and JSON names).</summary>
    public static class Agents
    {
        public const string List = "agents";
        public const string AgentName = "agent_name";
        public const string AgentNameCamel = "agentName";
        public const string Metadata = "metadata";
        public const string Deployment = "deployment";
        public const string Attributes = "attributes";
        public const string RestartPolicy = "restart_policy";
        public const string RestartPolicyCamel = "restartPolicy";

        /// <summary><c>room_config.agents</c>, as a problem names it.</summary>
        public const string Path = RoomConfig + "." + List;

        /// <summary><c>room_config.agents[i]</c>.</summary>
        public static string Entry(int index) => $"{Path}[{index}]";
    }

    /// <summary>The top-level fields of the standard endpoint, in the order LiveKit's contract lists them.</summary>
    public static IReadOnlyList<string> Standard { get; } =
    [
        RoomName, ParticipantIdentity, ParticipantName, ParticipantMetadata, ParticipantAttributes, RoomConfig, Ttl,
        CanPublish, CanSubscribe, CanPublishData, CanUpdateOwnMetadata, CanPublishSources,
    ];

    /// <summary>
    /// Fields that would ask for more than a participant's grants, as <see cref="Key"/> spells them (any spelling a
    /// client might send: compared without '_' and case). A request naming one with a value other than false or null
    /// is refused; telemetry tags such a refusal <c>privileged_grant</c>.
    /// </summary>
    public static FrozenSet<string> Privileged { get; } = FrozenSet.Create(StringComparer.Ordinal,
    [
        "roomadmin", "roomcreate", "roomlist", "roomrecord", "ingressadmin", "hidden", "recorder", "agent", "kind",
        "sip", "sipadmin", "sipcall", "admin", "call", "video", "grant", "grants", "roompreset", "destinationroom",
        "cansubscribemetrics", "canmanageagentsession", "sha256",
    ]);

    /// <summary>A field name compared without '_' and case: <c>Room_Admin</c>, <c>roomAdmin</c> and <c>roomadmin</c> are one key.</summary>
    public static string Key(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
    }

    /// <summary>Whether <paramref name="field"/> (any spelling) names a privileged grant.</summary>
    public static bool IsPrivileged(string field) => Privileged.Contains(Key(field));
}
