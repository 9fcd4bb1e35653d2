using System.Diagnostics;

namespace TokenFunction.Caching;

/// <summary>The fetch: started by a caller, the timer or a warm-up; published, or failed with the next attempt scheduled.</summary>
internal sealed partial class RefreshingCache<T>
{
    // The timer only starts fetches (firing early or late changes nothing else): what may be served is decided by the
    // clock on every read.
    private void OnTimer()
    {
        lock (_gate)
        {
            if (_inflight is null && !_disposed)
            {
                StartFetch(_time.GetTimestamp());
            }
        }
    }

    // Caller holds _gate. SharedFetch.Start runs the fetch on the thread pool, so it cannot take _gate to publish its
    // result (and clear _inflight) before _inflight is assigned here.
    private void StartFetch(long attemptStart)
    {
        var fetch = SharedFetch.Start(() => FetchAsync(attemptStart));
        _inflight = fetch;
        _lastFetch = fetch;
    }

    private async Task<T> FetchAsync(long attemptStart)
    {
        var span = _source.StartFetchSpan(SharedFetch.StartedFor);
        using var deadline = new CancellationTokenSource(_options.FetchTimeout, _time);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, _shutdown.Token);
        T? value = null;
        Exception? failure = null;
        try
        {
            value = await _source.FetchAsync(cancellation.Token).ConfigureAwait(false)
                ?? throw new InvalidDataException($"{_options.Subject}: the source returned nothing.");
        }
        catch (Exception) when (_shutdown.IsCancellationRequested)
        {
            // Disposed: nothing to retry, nothing to report.
            span?.Dispose();
            lock (_gate)
            {
                _inflight = null;
            }

            throw;
        }
        catch (Exception exception) when (deadline.IsCancellationRequested)
        {
            // Whatever the source made of the cancellation (OperationCanceledException, an SDK's own exception, ...).
            failure = new TimeoutException($"{_options.Subject} could not be read within {_options.FetchTimeout}.", exception);
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        if (failure is not null)
        {
            throw Fail(attemptStart, failure, span);
        }

        Publish(value!, span);
        return value!;
    }

    private void Publish(T value, Activity? span)
    {
        var now = _time.GetTimestamp();
        var entry = new Entry(
            value, now, SaturatingAdd(HitClock(), _hitWindow), SaturatingAdd(now, _refreshAfter), SaturatingAdd(now, _serveFor));
        Entry? previous;
        lock (_gate)
        {
            previous = _entry;
            _entry = entry;
            _failures = 0;
            _lastFailed = false;
            _retryAt = 0;
            _inflight = null;
        }

        Rearm(_time.GetElapsedTime(now, entry.RefreshAt));
        _source.Loaded(previous?.Value, value, span);
        span?.Dispose();
    }

    private Exception Fail(long attemptStart, Exception failure, Activity? span)
    {
        var failedAt = _time.GetTimestamp();
        var requested = _source.RequestedDelay(failure);
        Entry? entry;
        long retryAt;
        lock (_gate)
        {
            _failures++;
            _lastFailed = true;
            var delay = Backoff(_failures);
            retryAt = SaturatingAdd(failedAt, ToTimestampTicks(requested > delay ? requested.Value : delay));
            entry = _entry;
            if (entry is not null)
            {
                retryAt = Math.Max(retryAt, SaturatingAdd(attemptStart, _forcedSpacing));
            }

            _retryAt = retryAt;
            _inflight = null;
        }

        var retryIn = _time.GetElapsedTime(failedAt, retryAt);
        Rearm(retryIn);
        _source.Failed(failure, retryIn, entry is not null && failedAt < entry.ServeUntil ? Snapshot(entry, failedAt) : null, span);
        if (span is not null)
        {
            // The type only: a message could quote what the source answered.
            span.SetStatus(ActivityStatusCode.Error, failure.GetType().Name);
            span.Dispose();
        }

        return _source.Unavailable(retryIn, failure);
    }

    private TimeSpan Backoff(int failures)
    {
        var exponent = Math.Min(failures - 1, 30);
        return TimeSpan.FromTicks((long)Math.Min(_options.FirstRetry.Ticks * Math.Pow(2, exponent), _options.LongestRetry.Ticks));
    }

    private void Rearm(TimeSpan dueIn)
    {
        if (_timer is null)
        {
            return;
        }

        try
        {
            _timer.Change(dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn > s_longestTimer ? s_longestTimer : dueIn, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed while the fetch was in flight: nothing left to schedule.
        }
    }
}
