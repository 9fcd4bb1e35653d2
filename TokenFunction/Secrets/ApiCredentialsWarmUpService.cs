using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TokenFunction.Secrets;

/// <summary>
/// Loads the key pair while the host starts, so the first request rarely waits on Key Vault. Waits at most
/// <see cref="KeyVaultApiCredentialsOptions.WarmUpTimeout"/>: a vault that is down must not keep the app from starting
/// (health then reports not ready and the provider keeps retrying on its own). A timeout of zero means no wait at all:
/// the first read still starts here, so the pair loads (and failures are retried) without waiting for a request.
/// </summary>
internal sealed partial class ApiCredentialsWarmUpService(
    KeyVaultApiCredentialsProvider provider,
    IOptions<KeyVaultApiCredentialsOptions> options,
    TimeProvider timeProvider,
    ILogger<ApiCredentialsWarmUpService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var timeout = options.Value.WarmUpTimeout;
        if (timeout <= TimeSpan.Zero)
        {
            provider.StartLoading();
            LogNotWaiting(logger);
            return;
        }

        using var deadline = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        bool loaded;
        try
        {
            loaded = await provider.WarmUpAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            loaded = false;
        }

        if (!loaded)
        {
            LogNotWarm(logger, timeout);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Warning,
        "The LiveKit key pair was not loaded from Key Vault within {Timeout} of start-up; starting anyway. "
        + "Token requests answer 503 until it loads; the provider keeps retrying.")]
    private static partial void LogNotWarm(ILogger logger, TimeSpan timeout);

    [LoggerMessage(2, LogLevel.Information,
        "KEY_VAULT_WARMUP_TIMEOUT_SECONDS is 0: starting without waiting for the LiveKit key pair, which loads in the background.")]
    private static partial void LogNotWaiting(ILogger logger);
}
