using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;

namespace TokenFunction.Telemetry;

public static class TelemetryServiceCollectionExtensions
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
    /// is added only when its setting is present, so a local run exports nothing and needs nothing.
    /// </summary>
    public static IServiceCollection AddTokenServiceTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithMetrics(metrics => metrics.AddMeter(TokenServiceTelemetry.Name))
            .WithTracing(tracing => tracing.AddSource(TokenServiceTelemetry.Name));

        var connectionString = configuration[ConnectionStringSetting];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var credential = CreateCredential(configuration[AuthenticationStringSetting]);
            builder.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                if (credential is not null)
                {
                    options.Credential = credential;
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
