using System.Net;
using System.Text.Json;
using TokenFunction.Tests.EndToEnd.Hosts;
using TokenFunction.Tests.Support;
using TokenFunction.Tests.Support.LiveKit;
using static TokenFunction.Tests.EndToEnd.Hosts.EndToEndHttp;

namespace TokenFunction.Tests.EndToEnd;

/// <summary>Many overlapping invocations: every one answered, each with its own token, all valid.</summary>
[Collection(WorkerProcesses.Name)]
public sealed class ConcurrentTokensEndToEndTests(WorkerFixture worker) : IClassFixture<WorkerFixture>
{
    internal const int Requests = 500;

    [Fact]
    public async Task Five_hundred_concurrent_token_requests_are_all_answered_with_their_own_valid_token()
    {
        using var start = new SemaphoreSlim(0);
        var calls = Enumerable.Range(0, Requests).Select(async i =>
        {
            await start.WaitAsync();
            var (response, body) = await SendAsync(
                worker, Post("api/token", $$"""{"room_name":"load-{{i % 7}}","participant_identity":"caller-{{i}}"}""", worker.Host.FunctionKey));
            using (response)
            {
                return (Index: i, response.StatusCode, Body: body);
            }
        }).ToList();
        start.Release(Requests);

        var results = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromMinutes(2));

        var failures = results.Where(r => r.StatusCode != HttpStatusCode.Created).Take(3).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count}+ failed, e.g. {string.Join("; ", failures.Select(f => $"{(int)f.StatusCode} {f.Body}"))}");
        var tokens = new List<string>(Requests);
        foreach (var (index, _, body) in results)
        {
            using var details = JsonDocument.Parse(body);
            // Correlation: each caller got the answer to its own request, not a neighbour's.
            Assert.Equal($"caller-{index}", details.RootElement.GetProperty("participant_identity").GetString());
            var token = details.RootElement.GetProperty("participant_token").GetString()!;
            tokens.Add(token);
        }

        Assert.Equal(Requests, tokens.Distinct(StringComparer.Ordinal).Count());

        // The independent judge: LiveKit's own Node SDK TokenVerifier, one node process for the whole batch.
        var verdicts = await LiveKitJudge.VerifyAsync(tokens.Select(t => (t, WorkerFixture.ApiKey, WorkerFixture.ApiSecret)));
        Assert.Equal(Requests, verdicts.Count);
        for (var i = 0; i < Requests; i++)
        {
            Assert.True(verdicts[i].Ok, $"token {i} refused by livekit-server-sdk: {verdicts[i].Error}");
            Assert.Equal($"caller-{i}", verdicts[i].Payload.GetProperty("sub").GetString());
            Assert.Equal($"load-{i % 7}", verdicts[i].Payload.GetProperty("video").GetProperty("room").GetString());
        }
    }
}
