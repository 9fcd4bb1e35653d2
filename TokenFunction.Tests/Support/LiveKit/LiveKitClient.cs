using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenFunction.Tests.Support.LiveKit;

/// <summary>One HTTP request the client made, as it made it.</summary>
public sealed record ClientCall(string Method, string Url, IReadOnlyDictionary<string, string> Headers, string? Body);

/// <summary>
/// What one <c>fetch</c> gave the app: the response object (<c>serverUrl</c>, <c>participantToken</c>, …), the token
/// payload as the client decoded it, and its <c>roomConfig</c> as protobuf JSON; or the Error the app caught.
/// </summary>
public sealed record ClientFetch(bool Ok, JsonElement Response, JsonElement Payload, JsonElement RoomConfig, string? ErrorName, string? ErrorMessage);

public sealed record ClientSession(IReadOnlyList<ClientCall> Calls, IReadOnlyList<ClientFetch> Fetches);

/// <summary>
/// LiveKit's JavaScript client (<c>livekit-client</c>, pinned in TokenFunction.Tests/js) driven from the tests:
/// js/client.mjs builds one <c>TokenSource</c> per session and calls <c>fetch</c> on it. One node process per batch.
/// </summary>
public static class LiveKitClient
{
    /// <summary><c>TokenSource.endpoint(url, { headers })</c>.</summary>
    public static JsonObject Endpoint(Uri url, IDictionary<string, string>? headers, bool reuseOptions, params JsonObject[] fetches)
    {
        var h = new JsonObject();
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            h[name] = value;
        }

        return Session("endpoint", reuseOptions, fetches, ("url", url.ToString()), ("headers", h));
    }

    /// <summary><c>TokenSource.sandboxTokenServer(id, { baseUrl })</c> (or <c>developmentTokenServer</c>).</summary>
    public static JsonObject Sandbox(string sandboxId, Uri baseUrl, bool development, params JsonObject[] fetches) =>
        Session(development ? "development" : "sandbox", false, fetches, ("sandboxId", sandboxId), ("baseUrl", baseUrl.ToString().TrimEnd('/')));

    /// <summary>One <c>fetch(options, force)</c>.</summary>
    public static JsonObject Fetch(JsonObject options, bool force = false) => new() { ["options"] = options.DeepClone(), ["force"] = force };

    public static async Task<IReadOnlyList<ClientSession>> RunAsync(IEnumerable<JsonObject> sessions, CancellationToken cancellationToken = default)
    {
        var input = new JsonArray([.. sessions.Select(s => (JsonNode)s.DeepClone())]);
        using var results = await LiveKitJudge.RunNodeAsync("client.mjs", "livekit-client", input.ToJsonString(), cancellationToken);
        return [.. results.RootElement.EnumerateArray().Select(ReadSession)];
    }

    private static JsonObject Session(string source, bool reuseOptions, JsonObject[] fetches, params (string Name, JsonNode? Value)[] fields)
    {
        var session = new JsonObject { ["source"] = source, ["reuseOptions"] = reuseOptions };
        foreach (var (name, value) in fields)
        {
            session[name] = value;
        }

        session["fetches"] = new JsonArray([.. fetches.Select(f => (JsonNode)f.DeepClone())]);
        return session;
    }

    private static ClientSession ReadSession(JsonElement session)
    {
        var calls = session.GetProperty("calls").EnumerateArray().Select(c => new ClientCall(
            c.GetProperty("method").GetString()!,
            c.GetProperty("url").GetString()!,
            c.GetProperty("headers").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            c.GetProperty("body").ValueKind == JsonValueKind.String ? c.GetProperty("body").GetString() : null)).ToList();
        var fetches = session.GetProperty("fetches").EnumerateArray().Select(f =>
        {
            var ok = f.GetProperty("ok").GetBoolean();
            var error = ok ? default : f.GetProperty("error");
            return new ClientFetch(
                ok,
                ok ? f.GetProperty("response").Clone() : default,
                ok ? f.GetProperty("payload").Clone() : default,
                ok ? f.GetProperty("roomConfig").Clone() : default,
                ok ? null : error.GetProperty("name").GetString(),
                ok ? null : error.GetProperty("message").GetString());
        }).ToList();
        return new ClientSession(calls, fetches);
    }
}
