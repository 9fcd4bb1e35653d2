namespace TokenFunction.Tests.Support;

/// <summary>
/// Counts calls into a fake (a vault, a cache's source) and lets a test wait for the n-th: signalled by the fake
/// itself, so nothing waits on the clock. The timeout is a hang guard only.
/// </summary>
internal sealed class CallCounter
{
    private readonly Lock _gate = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private int _count;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Counts one call; <paramref name="record"/> runs under the same lock, before any waiter is released.</summary>
    public void Add(Action? record = null)
    {
        lock (_gate)
        {
            _count++;
            record?.Invoke();
            foreach (var waiter in _waiters.Where(w => w.Count <= _count).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Reached.SetResult();
            }
        }
    }

    public Task WhenReachesAsync(int count)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_count >= count)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((count, reached));
        }

        return reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}

/// <summary>Many callers on the thread pool, all of them inside their call before the test goes on.</summary>
internal static class ConcurrentCallers
{
    /// <summary>Starts <paramref name="count"/> calls and returns once every one has been made (not completed).</summary>
    public static async Task<Task<T>[]> StartAsync<T>(int count, Func<ValueTask<T>> call)
    {
        var entered = 0;
        var allEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
        {
            var pending = call();
            if (Interlocked.Increment(ref entered) == count)
            {
                allEntered.SetResult();
            }

            return await pending;
        })).ToArray();
        await allEntered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return callers;
    }
}
