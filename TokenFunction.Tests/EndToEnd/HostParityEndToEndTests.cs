using System.Diagnostics;
using System.Net;
using System.Text;
using TokenFunction.Tests.EndToEnd.Hosts;
using TokenFunction.Tests.EndToEnd.Hosts.Emulator;
using TokenFunction.Tests.Support;
using Xunit.Abstractions;

namespace TokenFunction.Tests.EndToEnd;

/// <summary>
/// The same requests against the emulator and the real Azure Functions host, over the same build and settings: what
/// the host decides itself (routing, methods, keys per auth level, body limits, headers) must come out the same, and
/// equal to what the real host was seen to do (host 4.1037.0, 2026-12-02). Without a real host (a user's clone) the
/// emulator is still held to those expectations; CI always has both (docs/testing.md lists each difference found).
/// </summary>
[Collection(WorkerProcesses.Name)]
public sealed class HostParityEndToEndTests(HostParityEndToEndTests.HostPair hosts) : IClassFixture<HostParityEndToEndTests.HostPair>
{
    public enum Key
    {
        None,
        Function,
        Master,
        Wrong,
    }

    public sealed record HostCase(string Method, string Path, Key Header, Key Query, int Status, string? MediaType);

    /// <summary>Name → request and the real host's answer (status, and the media type of its body; null: no body).</summary>
    private static readonly Dictionary<string, HostCase> s_cases = new(StringComparer.Ordinal)
    {
        ["unknown route"] = new("GET", "api/nope", Key.None, Key.None, 404, null),
        ["no route prefix"] = new("GET", "health", Key.None, Key.None, 404, null),
        ["empty segment"] = new("GET", "api//health", Key.None, Key.None, 404, null),
        ["undeclared method POST"] = new("POST", "api/health", Key.None, Key.None, 404, null),
        ["HEAD of a GET route"] = new("HEAD", "api/health", Key.None, Key.None, 404, null),
        ["OPTIONS"] = new("OPTIONS", "api/health", Key.None, Key.None, 404, null),
        ["undeclared method with a key"] = new("DELETE", "api/connection-details", Key.Function, Key.None, 404, null),
        ["GET of a POST route with a key"] = new("GET", "api/token", Key.Function, Key.None, 404, null),
        ["route case"] = new("GET", "API/HEALTH", Key.None, Key.None, 200, "application/json"),
        ["trailing slash"] = new("GET", "api/health/", Key.None, Key.None, 200, "application/json"),
        ["query string"] = new("GET", "api/health?x=1", Key.None, Key.None, 200, "application/json"),
        ["anonymous with a wrong key"] = new("GET", "api/health", Key.Wrong, Key.Wrong, 200, "application/json"),
        ["function level, no key"] = new("POST", "api/token", Key.None, Key.None, 401, null),
        ["function level, wrong key"] = new("POST", "api/token", Key.Wrong, Key.None, 401, null),
        ["function level, wrong code"] = new("POST", "api/token", Key.None, Key.Wrong, 401, null),
        ["function level, header key"] = new("POST", "api/token", Key.Function, Key.None, 201, "application/json"),
        ["function level, code key"] = new("POST", "api/token", Key.None, Key.Function, 201, "application/json"),
        ["function level, master key header"] = new("POST", "api/token", Key.Master, Key.None, 201, "application/json"),
        ["function level, master key code"] = new("POST", "api/token", Key.None, Key.Master, 201, "application/json"),
        ["the header wins over code (wrong header)"] = new("POST", "api/token", Key.Wrong, Key.Function, 401, null),
        ["the header wins over code (wrong code)"] = new("POST", "api/token", Key.Function, Key.Wrong, 201, "application/json"),
        ["route case with a key"] = new("POST", "api/Token", Key.Function, Key.None, 201, "application/json"),
        ["the code parameter's case"] = new("POST", "api/token", Key.None, Key.Function, 201, "application/json"),
        ["the app's 404 (sandbox off)"] = new("POST", "api/v2/sandbox/connection-details", Key.None, Key.None, 404, null),
        ["a problem from the app passes through"] = new("POST", "api/connection-details?roomName=%00", Key.Function, Key.None, 400, "application/problem+json"),
    };

    public static TheoryData<string> Cases => [.. s_cases.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Both_hosts_answer_as_the_real_host_does(string name)
    {
        var expected = s_cases[name];
        var answers = new List<Answer>();
        foreach (var host in hosts.All)
        {
            var answer = await SendAsync(host, expected, name == "the code parameter's case" ? "CODE" : "code");
            Assert.True(
                answer.Status == expected.Status && answer.MediaType == expected.MediaType && (expected.MediaType is not null || answer.Body.Length == 0),
                $"{host.Description}: {expected.Method} {expected.Path} answered {answer}, the real host answers {expected.Status} {expected.MediaType ?? "(no body)"}");
            answers.Add(answer);
        }

        // Headers the host writes itself, and how it frames the body, are the same on both.
        Assert.Single(answers.Select(a => a.HostHeaders).Distinct());
    }

    [Fact]
    public async Task A_body_between_kestrels_default_limit_and_the_hosts_100_MB_reaches_the_app_which_answers_413()
    {
        // The host raises Kestrel's 30,000,000-byte default to ScriptConstants.DefaultMaxRequestBodySize (104,857,600;
        // https://github.com/Azure/azure-functions-host/blob/dev/src/WebJobs.Script/ScriptConstants.cs), so a 31 MB body
        // reaches the worker, and the app's own 64 KiB limit answers.
        var body = new byte[31_000_000];
        Array.Fill(body, (byte)'a');
        foreach (var host in hosts.All)
        {
            using var client = host.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/token", UriKind.Relative)) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add("x-functions-key", host.FunctionKey);

            using var response = await client.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{host.Description}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public void Both_hosts_index_the_same_routes_methods_and_auth_levels()
    {
        var indexes = hosts.All.Select(h => string.Join("; ", h.Functions
            .OrderBy(f => f.Template, StringComparer.Ordinal)
            .Select(f => $"{f.Name} {f.Template} {string.Join(",", (f.Methods ?? new HashSet<string>()).Order(StringComparer.Ordinal))} {f.AuthLevel}"))).ToList();

        Assert.True(indexes.Distinct().Count() == 1, string.Join(Environment.NewLine, indexes));
        // The worker names functions by a hash it prints in decimal; only the emulator sees it (the admin API does not show it).
        Assert.All(hosts.Emulator.Functions, f => Assert.Matches("^[0-9]+$", f.FunctionId));
    }

    [Fact]
    public async Task A_worker_that_fails_its_start_is_reported_the_same_way_by_both_hosts()
    {
        var failures = new List<WorkerStartException>();
        foreach (var host in HostPair.Locations)
        {
            var options = WorkerFixture.DefaultOptions();
            options.AppSettings["LIVEKIT_URL"] = "ftp://livekit.example";
            failures.Add(await Assert.ThrowsAsync<WorkerStartException>(() => AppHosts.StartAsync(host, options, log: null, "parity")));
        }

        // The process died of the unhandled options-validation exception (SIGABRT, 134 on Linux) on both.
        Assert.Single(failures.Select(f => f.ExitCode).Distinct());
        Assert.All(failures, f => Assert.NotEqual(0, f.ExitCode));
        Assert.All(failures, f => Assert.Contains("LIVEKIT_URL", f.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stopping_either_host_leaves_no_worker_behind()
    {
        foreach (var location in HostPair.Locations)
        {
            var host = await AppHosts.StartAsync(location, WorkerFixture.DefaultOptions(), log: null, "parity shutdown");
            var workers = WorkerProcessIds(host);
            Assert.NotEmpty(workers);

            await host.DisposeAsync();

            foreach (var pid in workers)
            {
                Assert.False(IsRunning(pid), $"{host.Description}: worker {pid} still runs after the host stopped");
            }
        }
    }

    private static IReadOnlyList<int> WorkerProcessIds(IAppHost host) => host switch
    {
        EmulatedAppHost emulated => [emulated.Emulator.WorkerProcessId],
        RealAppHost real => real.ChildProcessIds(),
        _ => [],
    };

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task<Answer> SendAsync(IAppHost host, HostCase spec, string codeName)
    {
        string? KeyValue(Key key) => key switch
        {
            Key.Function => host.FunctionKey,
            Key.Master => host.MasterKey,
            Key.Wrong => "not-a-key-0123456789",
            _ => null,
        };

        var path = spec.Path;
        if (KeyValue(spec.Query) is { } code)
        {
            path += (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + codeName + "=" + Uri.EscapeDataString(code);
        }

        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(spec.Method), new Uri(path, UriKind.Relative));
        if (spec.Method is "POST" or "PUT" or "DELETE")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        if (KeyValue(spec.Header) is { } header)
        {
            request.Headers.Add("x-functions-key", header);
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        var framing = response.Headers.TransferEncodingChunked == true ? "chunked" : $"length";
        var server = string.Join(",", response.Headers.Server.Select(s => s.ToString()));
        var hostHeaders = $"Server={server}; framing={framing}; Date={response.Headers.Date is not null}";
        return new Answer((int)response.StatusCode, body.Length == 0 ? null : response.Content.Headers.ContentType?.MediaType, body, hostHeaders);
    }

    private sealed record Answer(int Status, string? MediaType, byte[] Body, string HostHeaders)
    {
        public override string ToString() => $"{Status} {MediaType ?? "(no body)"} [{HostHeaders}] {Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(Body.Length, 200)))}";
    }

    /// <summary>The emulator and, when this run has one, the real host, both over the build on the dev defaults.</summary>
    public sealed class HostPair(IMessageSink log) : IAsyncLifetime
    {
        private readonly List<IAppHost> _all = [];

        public IReadOnlyList<IAppHost> All => _all;

        public IAppHost Emulator => _all[0];

        /// <summary>null stands for the emulator.</summary>
        public static IReadOnlyList<RealHostLocation?> Locations => AppHosts.RealHost is { } real ? [null, real] : [null];

        public async Task InitializeAsync()
        {
            foreach (var location in Locations)
            {
                _all.Add(await AppHosts.StartAsync(location, WorkerFixture.DefaultOptions(), log, nameof(HostParityEndToEndTests)));
            }
        }

        public async Task DisposeAsync()
        {
            foreach (var host in _all)
            {
                await host.DisposeAsync();
            }
        }
    }
}
