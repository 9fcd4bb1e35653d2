using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenFunction.Auth;
using TokenFunction.Policy;
using TokenFunction.Sandbox;
using TokenFunction.Secrets;

namespace TokenFunction.Http;

internal static class HttpServiceCollectionExtensions
{
    /// <summary>
    /// Registers the endpoint both token routes share, with what it stands on: the policy (<c>LIVEKIT_URL</c> and the
    /// <c>TokenPolicy</c> section) and the sandbox routes' gate, each validated when the host starts.
    /// </summary>
    public static IServiceCollection AddTokenEndpoint(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddTokenPolicy(configuration);
        services.AddSandbox(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new TokenEndpoint(
            provider.GetRequiredService<IApiCredentialsProvider>(),
            provider.GetRequiredService<ICallerAuthenticator>(),
            provider.GetRequiredService<TokenPolicy>(),
            provider.GetRequiredService<IOptions<LiveKitServerOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<TokenEndpoint>>()));
        return services;
    }
}
