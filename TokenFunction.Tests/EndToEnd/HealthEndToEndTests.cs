using System.Net;
using System.Text.Json;
using TokenFunction.Tests.EndToEnd.Hosts;
using TokenFunction.Tests.Support;

namespace TokenFunction.Tests.EndToEnd;

[Collection(WorkerProcesses.Name)]
public sealed class HealthEndToEndTests(WorkerFixture worker) : IClassFixture<WorkerFixture>
{
    [Fact]
    public async Task Health_answers_ok_without_a_key()
    {
        using var response = await worker.Client.GetAsync(new Uri("api/health", UriKind.Relative));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}{Environment.NewLine}{worker.Host.Diagnostics}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("ok", json.RootElement.GetProperty("status").GetString());
        Assert.DoesNotContain(WorkerFixture.ApiSecret, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_also_answers_a_caller_that_sends_a_key()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/health", UriKind.Relative));
        request.Headers.Add("x-functions-key", worker.Host.FunctionKey);

        using var response = await worker.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void The_worker_indexed_health_as_an_anonymous_get_under_the_route_prefix()
    {
        var health = Assert.Single(worker.Host.Functions, f => f.Name == "health");

        Assert.Equal("api/health", health.Template);
        Assert.Equal(Hosts.Emulator.FunctionAuthLevel.Anonymous, health.AuthLevel);
        Assert.Equal(["GET"], health.Methods!);
        // The worker's function id (a decimal hash) is checked where it is visible: HostParityEndToEndTests, on the emulator.
    }

    // Decided by the host (real or emulated) from the routes, methods and route prefix the worker declared, as the Functions
    // host does; a check of what the worker declares, not of the app's own code.
    [Fact]
    public async Task Declared_routes_only_other_methods_and_unknown_routes_are_404_from_the_host()
    {
        using var post = await worker.Client.PostAsync(new Uri("api/health", UriKind.Relative), null);
        using var unknown = await worker.Client.GetAsync(new Uri("api/nope", UriKind.Relative));
        using var noPrefix = await worker.Client.GetAsync(new Uri("health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noPrefix.StatusCode);
    }
}
