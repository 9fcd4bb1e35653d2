using System.Diagnostics;

namespace TokenFunction.Caching;

/// <summary>
/// What a <see cref="RefreshingCache{T}"/> needs from its owner: how to read the value, what callers get when none can
/// be served, and (optionally) its telemetry. The cache calls these from its one fetch at a time, on the thread pool.
/// </summary>
internal interface ICacheSource<T>
    where T : class
{
    /// <summary>
    /// Reads the value. Runs outside the execution context of the caller that needed it; <see cref="SharedFetch.StartedFor"/>
    /// names that caller's span. <paramref name="cancellationToken"/> fires at the fetch timeout or when the cache is disposed.
    /// </summary>
    Task<T> FetchAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The exception a caller gets when nothing can be served: <paramref name="retryAfter"/> is the time to the next
    /// attempt; <paramref name="failure"/> what the last attempt threw, or null while backing off without one.
    /// Its message must not quote the failure's (it may carry what the source answered).
    /// </summary>
    Exception Unavailable(TimeSpan retryAfter, Exception? failure);

    /// <summary>How long the source asked to wait before the next attempt (e.g. Retry-After), or null when it did not say.</summary>
    TimeSpan? RequestedDelay(Exception failure) => null;

    /// <summary>A span for one fetch, child of <paramref name="startedFor"/> (default: a root); null for none.</summary>
    Activity? StartFetchSpan(ActivityContext startedFor) => null;

    /// <summary>A fetch succeeded and <paramref name="current"/> replaced <paramref name="previous"/> (null on the first load).</summary>
    /// <param name="span">The fetch's span, if any, to tag; the cache ends it afterwards.</param>
    void Loaded(T? previous, T current, Activity? span)
    {
    }

    /// <summary>
    /// A fetch failed (a timeout is a <see cref="TimeoutException"/>); the next attempt is in <paramref name="retryIn"/>.
    /// <paramref name="servingStale"/> is the value still being served, or null when callers now get <see cref="Unavailable"/>.
    /// </summary>
    /// <param name="span">The fetch's span, if any, to tag; the cache marks it failed (the exception's type only) and ends it.</param>
    void Failed(Exception failure, TimeSpan retryIn, CachedValue<T>? servingStale, Activity? span)
    {
    }
}

/// <summary>A cached value as of one moment: how old it is and how much longer it may be served.</summary>
/// <param name="ServableFor">Zero once past the deadline; <see cref="Timeout.InfiniteTimeSpan"/> when there is none.</param>
internal readonly record struct CachedValue<T>(T Value, TimeSpan Age, TimeSpan ServableFor);
