using TokenFunction.Contract;
using TokenFunction.LiveKit;

namespace TokenFunction.Policy;

/// <summary>
/// The video grant: policy's settings are the ceiling, and a request may only narrow them (turn a grant off, publish
/// fewer sources); asking for more than policy grants is a 403 naming the field.
/// </summary>
internal sealed class GrantRules(TokenPolicyOptions options, TrackSource[] sources)
{
    public RequestError? Grant(TokenRequest request, string room, out VideoGrant? video)
    {
        video = null;
        if (!Narrow(options.CanPublish, request.CanPublish, RequestFields.CanPublish, out var canPublish, out var error)
            || !Narrow(options.CanSubscribe, request.CanSubscribe, RequestFields.CanSubscribe, out var canSubscribe, out error)
            || !Narrow(options.CanPublishData, request.CanPublishData, RequestFields.CanPublishData, out var canPublishData, out error)
            || !Narrow(options.CanUpdateOwnMetadata, request.CanUpdateOwnMetadata, RequestFields.CanUpdateOwnMetadata, out var canUpdateOwnMetadata, out error))
        {
            return error;
        }

        if (NarrowSources(request.CanPublishSources, out var publishSources) is { } badSources)
        {
            return badSources;
        }

        video = new VideoGrant
        {
            RoomJoin = true,
            Room = room,
            CanPublish = canPublish,
            CanSubscribe = canSubscribe,
            CanPublishData = canPublishData,
            CanUpdateOwnMetadata = canUpdateOwnMetadata ? true : null,
            CanPublishSources = publishSources,
        };
        return null;
    }

    private RequestError? NarrowSources(IReadOnlyList<string?>? requested, out IList<TrackSource>? narrowed)
    {
        narrowed = sources.Length > 0 ? [.. sources] : null;

        // An empty list means "every source" to LiveKit, so an empty request list narrows nothing.
        if (requested is not { Count: > 0 })
        {
            return null;
        }

        var chosen = new List<TrackSource>(requested.Count);
        foreach (var wire in requested)
        {
            if (!TrackSources.TryParse(wire, out var source))
            {
                return RequestError.Invalid(RequestFields.CanPublishSources, $"can_publish_sources may list only {TrackSources.List}.");
            }

            if (sources.Length > 0 && Array.IndexOf(sources, source) < 0)
            {
                return RequestError.Forbidden(RequestFields.CanPublishSources, "Policy does not allow publishing one of the requested sources.");
            }

            if (!chosen.Contains(source))
            {
                chosen.Add(source);
            }
        }

        narrowed = chosen;
        return null;
    }

    private static bool Narrow(bool allowed, bool? requested, string field, out bool value, out RequestError? error)
    {
        error = null;
        value = allowed && (requested ?? true);
        if (requested == true && !allowed)
        {
            error = RequestError.Forbidden(field, $"Policy does not grant {field}.");
            return false;
        }

        return true;
    }
}
