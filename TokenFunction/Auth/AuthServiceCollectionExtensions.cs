using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TokenFunction.Auth;

internal static class AuthServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="ICallerAuthenticator"/> chosen by the <c>Auth</c> configuration section, with its
    /// settings validated when the host starts (a bad value stops start-up with a message naming the setting).
    /// </summary>
    public static IServiceCollection AddCallerAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // A misspelt Auth__ name must not leave the app in a weaker mode than the operator meant: it stops start-up.
        var section = configuration.GetSection(CallerAuthenticationOptions.SectionName);
        services.AddOptions<CallerAuthenticationOptions>()
            .Bind(section, binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CallerAuthenticationOptions>>(new CallerAuthenticationOptionsValidator(section)));
        services.AddSingleton<ICallerAuthenticator>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<CallerAuthenticationOptions>>();
            return options.Value.Mode == CallerAuthenticationMode.Bearer
                ? new BearerCallerAuthenticator(options, sp.GetRequiredService<ILogger<BearerCallerAuthenticator>>())
                : new FunctionKeyOnlyAuthenticator();
        });
        services.AddHostedService<CallerAuthenticationWarmUpService>();
        return services;
    }
}
