using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TokenFunction.Policy;

internal static class PolicyServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>LIVEKIT_URL</c> and the <c>TokenPolicy</c> section, validated when the host starts (a bad value stops
    /// start-up naming the setting), and registers the policy.
    /// </summary>
    public static IServiceCollection AddTokenPolicy(this IServiceCollection services, IConfiguration configuration)
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

        // What callers may choose, in one section; the settings it replaced are still read for a release, and reported.
        services.AddOptions<CallerChoicesOptions>()
            .Bind(configuration.GetSection(CallerChoicesOptions.SectionName), binder => binder.ErrorOnUnknownConfiguration = true)
            .PostConfigure(options => DeprecatedCallerSettings.Apply(configuration, options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CallerChoicesOptions>>(new DeprecatedCallerSettings.Validator(configuration)));
        services.AddHostedService(sp => new DeprecatedCallerSettings.Reporter(configuration, sp.GetRequiredService<ILogger<CallerChoicesOptions>>()));

        services.TryAddSingleton<TokenPolicy>();
        return services;
    }
}
