using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace TokenFunction.Secrets;

public static class SecretsServiceCollectionExtensions
{
    /// <summary>Registers the <see cref="IKeyProvider"/> chosen by configuration.</summary>
    public static IServiceCollection AddKeyProvider(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var apiKey = configuration["LIVEKIT_API_KEY"];
        var apiSecret = configuration["LIVEKIT_API_SECRET"];
        if (string.IsNullOrEmpty(apiKey) || string.IsNullOrEmpty(apiSecret))
        {
            throw new InvalidOperationException("Set LIVEKIT_API_KEY and LIVEKIT_API_SECRET (see local.settings.sample.json).");
        }

        services.AddSingleton<IKeyProvider>(new StaticKeyProvider(new ApiCredentials(apiKey, apiSecret)));
        return services;
    }
}
