namespace TokenFunction.Secrets;

/// <summary>Starts a read that many callers share (the key provider's and the bearer metadata cache's).</summary>
internal static class SharedFetch
{
    /// <summary>
    /// Runs <paramref name="fetch"/> on the thread pool, outside the execution context of whichever request started it
    /// (so it is not traced as part of that request), and observes its failure: background refreshes have no awaiter,
    /// and their failures are logged by the fetch itself.
    /// </summary>
    public static Task<T> Start<T>(Func<Task<T>> fetch)
    {
        Task<T> task;
        using (ExecutionContext.SuppressFlow())
        {
            task = Task.Run(fetch);
        }

        _ = task.ContinueWith(
            static t => _ = t.Exception,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return task;
    }
}
