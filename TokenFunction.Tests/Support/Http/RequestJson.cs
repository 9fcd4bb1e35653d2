using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenFunction.Tests.Support.Http;

/// <summary>
/// A request body built from <see cref="TokenFunction.Contract.RequestFields"/> names, for tests about what the
/// service does with a field rather than how clients spell it (the route and end-to-end tests keep their bodies as
/// the wire examples they are).
/// </summary>
internal static class RequestJson
{
    private static readonly JsonSerializerOptions s_readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>{"field":value,...}</c> in the order given.</summary>
    public static string Of(params (string Field, JsonNode? Value)[] fields)
    {
        var body = new JsonObject();
        foreach (var (field, value) in fields)
        {
            body.Add(field, value);
        }

        return body.ToJsonString(s_readable);
    }
}
