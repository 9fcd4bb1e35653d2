using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TokenFunction.Http;
using TokenFunction.Sandbox;

namespace TokenFunction.Policy;

public static class PolicyServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>LIVEKIT_URL</c> and the <c>TokenPolicy</c> section, validated when the host starts (a bad value stops
    /// start-up naming the setting), and registers the policy and the endpoint both token routes share.
    /// </summary>
    public static IServiceCollection AddTokenEndpoint(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<LiveKitServerOptions>()
            .Configure(options => options.Url = configuration[LiveKitServerOptions.UrlSetting] ?? "")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LiveKitServerOptions>, LiveKitServerOptionsValidator>());

        // A misspelt policy setting is an error, not a silently ignored default.
        services.AddOptions<TokenPolicyOptions>()
            .Bind(configuration.GetSection(TokenPolicyOptions.SectionName), binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TokenPolicyOptions>, TokenPolicyOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TokenPolicy>();
        services.TryAddSingleton<TokenEndpoint>();
        services.AddSandbox(configuration);
        return services;
    }
}
