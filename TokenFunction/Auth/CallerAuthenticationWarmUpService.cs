using Microsoft.Extensions.Hosting;

namespace TokenFunction.Auth;

/// <summary>
/// In bearer mode, fetches the identity provider's discovery document and keys while the host starts, so the first
/// caller does not wait for them. Runs in the background: an unreachable identity provider must not hold up start-up.
/// </summary>
internal sealed class CallerAuthenticationWarmUpService(ICallerAuthenticator authenticator) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (authenticator is BearerCallerAuthenticator bearer)
        {
            _ = Task.Run(() => bearer.WarmUpAsync(_stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await _stopping.CancelAsync().ConfigureAwait(false);

    public void Dispose() => _stopping.Dispose();
}
