using Microsoft.Extensions.Options;
using TokenFunction.Auth;
using TokenFunction.Contract;
using TokenFunction.LiveKit;
using TokenFunction.Policy;

namespace TokenFunction.Tests.Policy;

/// <summary>Policy on its own: a canonical request and a caller in, claims to sign or a refusal out, no HTTP.</summary>
public sealed class TokenPolicyTests
{
    private static TokenPolicy Policy(Action<CallerChoicesOptions>? configure = null)
    {
        var choices = new CallerChoicesOptions();
        configure?.Invoke(choices);
        return new TokenPolicy(Options.Create(new TokenPolicyOptions()), Options.Create(choices));
    }

    [Fact]
    public void The_decision_is_the_claims_to_sign()
    {
        var request = new TokenRequest
        {
            Room = new("standup", RequestFields.RoomName),
            Identity = new("alice", RequestFields.ParticipantIdentity),
            Name = "Alice",
            CanPublish = false,
            CanPublishSources = ["camera"],
        };

        Assert.Null(Policy().Decide(request, caller: null, out var decision));

        Assert.Equal(TimeSpan.FromMinutes(15), decision!.Ttl);
        Assert.Equal("alice", decision.Claims.Identity);
        Assert.Equal("Alice", decision.Claims.Name);
        Assert.Equal("standup", decision.Claims.Video!.Room);
        Assert.True(decision.Claims.Video.RoomJoin);
        Assert.False(decision.Claims.Video.CanPublish);
        Assert.Equal([TrackSource.Camera], decision.Claims.Video.CanPublishSources!);

        // Signed as it is: the token carries what policy decided.
        var jwt = new AccessToken("devkey", "secret") { Claims = decision.Claims, Ttl = decision.Ttl }.ToJwt();
        Assert.Equal(3, jwt.Split('.').Length);
    }

    [Fact]
    public void A_refusal_names_the_field_as_the_client_spelled_it()
    {
        var request = new TokenRequest { Room = new("standup", RequestFields.LegacyRoomName) };

        var refusal = Policy(o => o.AllowRoom = false).Decide(request, caller: null, out var decision);

        Assert.Null(decision);
        Assert.Equal(403, refusal!.Status);
        Assert.Equal(RequestFields.LegacyRoomName, refusal.Field);
    }

    [Fact]
    public void A_bearer_caller_gets_the_identity_and_name_of_the_token()
    {
        var caller = new AuthenticatedCaller("sub-1", "Token Name");

        Assert.Null(Policy().Decide(TokenRequest.Empty, caller, out var decision));
        Assert.Equal("sub-1", decision!.Identity);
        Assert.Equal("Token Name", decision.Name);

        var other = new TokenRequest { Identity = new("mallory", RequestFields.LegacyParticipantName) };
        var refusal = Policy().Decide(other, caller, out _);
        Assert.Equal((403, RequestFields.LegacyParticipantName), (refusal!.Status, refusal.Field));
    }

    [Fact]
    public void A_privileged_field_outside_the_contract_is_refused()
    {
        var refusal = Policy().Decide(new TokenRequest { OtherFields = ["colour", "roomAdmin"] }, caller: null, out _);
        Assert.Equal((403, "roomAdmin"), (refusal!.Status, refusal.Field));
    }
}
