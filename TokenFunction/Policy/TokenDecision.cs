using TokenFunction.LiveKit;

namespace TokenFunction.Policy;

/// <summary>
/// What policy approved: the claims to sign, in LiveKit's own claim model, and for how long. The endpoint signs
/// <see cref="Claims"/> as they are; nothing is copied field by field.
/// </summary>
internal sealed record TokenDecision(ClaimGrants Claims, TimeSpan Ttl)
{
    public string Room => Claims.Video!.Room!;

    public string Identity => Claims.Identity!;

    public string Name => Claims.Name!;
}
