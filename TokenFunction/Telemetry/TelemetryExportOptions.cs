using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TokenFunction.Telemetry;

/// <summary>
/// How much of what the worker records is exported. Metrics are always exported whole (counters and histograms are
/// aggregates, not samples); traces are head-sampled and logs are filtered by level, as production services do, so
/// exporting costs the same at 10 or 10,000 requests a second.
/// </summary>
internal sealed class TelemetryExportOptions
{
    /// <summary>
    /// OpenTelemetry's standard sampler setting (<c>always_on</c>, <c>parentbased_traceidratio</c>, ...), read by the SDK
    /// itself when present (https://opentelemetry.io/docs/languages/dotnet/sampling/); when absent the service uses
    /// <c>parentbased_traceidratio</c> with <see cref="TraceSamplingRatio"/>.
    /// </summary>
    public const string SamplerSetting = "OTEL_TRACES_SAMPLER";

    /// <summary>The sampler's argument: for the ratio samplers, the fraction of traces kept (0 to 1).</summary>
    public const string SamplerArgumentSetting = "OTEL_TRACES_SAMPLER_ARG";

    /// <summary>
    /// Overrides the level below which logs are not exported (standard .NET logging configuration, provider alias
    /// <c>OpenTelemetry</c>, https://learn.microsoft.com/dotnet/api/microsoft.extensions.logging.provideraliasattribute).
    /// Logs still reach the Functions host's own log stream at the app's general level.
    /// </summary>
    public const string ExportedLogLevelSetting = "Logging:OpenTelemetry:LogLevel:Default";

    /// <summary>One trace in twenty: enough to see where time goes, not so many that exporting costs throughput.</summary>
    public const double DefaultTraceSamplingRatio = 0.05;

    /// <summary>Logs at this level and above are exported by default: failures and warnings, not every token issued.</summary>
    public const LogLevel DefaultExportedLogLevel = LogLevel.Warning;

    /// <summary>
    /// The service's own log category (the root of its namespaces): configuring it (standard .NET logging, e.g. the
    /// app setting <c>Logging__LogLevel__TokenFunction=Information</c>) overrides <see cref="DefaultForwardedLogLevel"/>.
    /// </summary>
    public const string ServiceLogCategory = "TokenFunction";

    /// <summary>The configuration key of <see cref="ServiceLogCategory"/>'s level for every provider without a rule of its own.</summary>
    public const string ForwardedLogLevelSetting = "Logging:LogLevel:" + ServiceLogCategory;

    /// <summary>
    /// The service's lines below this level reach no logger provider but OpenTelemetry's by default: the per-request
    /// Information lines would otherwise cross the worker's gRPC channel to the Functions host on every token.
    /// </summary>
    public const LogLevel DefaultForwardedLogLevel = LogLevel.Warning;

    // Samplers whose argument is a ratio: the OpenTelemetry SDK's, and the Azure Monitor exporter's fixed-percentage one
    // (its rate-limited one takes traces per second; both names are in Azure.Monitor.OpenTelemetry.Exporter 1.10.0).
    private static readonly string[] s_ratioSamplers = ["traceidratio", "parentbased_traceidratio", "microsoft.fixed_percentage"];

    /// <summary>The sampler named by <see cref="SamplerSetting"/>, or null: the service's default applies.</summary>
    public string? Sampler { get; set; }

    /// <summary>The raw <see cref="SamplerArgumentSetting"/>, kept so start-up can say what was wrong with it.</summary>
    public string? SamplerArgument { get; set; }

    /// <summary>The fraction of traces (by trace id) recorded when no <see cref="Sampler"/> is named.</summary>
    public double TraceSamplingRatio { get; set; } = DefaultTraceSamplingRatio;

    /// <summary>Whether the SDK (or the Azure Monitor exporter) chooses the sampler from the standard settings.</summary>
    public bool SamplerFromEnvironment => !string.IsNullOrWhiteSpace(Sampler);

    internal static void Bind(IConfiguration configuration, TelemetryExportOptions options)
    {
        options.Sampler = configuration[SamplerSetting]?.Trim();
        options.SamplerArgument = configuration[SamplerArgumentSetting]?.Trim();
        if (!options.SamplerFromEnvironment && TryParseRatio(options.SamplerArgument, out var ratio))
        {
            options.TraceSamplingRatio = ratio;
        }
    }

    internal static bool IsRatioSampler(string? sampler) =>
        string.IsNullOrWhiteSpace(sampler) || s_ratioSamplers.Contains(sampler.Trim(), StringComparer.OrdinalIgnoreCase);

    internal static bool TryParseRatio(string? text, out double ratio) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out ratio) && ratio is >= 0 and <= 1;
}

/// <summary>
/// Refuses a sampling ratio that is not a number from 0 to 1 at start-up: the SDK would otherwise fall back to its own
/// default without a word, and the operator would pay for (or lose) traces they did not ask for.
/// </summary>
internal sealed class TelemetryExportOptionsValidator : IValidateOptions<TelemetryExportOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TraceSamplingRatio is not (>= 0 and <= 1) || double.IsNaN(options.TraceSamplingRatio))
        {
            return ValidateOptionsResult.Fail("The trace sampling ratio must be between 0 and 1.");
        }

        if (!string.IsNullOrEmpty(options.SamplerArgument) && TelemetryExportOptions.IsRatioSampler(options.Sampler)
            && !TelemetryExportOptions.TryParseRatio(options.SamplerArgument, out _))
        {
            return ValidateOptionsResult.Fail(
                $"{TelemetryExportOptions.SamplerArgumentSetting} must be a number from 0 to 1 (the fraction of traces kept), "
                + $"such as 0.05; it is '{options.SamplerArgument}'.");
        }

        return ValidateOptionsResult.Success;
    }
}
