using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace TokenFunction.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>Registers the <see cref="ICallerAuthenticator"/> chosen by configuration.</summary>
    public static IServiceCollection AddCallerAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<ICallerAuthenticator, AnonymousCallerAuthenticator>();
        return services;
    }
}
