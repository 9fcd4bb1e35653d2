using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TokenFunction.Policy;
using TokenFunction.Sandbox;

namespace TokenFunction.Http;

public static class HttpServiceCollectionExtensions
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
        services.TryAddSingleton<TokenEndpoint>();
        return services;
    }
}
