using System.Diagnostics;

namespace TokenFunction.Caching;

/// <summary>Starts a read that many callers share: every fetch of a <see cref="RefreshingCache{T}"/>.</summary>
internal static class SharedFetch
{
    private static readonly AsyncLocal<ActivityContext> s_startedFor = new();

    /// <summary>
    /// Inside a shared fetch: the span of the invocation that started it (default for a timer's refresh), so the
    /// fetch's own spans are that invocation's children although the fetch runs outside its context.
    /// </summary>
    public static ActivityContext StartedFor => s_startedFor.Value;

    /// <summary>
    /// Runs <paramref name="fetch"/> on the thread pool, outside the execution context of whichever request started it
    /// (so it is not traced as part of that request), and observes its failure: background refreshes have no awaiter,
    /// and their failures are logged by the fetch itself.
    /// </summary>
    public static Task<T> Start<T>(Func<Task<T>> fetch)
    {
        var startedFor = Activity.Current?.Context ?? default;
        Task<T> task;
        using (ExecutionContext.SuppressFlow())
        {
            task = Task.Run(() =>
            {
                s_startedFor.Value = startedFor;
                return fetch();
            });
        }

        _ = task.ContinueWith(
            static t => _ = t.Exception,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return task;
    }
}
