using System.Text;
using System.Text.Json;
using Microsoft.OpenApi;
using TokenFunction.Contract;
using TokenFunction.Tests.Support.Contract;

namespace TokenFunction.Tests.Contract;

/// <summary>openapi.yaml itself: it parses as OpenAPI 3.1, its examples match its schemas, and its checker has teeth.</summary>
public sealed class OpenApiDocumentTests
{
    private const string s_jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";

    private static readonly OpenApiContract s_contract = OpenApiContract.Repository;

    [Fact]
    public void The_document_is_OpenAPI_3_1_and_reads_without_errors_or_warnings()
    {
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, s_contract.Diagnostic.SpecificationVersion);
        Assert.Empty(s_contract.Diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}"));
        Assert.Empty(s_contract.Diagnostic.Warnings.Select(e => $"{e.Pointer}: {e.Message}"));
    }

    [Fact]
    public void Every_example_matches_the_schema_it_illustrates()
    {
        var checkedExamples = 0;
        foreach (var (path, item) in s_contract.Document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                var media = (operation.RequestBody?.Content ?? new Dictionary<string, OpenApiMediaType>())
                    .Select(m => ($"{method} {path} request {m.Key}", m.Value))
                    .Concat((operation.Responses ?? []).SelectMany(r => (r.Value.Content ?? new Dictionary<string, OpenApiMediaType>())
                        .Select(m => ($"{method} {path} {r.Key} {m.Key}", m.Value))));
                foreach (var (where, type) in media)
                {
                    foreach (var (name, example) in type.Examples ?? new Dictionary<string, IOpenApiExample>())
                    {
                        var instance = JsonSerializer.SerializeToElement(example.Value);
                        var errors = OpenApiContract.Evaluate(s_contract.SchemaFor($"{where} (example)", type.Schema!), instance).ToList();
                        Assert.True(errors.Count == 0, $"{where} example '{name}': {string.Join("; ", errors)}");
                        checkedExamples++;
                    }
                }
            }
        }

        // Each route's request and each response status the document illustrates; a lost example lowers this.
        Assert.True(checkedExamples >= 20, $"only {checkedExamples} examples were found");
    }

    [Fact]
    public void The_standard_request_schema_takes_every_agent_dispatch_field_and_the_restart_policies_of_the_protocol()
    {
        var schema = s_contract.SchemaFor("token request", s_contract.Document.Paths["/api/token"].Operations![HttpMethod.Post].RequestBody!.Content!["application/json"].Schema!);
        var request = """
            {"room_config":{"agents":[
              {"agent_name":"a","metadata":"m","deployment":"production","attributes":{"k":"v"},"restart_policy":"JRP_ON_FAILURE"},
              {"agent_name":"b","restart_policy":"JRP_NEVER"},{"agent_name":"c","restart_policy":1}]}}
            """;

        Assert.Empty(OpenApiContract.Evaluate(schema, JsonDocument.Parse(request).RootElement));
        Assert.NotEmpty(OpenApiContract.Evaluate(schema, JsonDocument.Parse("""{"room_config":{"agents":[{"restart_policy":"ALWAYS"}]}}""").RootElement));
        Assert.NotEmpty(OpenApiContract.Evaluate(schema, JsonDocument.Parse("""{"room_config":{"agents":[{"attributes":{"k":1}}]}}""").RootElement));
    }

    [Theory]
    [InlineData("""{"agentName":"a","restartPolicy":"JRP_NEVER"}""", true)]
    [InlineData("""{"agent_name":"a","restartPolicy":0}""", true)]
    [InlineData("""{"agent_name":"a","deployment":"prod-eu.2"}""", true)]
    [InlineData("""{"agent_name":"a","restartPolicy":2}""", false)]
    [InlineData("""{"agent_name":"a","deployment":"prod_eu"}""", false)]
    [InlineData("""{"agent_name":"a","deployment":"prod eu"}""", false)]
    [InlineData("""{"agent_name":"a","deployment":"prod\teu"}""", false)]
    [InlineData("""{"agent_name":"a","deployment":"0123456789012345678901234567890123456789012345678901234567890123x"}""", false)]
    public void The_agent_schema_takes_the_camel_case_spellings_and_the_deployments_LiveKit_accepts(string agent, bool valid)
    {
        // Every route that reads the token request shares the schema: the standard endpoint and the v2 sandbox.
        foreach (var path in new[] { "/api/token", "/api/v2/sandbox/connection-details" })
        {
            var schema = s_contract.SchemaFor($"{path} request", s_contract.Document.Paths[path].Operations![HttpMethod.Post].RequestBody!.Content!["application/json"].Schema!);

            var errors = OpenApiContract.Evaluate(schema, JsonDocument.Parse($$$"""{"room_config":{"agents":[{{{agent}}}]}}""").RootElement).ToList();

            Assert.True(errors.Count == 0 == valid, $"{path} {agent}: {string.Join("; ", errors)}");
        }
    }

    public static TheoryData<string, string, int, string?, string, string[], string> Nonconforming() => new()
    {
        { "POST", "/api/token", 201, "application/json", """{"server_url":"ws://x","room_name":"r","participant_identity":"i","participant_name":"n"}""", ["Cache-Control: no-store"], "participant_token" },
        { "POST", "/api/token", 201, "application/json", Token("ws://x", "extra_field"), ["Cache-Control: no-store"], "extra_field" },
        { "POST", "/api/token", 201, "application/json", Token("ws://x"), [], "Cache-Control" },
        { "POST", "/api/token", 201, "text/html", Token("ws://x"), ["Cache-Control: no-store"], "text/html" },
        { "POST", "/api/token", 200, "text/plain", "not a jwt", ["Cache-Control: no-store"], RequestFields.Body },
        { "POST", "/api/token", 418, "application/json", "{}", [], "418" },
        { "POST", "/api/token", 500, null, "", [], "empty body" },
        { "POST", "/api/token", 403, "application/problem+json", Problem(403, field: null), ["Cache-Control: no-store"], "field" },
        { "POST", "/api/token", 400, "application/problem+json", Problem(403, RequestFields.RoomName), ["Cache-Control: no-store"], "status" },
        { "GET", "/api/health", 503, "application/problem+json", Problem(503, field: null), ["Cache-Control: no-store"], "Retry-After" },
        { "GET", "/api/health", 503, "application/problem+json", Problem(503, field: null), ["Cache-Control: no-store", "Retry-After: soon"], "Retry-After" },
        { "GET", "/api/health", 401, null, "", [], "401" },
        { "POST", "/api/v3/anything", 200, "application/json", "{}", [], "not in openapi.yaml" },
        { "DELETE", "/api/token", 200, "application/json", "{}", [], "not in openapi.yaml" },
        { "POST", "/api/sandbox/connection-details", 401, null, "", [], "empty body" },
        { "POST", "/api/v2/sandbox/connection-details", 401, "application/problem+json", Problem(401, RequestFields.RoomName), ["Cache-Control: no-store"], "field" },
        { "POST", "/api/v2/sandbox/connection-details", 404, "application/problem+json", Problem(404, field: null), [], RequestFields.Body },
        { "POST", "/api/sandbox/connection-details", 201, "application/json", Token("ws://x"), ["Cache-Control: no-store"], "201" },
        { "POST", "/api/token", 404, null, "", [], "404" },
    };

    [Theory]
    [MemberData(nameof(Nonconforming))]
    public void The_checker_refuses_a_response_the_document_does_not_allow(string method, string path, int status, string? contentType, string body, string[] headers, string named)
    {
        var problems = s_contract.Check(method, path, Response(status, contentType, body, headers));

        Assert.True(problems.Any(p => p.Contains(named, StringComparison.Ordinal)), $"expected a problem naming '{named}', got: {string.Join(" | ", problems)}");
    }

    public static TheoryData<string, string, int, string?, string, string[]> Conforming() => new()
    {
        { "POST", "/api/token", 201, "application/json; charset=utf-8", Token("wss://x.livekit.cloud"), ["Cache-Control: no-store"] },
        { "POST", "/api/token", 200, "text/plain; charset=utf-8", s_jwt, ["Cache-Control: no-store"] },
        { "POST", "/api/token", 401, null, "", [] },
        { "GET", "/api/connection-details", 401, null, "", [] },
        { "POST", "/api/token", 413, "application/problem+json", Problem(413, RequestFields.Body), ["Cache-Control: no-store"] },
        { "GET", "/api/health", 503, "application/problem+json", Problem(503, field: null), ["Cache-Control: no-store", "Retry-After: 5"] },
        { "GET", "/api/nope", 404, null, "", [] },
        { "POST", "/api/sandbox/connection-details", 404, null, "", [] },
        { "POST", "/api/v2/sandbox/connection-details", 404, null, "", [] },
        { "POST", "/api/v2/sandbox/connection-details", 401, "application/problem+json", Problem(401, "X-Sandbox-ID"), ["Cache-Control: no-store"] },
        { "POST", "/api/v2/sandbox/connection-details", 401, "application/problem+json", Problem(401, field: null), ["Cache-Control: no-store", "WWW-Authenticate: Bearer"] },
        { "POST", "/api/v2/sandbox/connection-details", 201, "application/json", Token("wss://x.livekit.cloud"), ["Cache-Control: no-store"] },
        { "POST", "/api/token", 403, "application/problem+json", Problem(403, "token.scp"), ["Cache-Control: no-store", "WWW-Authenticate: Bearer error=\"insufficient_scope\""] },
    };

    [Theory]
    [MemberData(nameof(Conforming))]
    public void The_checker_accepts_what_the_document_describes(string method, string path, int status, string? contentType, string body, string[] headers)
    {
        Assert.Empty(s_contract.Check(method, path, Response(status, contentType, body, headers)));
    }

    private static ObservedResponse Response(int status, string? contentType, string body, string[] headers)
    {
        var all = headers.Select(h => h.Split(": ", 2)).ToDictionary(h => h[0], h => h[1], StringComparer.OrdinalIgnoreCase);
        if (contentType is not null)
        {
            all[RequestFields.ContentType] = contentType;
        }

        return new ObservedResponse(status, name => all.GetValueOrDefault(name), Encoding.UTF8.GetBytes(body));
    }

    private static string Token(string serverUrl, string? extra = null) =>
        $$"""{"server_url":"{{serverUrl}}","participant_token":"{{s_jwt}}","room_name":"r","participant_identity":"i","participant_name":"n"{{(extra is null ? "" : $",\"{extra}\":1")}}}""";

    private static string Problem(int status, string? field) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["type"] = "https://www.rfc-editor.org/rfc/rfc9110",
            ["title"] = "t",
            ["status"] = status,
            ["detail"] = "d",
            ["field"] = field,
        }.Where(p => p.Value is not null).ToDictionary());
}
