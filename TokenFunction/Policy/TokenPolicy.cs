using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using TokenFunction.Auth;
using TokenFunction.Contract;
using TokenFunction.LiveKit;
using TokenFunction.Primitives;

namespace TokenFunction.Policy;

/// <summary>
/// Decides what a token carries. The server's policy sets the ceiling; a caller can narrow it (fewer grants, a shorter
/// lifetime) but never widen it, and the identity of an authenticated caller is never the caller's to choose.
/// Evaluates a <see cref="TokenRequest"/> (however it was spelled on the wire) and a caller; reads no HTTP.
/// </summary>
internal sealed class TokenPolicy
{
    private readonly TokenPolicyOptions _options;
    private readonly CallerChoicesOptions _choices;
    private readonly Regex? _roomPattern;
    private readonly GrantRules _grants;
    private readonly AgentDispatchRules _agents;

    public TokenPolicy(IOptions<TokenPolicyOptions> options, IOptions<CallerChoicesOptions> choices)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(choices);
        _options = options.Value;
        _choices = choices.Value;
        _roomPattern = string.IsNullOrEmpty(_options.RoomNamePattern) ? null : RoomPattern.Compile(_options.RoomNamePattern);
        _grants = new GrantRules(_options, TokenPolicyOptionsValidator.ParseSources(_options.CanPublishSources, out _) ?? []);
        _agents = new AgentDispatchRules(_options);
    }

    public TokenPolicyOptions Options => _options;

    /// <summary>
    /// The claims to sign for <paramref name="request"/> from <paramref name="caller"/> (null for a caller who is not
    /// authenticated), or the refusal naming the field at fault.
    /// </summary>
    public RequestError? Decide(TokenRequest request, AuthenticatedCaller? caller, out TokenDecision? decision)
    {
        ArgumentNullException.ThrowIfNull(request);
        decision = null;
        if (PrivilegedFields.Screen(request.OtherFields) is { } privileged)
        {
            return privileged;
        }

        if (ChooseRoom(request.Room, caller, out var room) is { } badRoom)
        {
            return badRoom;
        }

        if (ChooseIdentity(request.Identity, caller, out var identity) is { } badIdentity)
        {
            return badIdentity;
        }

        if (ChooseName(request, caller, identity, out var name) is { } badName)
        {
            return badName;
        }

        var metadata = request.Metadata;
        if (metadata is not null && TextLimits.CheckBlob(metadata, RequestFields.ParticipantMetadata, _options.MaxMetadataBytes) is { } badMetadata)
        {
            return badMetadata;
        }

        var attributes = request.Attributes is { Count: > 0 } requested ? requested : null;
        if (attributes is not null && TextLimits.CheckAttributes(attributes, RequestFields.ParticipantAttributes, _options.MaxAttributesBytes) is { } badAttributes)
        {
            return badAttributes;
        }

        var ttl = _options.DefaultTtl;
        if (request.Ttl is { } seconds)
        {
            var max = (long)_options.MaxTtl.TotalSeconds;
            if (seconds <= 0 || seconds > max)
            {
                return RequestError.Invalid(RequestFields.Ttl, $"ttl must be a whole number of seconds from 1 to {max}.");
            }

            ttl = TimeSpan.FromSeconds(seconds);
        }

        if (_grants.Grant(request, room, out var video) is { } badGrant)
        {
            return badGrant;
        }

        RoomConfiguration? roomConfig = null;
        if (request.RoomConfig is { } config && _agents.Configure(config, out roomConfig) is { } badConfig)
        {
            return badConfig;
        }

        decision = new TokenDecision(
            new ClaimGrants
            {
                Identity = identity,
                Name = name,
                Metadata = metadata,
                Attributes = attributes,
                Video = video,
                RoomConfig = roomConfig,
            },
            ttl);
        return null;
    }

    private RequestError? ChooseRoom(Requested<string>? requested, AuthenticatedCaller? caller, out string room)
    {
        var field = requested?.Field ?? RequestFields.RoomName;
        if (requested is { Value: var chosen })
        {
            room = chosen;
            if (!_choices.AllowRoom)
            {
                return RequestError.Forbidden(field, "Policy does not let callers choose the room.");
            }

            if (TextLimits.CheckName(room, field, _options.MaxRoomNameLength) is { } bad)
            {
                return bad;
            }

            if (_roomPattern is not null && !_roomPattern.IsMatch(room))
            {
                return RequestError.Forbidden(field, "Policy does not allow this room name.");
            }
        }
        else
        {
            room = TextRules.NewId("room-");
        }

        return caller is not null && !caller.MayJoin(room) ? RequestError.Forbidden(field, "You may not join this room.") : null;
    }

    private RequestError? ChooseIdentity(Requested<string>? requested, AuthenticatedCaller? caller, out string identity)
    {
        if (caller is not null)
        {
            identity = caller.Identity;
            if (requested is { } chosen && CallerRules.CheckIdentity(chosen.Value, chosen.Field, caller) is { } notTheirs)
            {
                return notTheirs;
            }

            // The same limits as for a caller-chosen identity, but the caller cannot fix the claim: 403 naming it.
            return TextLimits.CheckClaim(identity, caller.IdentityClaim, _options.MaxIdentityLength);
        }

        if (requested is not { } wanted)
        {
            identity = TextRules.NewId("user-");
            return null;
        }

        identity = wanted.Value;
        return !_choices.AllowIdentity
            ? RequestError.Forbidden(wanted.Field, "Policy does not let callers choose their identity.")
            : TextLimits.CheckName(identity, wanted.Field, _options.MaxIdentityLength);
    }

    private RequestError? ChooseName(TokenRequest request, AuthenticatedCaller? caller, string identity, out string name)
    {
        var requested = request.Name;
        if (caller is not null && CallerRules.CheckChoices(request, caller, _choices, requested, identity) is { } refused)
        {
            name = identity;
            return refused;
        }

        if (requested is not null)
        {
            name = requested;
            return TextLimits.CheckName(name, RequestFields.ParticipantName, _options.MaxNameLength);
        }

        if (caller is null)
        {
            name = request.LegacyName ?? identity;
            return null;
        }

        name = CallerRules.NameOf(caller, identity);
        return caller.Name is { Length: > 0 } claimed ? TextLimits.CheckClaim(claimed, caller.NameClaim, _options.MaxNameLength) : null;
    }
}
