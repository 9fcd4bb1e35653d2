using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using TokenFunction.Tests.Support.Fakes;

namespace TokenFunction.Tests.Support.Contract;

/// <summary>A response as the contract sees it: status, headers by name, body bytes.</summary>
internal sealed record ObservedResponse(int Status, Func<string, string?> Header, byte[] Body);

/// <summary>
/// The repository's <c>openapi.yaml</c>, read with Microsoft.OpenApi, and the check every response the tests receive
/// goes through: the route and status must be documented, the body must match the schema for its media type, and
/// every required header must be present and match its schema.
/// </summary>
internal sealed partial class OpenApiContract
{
    private static readonly Lazy<OpenApiContract> s_repository = new(() => Load(RepoLayout.PathOf("openapi.yaml")));
    private static readonly HashSet<string> s_functionKeySchemes = new(StringComparer.Ordinal) { "functionKeyHeader", "functionKeyQuery" };

    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

    private OpenApiContract(OpenApiDocument document, OpenApiDiagnostic diagnostic)
    {
        Document = document;
        Diagnostic = diagnostic;
    }

    /// <summary>The repository's openapi.yaml (loaded once per test run).</summary>
    public static OpenApiContract Repository => s_repository.Value;

    public OpenApiDocument Document { get; }

    public OpenApiDiagnostic Diagnostic { get; }

    /// <summary>Every documented operation as (upper-case method, path).</summary>
    public IReadOnlyCollection<(string Method, string Path)> Operations =>
        [.. Document.Paths.SelectMany(path => (path.Value.Operations ?? []).Keys.Select(method => (method.Method.ToUpperInvariant(), path.Key)))];

    public static OpenApiContract Load(string path)
    {
        var settings = new OpenApiReaderSettings();
        settings.AddYamlReader();
        using var stream = new MemoryStream(File.ReadAllBytes(path));
        var (document, diagnostic) = OpenApiDocument.Load(stream, OpenApiConstants.Yaml, settings);
        return new OpenApiContract(
            document ?? throw new InvalidDataException($"{path} is not an OpenAPI document: {string.Join("; ", diagnostic?.Errors.Select(e => e.Message) ?? [])}"),
            diagnostic!);
    }

    public static HttpClient CheckingClient(Func<HttpMessageHandler, HttpClient> create) =>
        create(new CheckingHandler(Repository) { InnerHandler = new SocketsHttpHandler() });

    /// <summary>Throws (an xunit assertion failure) when the response breaks the contract; returns it otherwise.</summary>
    public void AssertResponse(string method, string path, ObservedResponse response)
    {
        var problems = Check(method, path, response);
        Assert.True(problems.Count == 0,
            $"{method} {path} answered {response.Status} against openapi.yaml:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}"
            + $"{Environment.NewLine}body: {Truncate(Encoding.UTF8.GetString(response.Body))}");
    }

    /// <summary>What is wrong with the response according to the document; empty when it conforms.</summary>
    public List<string> Check(string method, string path, ObservedResponse response)
    {
        var problems = new List<string>();
        var (template, operation) = Find(method, path);
        if (operation is null)
        {
            // The host's route table has no entry for it: the host answers 404 with no body, the app is never involved.
            if (response.Status != 404 || response.Body.Length != 0)
            {
                problems.Add($"{method} {path} is not in openapi.yaml, yet it answered {response.Status} with {response.Body.Length} bytes");
            }

            return problems;
        }

        var status = response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses is null || !operation.Responses.TryGetValue(status, out var documented))
        {
            problems.Add($"status {status} is not documented for {method} {template}");
            return problems;
        }

        var contentType = response.Header("Content-Type");
        if (response.Body.Length == 0 && contentType is null && documented.Content is { Count: > 0 })
        {
            // Azure's Functions host refuses a missing or wrong function key with an empty 401 before the app runs.
            if (!(response.Status == 401 && RequiresFunctionKey(operation)))
            {
                problems.Add($"an empty body, where the document describes {string.Join(", ", documented.Content.Keys)}");
            }

            return problems;
        }

        CheckHeaders(documented, response, problems);
        CheckBody(documented, $"{method} {template} {status}", contentType, response.Body, problems);
        return problems;
    }

    /// <summary>Whether every security alternative of the operation includes a function key (the host checks it).</summary>
    public static bool RequiresFunctionKey(OpenApiOperation operation) =>
        operation.Security is { Count: > 0 } alternatives
        && alternatives.All(requirement => requirement.Keys.Any(scheme => s_functionKeySchemes.Contains(scheme.Reference.Id ?? "")));

    /// <summary>Whether any security alternative of the operation includes a function key.</summary>
    public static bool MentionsFunctionKey(OpenApiOperation operation) =>
        operation.Security?.Any(requirement => requirement.Keys.Any(scheme => s_functionKeySchemes.Contains(scheme.Reference.Id ?? ""))) == true;

    public (string? Template, OpenApiOperation? Operation) Find(string method, string path)
    {
        foreach (var (template, item) in Document.Paths)
        {
            if (TemplateRegex(template).IsMatch(path))
            {
                var operation = (item.Operations ?? []).FirstOrDefault(o => string.Equals(o.Key.Method, method, StringComparison.OrdinalIgnoreCase)).Value;
                return (template, operation);
            }
        }

        return (null, null);
    }

    /// <summary>The schema of a media type or header, with every local reference inlined, as JsonSchema.Net reads it.</summary>
    public JsonSchema SchemaFor(string key, IOpenApiSchema schema) => _schemas.GetOrAdd(key, _ =>
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var writer = new OpenApiJsonWriter(text, new OpenApiJsonWriterSettings { InlineLocalReferences = true });
        schema.SerializeAsV31(writer);
        text.Flush();
        return JsonSchema.FromText(text.ToString());
    });

    /// <summary>Validates a JSON value against a schema; the failures as "location: message" lines.</summary>
    public static IEnumerable<string> Evaluate(JsonSchema schema, JsonElement instance)
    {
        var results = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return results.IsValid
            ? []
            : (results.Details ?? [results]).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value} ({d.EvaluationPath})"))
                .DefaultIfEmpty("does not match the schema");
    }

    public static bool IsJson(string mediaType) =>
        mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);

    private void CheckHeaders(IOpenApiResponse documented, ObservedResponse response, List<string> problems)
    {
        foreach (var (name, header) in documented.Headers ?? new Dictionary<string, IOpenApiHeader>())
        {
            var value = response.Header(name);
            if (value is null)
            {
                if (header.Required)
                {
                    problems.Add($"the required header {name} is missing");
                }

                continue;
            }

            if (header.Schema is { } schema)
            {
                foreach (var error in Evaluate(SchemaFor($"header {name} {header.GetHashCode()}", schema), JsonSerializer.SerializeToElement(value)))
                {
                    problems.Add($"header {name}: {value}: {error}");
                }
            }
        }
    }

    private void CheckBody(IOpenApiResponse documented, string where, string? contentType, byte[] body, List<string> problems)
    {
        if (documented.Content is not { Count: > 0 } content)
        {
            if (body.Length > 0)
            {
                problems.Add($"a {body.Length}-byte body, where the document describes none");
            }

            return;
        }

        var mediaType = contentType?.Split(';')[0].Trim() ?? "";
        var media = content.FirstOrDefault(m => m.Key.Equals(mediaType, StringComparison.OrdinalIgnoreCase));
        if (media.Value is null)
        {
            problems.Add($"Content-Type '{contentType}' is not among the documented {string.Join(", ", content.Keys)}");
            return;
        }

        if (media.Value.Schema is not { } schema)
        {
            return;
        }

        JsonElement instance;
        if (IsJson(mediaType))
        {
            try
            {
                instance = JsonDocument.Parse(body).RootElement.Clone();
            }
            catch (JsonException e)
            {
                problems.Add($"the body is not JSON: {e.Message}");
                return;
            }
        }
        else
        {
            instance = JsonSerializer.SerializeToElement(Encoding.UTF8.GetString(body));
        }

        problems.AddRange(Evaluate(SchemaFor($"{where} {media.Key}", schema), instance).Select(e => $"body {e}"));
    }

    private static Regex TemplateRegex(string template) =>
        new("^" + PathParameter().Replace(Regex.Escape(template), "[^/]+") + "$", RegexOptions.CultureInvariant);

    [GeneratedRegex(@"\\\{[^}]+}")]
    private static partial Regex PathParameter();

    private static string Truncate(string text) => text.Length <= 600 ? text : text[..600] + "…";

    /// <summary>Checks every response an HttpClient receives, after buffering its body so the caller can still read it.</summary>
    private sealed class CheckingHandler(OpenApiContract contract) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            contract.AssertResponse(request.Method.Method, request.RequestUri!.AbsolutePath, new ObservedResponse((int)response.StatusCode, name => Header(response, name), body));
            return response;
        }

        private static string? Header(HttpResponseMessage response, string name) =>
            response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
                ? string.Join(", ", values)
                : null;
    }
}

/// <summary>The contract check for the in-process endpoint tests' fake responses.</summary>
internal static class ContractChecks
{
    public static FakeHttpResponseData Checked(this FakeHttpResponseData response, string method, string path)
    {
        OpenApiContract.Repository.AssertResponse(method, path, new ObservedResponse((int)response.StatusCode, response.Header, response.BodyBytes));
        return response;
    }
}
