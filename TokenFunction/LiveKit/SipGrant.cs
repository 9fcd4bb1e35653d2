namespace TokenFunction.LiveKit;

/// <summary>The <c>sip</c> claim: SIP administration and outbound calls.</summary>
public sealed class SipGrant
{
    /// <summary>Manage SIP trunks and dispatch rules.</summary>
    public bool Admin { get; set; }

    /// <summary>Place outbound SIP calls.</summary>
    public bool Call { get; set; }

    internal void MergeFrom(SipGrant other)
    {
        Admin |= other.Admin;
        Call |= other.Call;
    }
}
