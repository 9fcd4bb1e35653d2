namespace TokenFunction.Policy;

/// <summary>
/// Server policy for the tokens this service issues, bound from the <c>TokenPolicy</c> configuration section
/// (app settings <c>TokenPolicy__DefaultTtl</c>, ...). Validated at start-up by <see cref="TokenPolicyOptionsValidator"/>.
/// </summary>
internal sealed class TokenPolicyOptions
{
    public const string SectionName = "TokenPolicy";

    /// <summary>LiveKit's own limit for identity, name and room name.</summary>
    public const int LiveKitMaxNameLength = 256;

    /// <summary>LiveKit's limit for participant metadata (512 KiB).</summary>
    public const int LiveKitMaxMetadataBytes = 512 * 1024;

    /// <summary>LiveKit's limit for participant attributes (64 KiB).</summary>
    public const int LiveKitMaxAttributesBytes = 64 * 1024;

    /// <summary>The largest request body the service will ever read, whatever the policy says.</summary>
    public const int HardMaxRequestBodyBytes = 1024 * 1024;

    /// <summary>Token lifetime when the caller does not ask for one (the sandbox's 15 minutes).</summary>
    public TimeSpan DefaultTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest lifetime a caller may ask for with <c>ttl</c>.</summary>
    public TimeSpan MaxTtl { get; set; } = TimeSpan.FromHours(1);

    public bool CanPublish { get; set; } = true;

    public bool CanSubscribe { get; set; } = true;

    public bool CanPublishData { get; set; } = true;

    public bool CanUpdateOwnMetadata { get; set; }

    /// <summary>Comma-separated track sources (<c>camera,microphone,screen_share,screen_share_audio</c>); empty = all.</summary>
    public string CanPublishSources { get; set; } = "";

    /// <summary>Deprecated: <c>CallerChoices__AllowRoom</c>. Bound so the old name still starts the app; read by <see cref="DeprecatedCallerSettings"/>.</summary>
    public bool AllowCallerRoom { get; set; } = true;

    /// <summary>Deprecated: <c>CallerChoices__AllowIdentity</c>. Bound so the old name still starts the app; read by <see cref="DeprecatedCallerSettings"/>.</summary>
    public bool AllowCallerIdentity { get; set; } = true;

    /// <summary>A .NET regular expression every caller-chosen room name must match in full; empty = any.</summary>
    public string RoomNamePattern { get; set; } = "";

    public int MaxRoomNameLength { get; set; } = LiveKitMaxNameLength;

    public int MaxIdentityLength { get; set; } = LiveKitMaxNameLength;

    public int MaxNameLength { get; set; } = LiveKitMaxNameLength;

    /// <summary>Limit for <c>participant_metadata</c> and agent dispatch metadata, in UTF-8 bytes.</summary>
    public int MaxMetadataBytes { get; set; } = 16 * 1024;

    /// <summary>Limit for <c>participant_attributes</c> (keys and values together), in UTF-8 bytes.</summary>
    public int MaxAttributesBytes { get; set; } = 16 * 1024;

    /// <summary>Comma-separated agent names callers may dispatch through <c>room_config.agents</c>; empty = none.</summary>
    public string AllowedAgentNames { get; set; } = "";

    /// <summary>
    /// Whether a <c>room_config.agents</c> entry may name no agent. LiveKit dispatches such an entry to the agent
    /// registered without a name (automatic dispatch), so it is an agent like any other and off unless allowed here.
    /// </summary>
    public bool AllowUnnamedAgentDispatch { get; set; }

    /// <summary>Requests with a larger body are refused with 413.</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;
}
