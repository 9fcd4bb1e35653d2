using System.Net;
using System.Net.Http.Headers;
using TokenFunction.Tests.EndToEnd.Hosts;
using TokenFunction.Tests.EndToEnd.Hosts.Emulator;
using TokenFunction.Tests.Support;
using TokenFunction.Tests.Support.Contract;

namespace TokenFunction.Tests.EndToEnd;

/// <summary>The document against the built worker: the same routes, the same auth levels, and served byte for byte.</summary>
[Collection(WorkerProcesses.Name)]
public sealed class OpenApiEndToEndTests(WorkerFixture worker) : IClassFixture<WorkerFixture>
{
    [Fact]
    public void The_document_describes_exactly_the_routes_the_built_worker_declares()
    {
        // The worker's own function metadata, as this run's host indexes it (the real host: its admin API's listing): not a hand-written list.
        var served = worker.Host.Functions
            .SelectMany(f => (f.Methods ?? throw new InvalidOperationException($"{f.Name} accepts any method; declare them"))
                .Select(m => (Method: m, Path: "/" + f.Template)))
            .ToHashSet();
        var documented = OpenApiContract.Repository.Operations.ToHashSet();

        Assert.True(served.Count >= 5, $"the worker declared only {served.Count} routes");
        Assert.True(served.SetEquals(documented),
            $"served but not in openapi.yaml: {string.Join(", ", served.Except(documented))}; "
            + $"in openapi.yaml but not served: {string.Join(", ", documented.Except(served))}");
    }

    [Fact]
    public void Each_route_documents_the_auth_level_the_worker_declares()
    {
        foreach (var function in worker.Host.Functions)
        {
            foreach (var method in function.Methods!)
            {
                var (_, operation) = OpenApiContract.Repository.Find(method, "/" + function.Template);
                Assert.NotNull(operation);
                Assert.True(operation.Security is not null, $"{method} /{function.Template} must state its security (`security: []` when anonymous)");
                if (function.AuthLevel == FunctionAuthLevel.Anonymous)
                {
                    // Anonymous to the host. Only the sandbox routes check a credential of the app's own (the sandbox id,
                    // plus a bearer token in bearer mode), and every way in to them needs it; the rest ask for nothing.
                    Assert.False(OpenApiContract.MentionsFunctionKey(operation), $"{method} /{function.Template} is anonymous, yet the document asks for a function key");
                    if (function.Template!.Contains("sandbox/", StringComparison.Ordinal))
                    {
                        Assert.NotEmpty(operation.Security!);
                        Assert.All(operation.Security!, requirement => Assert.Contains(requirement.Keys, scheme => scheme.Reference.Id == "sandboxId"));
                    }
                    else
                    {
                        Assert.True(operation.Security!.Count == 0, $"{method} /{function.Template} is anonymous, yet the document asks for credentials");
                    }
                }
                else
                {
                    Assert.True(OpenApiContract.RequiresFunctionKey(operation), $"{method} /{function.Template} needs a function key, yet the document lets callers go without one");
                }
            }
        }
    }

    [Fact]
    public async Task The_document_is_served_anonymously_byte_for_byte_with_cache_headers()
    {
        using var response = await worker.Client.GetAsync(new Uri("api/openapi.yaml", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(await File.ReadAllBytesAsync(RepoLayout.PathOf("openapi.yaml")), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/yaml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=300", response.Headers.CacheControl?.ToString());
        Assert.NotNull(response.Headers.ETag);
        Assert.False(response.Headers.ETag.IsWeak);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_matching_entity_tag_is_answered_304_without_a_body(bool weak)
    {
        using var first = await worker.Client.GetAsync(new Uri("api/openapi.yaml", UriKind.Relative));
        var tag = first.Headers.ETag!.Tag;

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/openapi.yaml", UriKind.Relative));
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\""));
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(tag, weak));
        using var again = await worker.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(tag, again.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task A_stale_entity_tag_gets_the_document()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/openapi.yaml", UriKind.Relative));
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"an-older-document\""));

        using var response = await worker.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
    }
}
