namespace TokenFunction.LiveKit;

/// <summary>The <c>sip</c> claim: SIP administration and outbound calls.</summary>
/// <remarks>
/// Source: <c>SIPGrant</c> in https://github.com/livekit/protocol/blob/main/auth/grants.go and
/// https://github.com/livekit/node-sdks/blob/main/packages/livekit-server-sdk/src/grants.ts.
/// </remarks>
public sealed class SipGrant
{
    /// <summary>The holder may use every SIP feature: trunks, dispatch rules and the rest (<c>admin</c>).</summary>
    public bool Admin { get; set; }

    /// <summary>The holder may place outbound SIP calls (<c>call</c>).</summary>
    public bool Call { get; set; }

    internal void MergeFrom(SipGrant other)
    {
        Admin |= other.Admin;
        Call |= other.Call;
    }
}
