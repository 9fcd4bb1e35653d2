namespace TokenFunction.Policy;

/// <summary>
/// What a caller may choose, in one section: <c>CallerChoices</c> (app settings <c>CallerChoices__AllowRoom</c>, ...).
/// The five settings it replaces are still read for one release and reported at start-up as deprecated
/// (<see cref="DeprecatedCallerSettings"/>).
/// </summary>
internal sealed class CallerChoicesOptions
{
    public const string SectionName = "CallerChoices";

    /// <summary>Whether callers may name the room; when false every token is for a generated room.</summary>
    public bool AllowRoom { get; set; } = true;

    /// <summary>Whether anonymous callers may choose their identity; a bearer caller's identity is always its token's.</summary>
    public bool AllowIdentity { get; set; } = true;

    /// <summary>Whether a bearer caller may set a <c>participant_name</c> other than its name claim (anonymous callers always may).</summary>
    public bool AllowName { get; set; }

    /// <summary>Whether a bearer caller may set <c>participant_metadata</c>, which other participants and agents see.</summary>
    public bool AllowMetadata { get; set; }

    /// <summary>Whether a bearer caller may set <c>participant_attributes</c>, which other participants and agents see.</summary>
    public bool AllowAttributes { get; set; }
}
