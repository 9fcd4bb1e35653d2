using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace TokenFunction.Caching;

/// <summary>
/// A value read from a slow or failing source (a vault, an identity provider), served from memory: one fetch at a time
/// shared by every caller, refreshes in the background, backoff after failures (or the source's requested delay), the
/// last good value served while refreshes fail up to a deadline, and a bound on each fetch. Time is a
/// <see cref="TimeProvider"/>'s, so all of it runs on a fake clock in tests.
/// </summary>
/// <remarks>
/// A hit before the refresh point is a volatile read, one cheap clock read and a compare, completed synchronously
/// without allocating. From the refresh point on, hits read the precise clock, so nothing is served past
/// <see cref="RefreshingCacheOptions.ServeFor"/> whatever the timers do: timers and callers only start fetches.
/// </remarks>
internal sealed partial class RefreshingCache<T> : IDisposable
    where T : class
{
    // Far more than a coarse clock's tick (1-16 ms), far less than any refresh interval worth caching for.
    private static readonly TimeSpan s_coarseMargin = TimeSpan.FromMilliseconds(50);

    // ITimer implementations refuse longer due times (uint milliseconds); firing that early only refreshes early.
    private static readonly TimeSpan s_longestTimer = TimeSpan.FromDays(49);

    private readonly ICacheSource<T> _source;
    private readonly RefreshingCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly long _refreshAfter;
    private readonly long _serveFor;
    private readonly long _forcedSpacing;
    private readonly bool _coarseHitClock;
    private readonly long _hitWindow;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ITimer? _timer;

    // Swapped as one object: a reader sees the old value or the new one, with its own deadlines.
    private volatile Entry? _entry;

    // Guarded by _gate (_inflight and _retryAt are also read without it, as a pre-check only).
    private Task<T>? _inflight;
    private Task _lastFetch = Task.CompletedTask;
    private int _failures;
    private bool _lastFailed;
    private long _retryAt;
    private long _forcedAt;
    private bool _disposed;

    public RefreshingCache(ICacheSource<T> source, RefreshingCacheOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        _source = source;
        _options = options;
        _time = timeProvider;
        _refreshAfter = ToTimestampTicks(options.RefreshAfter);
        _serveFor = options.ServeFor == Timeout.InfiniteTimeSpan ? long.MaxValue : ToTimestampTicks(options.ServeFor);
        _forcedSpacing = ToTimestampTicks(options.ForcedRefreshSpacing);

        // The system clock (Stopwatch) costs 30-60 ns a read on this project's VMs, ten times a whole cached hit, so with
        // it the hit path reads Environment.TickCount64 (milliseconds; CLOCK_MONOTONIC_COARSE on Linux): a few ns, but up
        // to one scheduler tick behind, so its window closes s_coarseMargin early. Other clocks (tests) are read directly.
        _coarseHitClock = ReferenceEquals(timeProvider, TimeProvider.System);
        _hitWindow = _coarseHitClock ? (long)(options.RefreshAfter - s_coarseMargin).TotalMilliseconds : _refreshAfter;
        if (options.RefreshOnTimer)
        {
            _timer = timeProvider.CreateTimer(
                static state => ((RefreshingCache<T>)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>True while a value is loaded and within <see cref="RefreshingCacheOptions.ServeFor"/> of its load.</summary>
    public bool HasServableValue => _entry is { } entry && _time.GetTimestamp() < entry.ServeUntil;

    /// <summary>The loaded value now, even past its deadline (for gauges and diagnostics), or null before the first load.</summary>
    public CachedValue<T>? Peek() => _entry is { } entry ? Snapshot(entry, _time.GetTimestamp()) : null;

    /// <summary>The hit path alone, small enough to inline into a caller's: the value while no refresh is due.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetFresh([NotNullWhen(true)] out T? value)
    {
        if (_entry is { } entry && HitClock() < entry.HitUntil)
        {
            value = entry.Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>
    /// The cached value (starting a background refresh when one is due), or the shared fetch's result when nothing can
    /// be served. Throws <see cref="ICacheSource{T}.Unavailable"/>'s exception while the source fails.
    /// </summary>
    public ValueTask<T> GetAsync(CancellationToken cancellationToken = default)
    {
        if (TryGetFresh(out var fresh))
        {
            return new ValueTask<T>(fresh);
        }

        var entry = _entry;
        if (entry is not null)
        {
            var now = _time.GetTimestamp();
            if (now < entry.ServeUntil)
            {
                if (now >= entry.RefreshAt)
                {
                    RefreshInBackground(now);
                }

                return new ValueTask<T>(entry.Value);
            }
        }

        return JoinOrStart(forced: false, stale: null, cancellationToken);
    }

    /// <summary>
    /// After a caller found <paramref name="stale"/> wanting (e.g. a token names a key it lacks): a newer value, or
    /// <paramref name="stale"/> itself while <see cref="RefreshingCacheOptions.ForcedRefreshSpacing"/> forbids another
    /// fetch and the last attempt succeeded. Throws <see cref="ICacheSource{T}.Unavailable"/>'s exception while the source fails.
    /// </summary>
    public ValueTask<T> RefreshAsync(T stale, CancellationToken cancellationToken) =>
        JoinOrStart(forced: true, stale, cancellationToken);

    /// <summary>Starts the first load in the background unless a value is cached, a fetch is in flight or a retry is pending.</summary>
    public void StartLoading()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (_entry is null && _inflight is null && !_disposed && now >= _retryAt)
            {
                StartFetch(now);
            }
        }
    }

    /// <summary>Completes when the latest fetch (if any) has finished, its hooks included. For tests.</summary>
    internal Task WhenFetchSettledAsync()
    {
        Task last;
        lock (_gate)
        {
            last = _lastFetch;
        }

        return last.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _timer?.Dispose();
        _shutdown.Cancel();
    }

    private ValueTask<T> JoinOrStart(bool forced, T? stale, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        Task<T> fetch;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _time.GetTimestamp();
            var entry = _entry is { } loaded && now < loaded.ServeUntil ? loaded : null;
            if (entry is not null && !ReferenceEquals(entry.Value, stale))
            {
                // Loaded or replaced by another caller's fetch since this caller looked.
                return new ValueTask<T>(entry.Value);
            }

            if (_inflight is null)
            {
                var allowedAt = forced ? Math.Max(_retryAt, _forcedAt) : _retryAt;
                if (now < allowedAt)
                {
                    // Backing off (maybe as the source asked): answer at once, without asking the source.
                    return entry is null || _lastFailed
                        ? ValueTask.FromException<T>(_source.Unavailable(_time.GetElapsedTime(now, allowedAt), null))
                        : new ValueTask<T>(entry.Value);
                }

                if (forced)
                {
                    _forcedAt = SaturatingAdd(now, _forcedSpacing);
                }

                StartFetch(now);
            }

            fetch = _inflight!;
        }

        // A caller that gives up stops waiting; the shared fetch carries on for everyone else.
        return new ValueTask<T>(fetch.WaitAsync(cancellationToken));
    }

    private void RefreshInBackground(long now)
    {
        // Unlocked pre-check, so that readers in the refresh window or in an outage do not contend on the lock.
        if (Volatile.Read(ref _inflight) is not null || now < Volatile.Read(ref _retryAt))
        {
            return;
        }

        lock (_gate)
        {
            if (_inflight is null && now >= _retryAt && !_disposed)
            {
                StartFetch(now);
            }
        }
    }

    private CachedValue<T> Snapshot(Entry entry, long now) => new(
        entry.Value,
        _time.GetElapsedTime(entry.LoadedAt, now),
        entry.ServeUntil == long.MaxValue ? Timeout.InfiniteTimeSpan
            : now < entry.ServeUntil ? _time.GetElapsedTime(now, entry.ServeUntil) : TimeSpan.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long HitClock() => _coarseHitClock ? Environment.TickCount64 : _time.GetTimestamp();

    private long ToTimestampTicks(TimeSpan span)
    {
        var ticks = span.Ticks * ((double)_time.TimestampFrequency / TimeSpan.TicksPerSecond);
        return ticks >= long.MaxValue ? long.MaxValue : (long)ticks;
    }

    private static long SaturatingAdd(long at, long ticks) => ticks > long.MaxValue - at ? long.MaxValue : at + ticks;

    /// <param name="HitUntil">On the hit clock: until then a hit needs nothing else (at or before <paramref name="RefreshAt"/>).</param>
    private sealed record Entry(T Value, long LoadedAt, long HitUntil, long RefreshAt, long ServeUntil);
}
