using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace TokenFunction.Telemetry;

internal static class TelemetryServiceCollectionExtensions
{
    /// <summary>Application Insights: where to send (Learn: azure-functions/opentelemetry-howto).</summary>
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// <c>Authorization=AAD</c> (system-assigned identity) or <c>Authorization=AAD;ClientId=&lt;id&gt;</c> (user-assigned):
    /// send with a Microsoft Entra token, as Application Insights with local auth off requires
    /// (https://learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication).
    /// </summary>
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>Any OTLP collector (https://opentelemetry.io/docs/languages/sdk-configuration/otlp-exporter/).</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// OpenTelemetry in the worker as Microsoft documents it for isolated workers
    /// (https://learn.microsoft.com/azure/azure-functions/opentelemetry-howto: <c>UseFunctionsWorkerDefaults</c>, then
    /// <c>UseAzureMonitorExporter</c> and/or <c>UseOtlpExporter</c>), with the service's own meter and spans. An exporter
    /// is added only when its setting is present, so a local run exports nothing and needs nothing. Traces are sampled
    /// and logs filtered by level before export (<see cref="TelemetryExportOptions"/>); metrics are exported whole.
    /// </summary>
    public static IServiceCollection AddTokenServiceTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TelemetryExportOptions>()
            .Configure(options => TelemetryExportOptions.Bind(configuration, options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryExportOptions>, TelemetryExportOptionsValidator>());
        services.AddExportedLogLevelDefault();
        services.AddForwardedLogLevelDefault();

        var connectionString = configuration[ConnectionStringSetting];
        var azureMonitor = !string.IsNullOrWhiteSpace(connectionString);
        var builder = services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithMetrics(metrics => metrics.AddMeter(TokenServiceTelemetry.Name))
            .WithTracing(tracing =>
            {
                tracing.AddSource(TokenServiceTelemetry.Name);

                // The Azure Monitor exporter installs its own sampler (from SamplingRatio below); the SDK reads
                // OTEL_TRACES_SAMPLER itself when set (https://opentelemetry.io/docs/languages/dotnet/sampling/).
                if (!azureMonitor && string.IsNullOrWhiteSpace(configuration[TelemetryExportOptions.SamplerSetting]))
                {
                    tracing.SetSampler(provider => CreateSampler(provider.GetRequiredService<IOptions<TelemetryExportOptions>>().Value));
                }
            });

        if (azureMonitor)
        {
            var credential = CreateCredential(configuration[AuthenticationStringSetting]);
            var samplerFromEnvironment = !string.IsNullOrWhiteSpace(configuration[TelemetryExportOptions.SamplerSetting]);
            builder.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                if (credential is not null)
                {
                    options.Credential = credential;
                }

                // The exporter drops a log written inside a trace it sampled out (EnableTraceBasedLogsSampler, on by
                // default since 1.5.0: its API docs and CHANGELOG). With 5 % of traces kept, a Key Vault failure met while
                // serving a request would reach Application Insights one time in twenty. Only Warning and up is exported
                // (TelemetryExportOptions.DefaultExportedLogLevel), so every such line can afford to arrive.
                options.EnableTraceBasedLogsSampler = false;

                // Its sampler replaces any set with SetSampler, so it gets our ratio: fixed-percentage (SamplingRatio)
                // rather than rate-limited (TracesPerSecond wins when both are set: the exporter's API docs, and
                // https://learn.microsoft.com/azure/azure-monitor/app/opentelemetry-configuration). OTEL_TRACES_SAMPLER=
                // microsoft.rate_limited or microsoft.fixed_percentage, when set, is the exporter's to read.
                if (!samplerFromEnvironment)
                {
                    var ratio = TelemetryExportOptions.TryParseRatio(configuration[TelemetryExportOptions.SamplerArgumentSetting], out var r)
                        ? r : TelemetryExportOptions.DefaultTraceSamplingRatio;
                    options.SamplingRatio = (float)ratio;
                    options.TracesPerSecond = null;
                }
            });
        }

        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]))
        {
            // Reads OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _HEADERS and the per-signal variants itself.
            builder.UseOtlpExporter();
        }

        return services;
    }

    /// <summary>
    /// Head sampling by trace id: a trace the caller (or the Functions host) already sampled stays whole, a new one is
    /// kept with probability <see cref="TelemetryExportOptions.TraceSamplingRatio"/>. Unsampled spans are never
    /// recorded, so they cost neither allocation nor export.
    /// </summary>
    internal static Sampler CreateSampler(TelemetryExportOptions options) =>
        new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSamplingRatio));

    /// <summary>
    /// Logs below <see cref="TelemetryExportOptions.DefaultExportedLogLevel"/> are not handed to the OpenTelemetry
    /// logger provider (a per-request Information line would otherwise be exported for every token). The rule is
    /// inserted first, so <c>Logging:OpenTelemetry:LogLevel:Default</c> in configuration (the provider's alias:
    /// https://learn.microsoft.com/dotnet/api/microsoft.extensions.logging.provideraliasattribute), an equally specific
    /// rule added after it, wins.
    /// </summary>
    internal static IServiceCollection AddExportedLogLevelDefault(this IServiceCollection services) =>
        services.Configure<LoggerFilterOptions>(options => options.Rules.Insert(0, new LoggerFilterRule(
            typeof(OpenTelemetryLoggerProvider).FullName, null, TelemetryExportOptions.DefaultExportedLogLevel, null)));

    /// <summary>
    /// The service's lines below <see cref="TelemetryExportOptions.DefaultForwardedLogLevel"/> (one per token issued or
    /// request refused) are not handed to the providers without a rule of their own. Under the Functions host that
    /// includes the worker's gRPC log provider, which sends each line it accepts to the host as a message of its own:
    /// worker and host CPU per token that buys nothing in Azure, where the host does not export the logs of a worker
    /// that exports its own telemetry (azure-functions-host, src/WebJobs.Script/Diagnostics/OpenTelemetry/
    /// OpenTelemetryConfigurationExtensions.cs, the <c>Function.*</c> filter). The counts are in the metrics; the
    /// OpenTelemetry provider keeps its own rule (<see cref="AddExportedLogLevelDefault"/>). Inserted first, so
    /// <c>Logging:LogLevel:TokenFunction</c> in configuration, an equally specific rule added after it, wins.
    /// </summary>
    internal static IServiceCollection AddForwardedLogLevelDefault(this IServiceCollection services) =>
        services.Configure<LoggerFilterOptions>(options => options.Rules.Insert(0, new LoggerFilterRule(
            null, TelemetryExportOptions.ServiceLogCategory, TelemetryExportOptions.DefaultForwardedLogLevel, null)));

    /// <summary>
    /// The managed identity named by <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c>, or null when it does not ask for
    /// Entra authentication (the connection string's key is then used, which a resource with local auth off refuses).
    /// </summary>
    internal static TokenCredential? CreateCredential(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        string? authorization = null, clientId = null;
        foreach (var part in authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var key = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            if (key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                authorization = value;
            }
            else if (key.Equals("ClientId", StringComparison.OrdinalIgnoreCase))
            {
                clientId = value;
            }
        }

        if (!string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return new ManagedIdentityCredential(string.IsNullOrEmpty(clientId)
            ? ManagedIdentityId.SystemAssigned
            : ManagedIdentityId.FromUserAssignedClientId(clientId));
    }
}
