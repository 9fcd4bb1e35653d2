using TokenFunction.Tests.EndToEnd.Hosts.Emulator;
using Xunit.Abstractions;

namespace TokenFunction.Tests.EndToEnd.Hosts;

/// <summary>
/// Starts the real worker with settings that must stop it, and checks how it stopped. Under the real host the worker's
/// exit code and message come from the host's log (it logs the worker's stderr, then gives up on the worker); the
/// failure message carries that whole log, so the secret check covers everything the host wrote.
/// </summary>
internal static class WorkerStartFailure
{
    /// <summary>A secret that must appear in no start-up message.</summary>
    internal const string DistinctiveSecret = "never-print-me-0123456789abcdef0123456789";

    /// <summary>
    /// Starts a worker, under this run's host, on the dev defaults (with <see cref="DistinctiveSecret"/> as its secret) changed by
    /// <paramref name="configure"/>, and asserts that the worker process itself exited with a non-zero code (a failed
    /// start, not a timeout or a worker serving requests it cannot answer), with a message naming
    /// <paramref name="named"/> and never the secret.
    /// </summary>
    public static async Task<WorkerStartException> ExpectAsync(
        EndToEndLog log, ITestOutputHelper output, string named, Action<IDictionary<string, string?>> configure)
    {
        var options = WorkerFixture.DefaultOptions();
        options.AppSettings["LIVEKIT_API_SECRET"] = DistinctiveSecret;
        configure(options.AppSettings);
        options.StartTimeout = TimeSpan.FromSeconds(45);

        var failure = await Assert.ThrowsAsync<WorkerStartException>(() => log.StartAsync(options, $"a start that must fail ({named})"));
        output.WriteLine(failure.Message);

        Assert.NotNull(failure.ExitCode);
        Assert.NotEqual(0, failure.ExitCode);
        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(DistinctiveSecret, failure.Message, StringComparison.Ordinal);
        return failure;
    }
}
