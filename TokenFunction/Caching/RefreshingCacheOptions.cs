namespace TokenFunction.Caching;

/// <summary>When a <see cref="RefreshingCache{T}"/> refreshes, how long it may serve a value, and how it backs off.</summary>
internal sealed record RefreshingCacheOptions
{
    /// <summary>What is cached, for messages: e.g. "Key Vault secret 'x'". Never a value.</summary>
    public required string Subject { get; init; }

    /// <summary>Since a load: when a refresh starts. Callers keep getting the loaded value meanwhile.</summary>
    public required TimeSpan RefreshAfter { get; init; }

    /// <summary>
    /// Since a load: how long the value may be served at all, while refreshes fail included (at least
    /// <see cref="RefreshAfter"/>). <see cref="Timeout.InfiniteTimeSpan"/>: until a newer value replaces it.
    /// </summary>
    public TimeSpan ServeFor { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Bounds one whole fetch; a fetch still running then counts as a failure (a <see cref="TimeoutException"/>).</summary>
    public required TimeSpan FetchTimeout { get; init; }

    /// <summary>The wait after a first failure; it doubles per consecutive failure up to <see cref="LongestRetry"/>.</summary>
    public required TimeSpan FirstRetry { get; init; }

    /// <summary>The longest computed wait. A longer delay the source asks for (e.g. Retry-After) is still honoured.</summary>
    public required TimeSpan LongestRetry { get; init; }

    /// <summary>
    /// Zero, or the least time between the starts of two forced refreshes (<see cref="RefreshingCache{T}.RefreshAsync"/>);
    /// while a value is cached, also the least time from the start of a failed attempt to the next one. Guards the
    /// source against callers that can ask for refreshes at will (e.g. tokens naming made-up key ids).
    /// </summary>
    public TimeSpan ForcedRefreshSpacing { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// True: a timer starts each refresh and retry, so the value loads, refreshes and recovers without any caller.
    /// False: only callers start them.
    /// </summary>
    public bool RefreshOnTimer { get; init; }

    /// <summary>Throws when the settings contradict each other (the owners validate their own settings first).</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Subject);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RefreshAfter, TimeSpan.Zero);
        if (ServeFor != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(ServeFor, RefreshAfter);
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(FetchTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(FirstRetry, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(LongestRetry, FirstRetry);
        ArgumentOutOfRangeException.ThrowIfLessThan(ForcedRefreshSpacing, TimeSpan.Zero);
    }
}
