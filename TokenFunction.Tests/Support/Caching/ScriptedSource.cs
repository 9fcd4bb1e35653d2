using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using TokenFunction.Caching;

namespace TokenFunction.Tests.Support.Caching;

/// <summary>A cached value; compared by reference by the cache, by name by the tests.</summary>
internal sealed record Box(string Name);

/// <summary>The failure a source reports when it asked for a delay (as Key Vault's Retry-After does).</summary>
internal sealed class AskedToWaitException(TimeSpan delay) : Exception("asked to wait")
{
    public TimeSpan Delay { get; } = delay;
}

/// <summary>What callers get when nothing can be served.</summary>
internal sealed class UnavailableException(TimeSpan retryAfter, Exception? failure) : Exception("unavailable", failure)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// A source whose fetches take scripted answers, in order, then <see cref="Otherwise"/>. Counts fetches, records what
/// each fetch saw (its token, <see cref="SharedFetch.StartedFor"/>, the ambient context) and every hook call.
/// </summary>
internal sealed class ScriptedSource : ICacheSource<Box>
{
    private static readonly AsyncLocal<string?> s_ambient = new();

    private readonly Queue<Func<CancellationToken, Task<Box>>> _script = new();
    private readonly Lock _gate = new();
    private readonly CallCounter _calls = new();

    /// <summary>A value the test sets in its own execution context, to see whether it flows into a fetch.</summary>
    public static string? Ambient
    {
        get => s_ambient.Value;
        set => s_ambient.Value = value;
    }

    public Func<CancellationToken, Task<Box>> Otherwise { get; set; } =
        _ => Task.FromException<Box>(new InvalidOperationException("No scripted answer left."));

    /// <summary>Starts each fetch's span when set.</summary>
    public ActivitySource? Spans { get; set; }

    public List<CancellationToken> Tokens { get; } = [];

    public List<(ActivityContext StartedFor, Activity? Current, string? Ambient)> Seen { get; } = [];

    public List<(Box? Previous, Box Current)> Loads { get; } = [];

    public List<(Exception Failure, TimeSpan RetryIn, CachedValue<Box>? Stale)> Failures { get; } = [];

    public int Calls => _calls.Count;

    public static Task<Box> Answer(string name) => Task.FromResult(new Box(name));

    public void Returns(string name) => Enqueue(_ => Answer(name));

    public void Fails(Exception failure) => Enqueue(_ => Task.FromException<Box>(failure));

    public void ReturnsFromNowOn(string name) => Otherwise = _ => Answer(name);

    public void FailsFromNowOn(Exception failure) => Otherwise = _ => Task.FromException<Box>(failure);

    /// <summary>A fetch that hangs until the returned source completes, or until its token fires (it then throws).</summary>
    public TaskCompletionSource<Box> Pending()
    {
        var pending = new TaskCompletionSource<Box>(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(token => pending.Task.WaitAsync(token));
        return pending;
    }

    public void Enqueue(Func<CancellationToken, Task<Box>> answer)
    {
        lock (_gate)
        {
            _script.Enqueue(answer);
        }
    }

    /// <summary>Completes once <paramref name="count"/> fetches have started: signalled by the source, not by the clock.</summary>
    public Task WhenCallsReachAsync(int count) => _calls.WhenReachesAsync(count);

    public Task<Box> FetchAsync(CancellationToken cancellationToken)
    {
        Func<CancellationToken, Task<Box>>? next = null;
        _calls.Add(() =>
        {
            lock (_gate)
            {
                Tokens.Add(cancellationToken);
                Seen.Add((SharedFetch.StartedFor, Activity.Current, Ambient));
                _script.TryDequeue(out next);
            }
        });

        return (next ?? Otherwise)(cancellationToken);
    }
    public Exception Unavailable(TimeSpan retryAfter, Exception? failure) => new UnavailableException(retryAfter, failure);

    public TimeSpan? RequestedDelay(Exception failure) => failure is AskedToWaitException asked ? asked.Delay : null;

    public Activity? StartFetchSpan(ActivityContext startedFor) =>
        Spans?.StartActivity("fetch", ActivityKind.Client, startedFor);

    public void Loaded(Box? previous, Box current, Activity? span)
    {
        lock (_gate)
        {
            Loads.Add((previous, current));
        }
    }

    public void Failed(Exception failure, TimeSpan retryIn, CachedValue<Box>? servingStale, Activity? span)
    {
        span?.SetTag("test.failed", true);
        lock (_gate)
        {
            Failures.Add((failure, retryIn, servingStale));
        }
    }
}

/// <summary>A cache over a <see cref="ScriptedSource"/> on a fake clock.</summary>
internal sealed class CacheHarness : IDisposable
{
    public static readonly RefreshingCacheOptions Defaults = new()
    {
        Subject = "The test value",
        RefreshAfter = TimeSpan.FromMinutes(4),
        ServeFor = TimeSpan.FromMinutes(10),
        FetchTimeout = TimeSpan.FromSeconds(10),
        FirstRetry = TimeSpan.FromSeconds(1),
        LongestRetry = TimeSpan.FromSeconds(60),
        RefreshOnTimer = true,
    };

    public CacheHarness(Func<RefreshingCacheOptions, RefreshingCacheOptions>? configure = null)
    {
        Options = configure?.Invoke(Defaults) ?? Defaults;
        Cache = new RefreshingCache<Box>(Source, Options, Time);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 2, 6, 0, 0, TimeSpan.Zero));

    public ScriptedSource Source { get; } = new();

    public RefreshingCacheOptions Options { get; }

    public RefreshingCache<Box> Cache { get; }

    /// <summary>Advances the clock (firing the cache's timer) and lets the fetch it started finish.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        await SettleAsync();
    }

    public Task SettleAsync() => Cache.WhenFetchSettledAsync().WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>A call that must be answered synchronously from the cache.</summary>
    public Box Hit() => TryHit() ?? throw new Xunit.Sdk.XunitException("The call was not answered synchronously with a value.");

    public Box? TryHit()
    {
#pragma warning disable CA2012 // Completion is checked before Result is read: that check is what the tests assert.
        var call = Cache.GetAsync();
        return call.IsCompletedSuccessfully ? call.Result : null;
#pragma warning restore CA2012
    }

    public async Task<UnavailableException> UnavailableAsync() =>
        await Assert.ThrowsAsync<UnavailableException>(async () => await Cache.GetAsync());

    public void Dispose() => Cache.Dispose();
}
