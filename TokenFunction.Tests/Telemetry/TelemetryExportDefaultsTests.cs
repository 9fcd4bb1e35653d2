using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;
using TokenFunction.Contract;
using TokenFunction.Http;
using TokenFunction.Telemetry;
using TokenFunction.Tests.Support.Telemetry;

namespace TokenFunction.Tests.Telemetry;

/// <summary>
/// What leaves the process by default: a sample of traces at the configured ratio, logs from Warning up, and settings
/// that change both, checked at start-up. Runs in the telemetry group: the tracer provider listens to the static source.
/// </summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class TelemetryExportDefaultsTests
{
    private static ServiceProvider Services(Action<IServiceCollection>? extra, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build();
        var services = new ServiceCollection();
        // As FunctionsApplication.CreateBuilder does: logging configuration is bound before Program.cs adds telemetry.
        services.AddLogging(logging => logging.AddConfiguration(configuration.GetSection("Logging")).SetMinimumLevel(LogLevel.Trace));
        services.AddTokenServiceTelemetry(configuration);
        extra?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>Starts <paramref name="count"/> root spans on the service's source and counts those recorded.</summary>
    private static int RecordedRootSpans(ServiceProvider provider, int count, ActivityContext parent = default)
    {
        _ = provider.GetRequiredService<TracerProvider>();
        var recorded = 0;
        for (var i = 0; i < count; i++)
        {
            using var span = TokenServiceTelemetry.StartSpan("sampling probe", parent);
            recorded += span is { Recorded: true } ? 1 : 0;
        }

        return recorded;
    }

    [Fact]
    public void By_default_about_one_trace_in_twenty_is_recorded()
    {
        using var provider = Services(null);
        Assert.Equal(0.05, provider.GetRequiredService<IOptions<TelemetryExportOptions>>().Value.TraceSamplingRatio);

        // Binomial(2000, 0.05): mean 100, standard deviation under 10; these bounds are 5 deviations out.
        Assert.InRange(RecordedRootSpans(provider, 2000), 50, 150);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1", 500)]
    [InlineData("1.0", 500)]
    public void OTEL_TRACES_SAMPLER_ARG_sets_the_ratio(string argument, int expected)
    {
        using var provider = Services(null, (TelemetryExportOptions.SamplerArgumentSetting, argument));
        Assert.Equal(expected, RecordedRootSpans(provider, 500));
    }

    [Fact]
    public void A_trace_the_caller_sampled_is_kept_whole_whatever_the_ratio()
    {
        using var provider = Services(null, (TelemetryExportOptions.SamplerArgumentSetting, "0"));
        var sampledParent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        Assert.Equal(100, RecordedRootSpans(provider, 100, sampledParent));
    }

    [Fact]
    public void OTEL_TRACES_SAMPLER_when_set_is_the_SDKs_to_apply()
    {
        // always_on names the SDK's own sampler: every span recorded although our default would keep one in twenty.
        using var provider = Services(null, (TelemetryExportOptions.SamplerSetting, "always_on"));
        Assert.Equal(300, RecordedRootSpans(provider, 300));
    }

    [Theory]
    [InlineData(null, "1.5")]
    [InlineData(null, "-0.1")]
    [InlineData(null, "ten percent")]
    [InlineData("parentbased_traceidratio", "2")]
    public void A_sampling_ratio_that_is_not_between_0_and_1_fails_start_up(string? sampler, string argument)
    {
        var settings = new Dictionary<string, string?> { [TelemetryExportOptions.SamplerArgumentSetting] = argument };
        if (sampler is not null)
        {
            settings[TelemetryExportOptions.SamplerSetting] = sampler;
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddTokenServiceTelemetry(builder.Configuration);
        using var host = builder.Build();

        var failure = Assert.Throws<OptionsValidationException>(() => host.StartAsync().GetAwaiter().GetResult());
        Assert.Contains(TelemetryExportOptions.SamplerArgumentSetting, failure.Message, StringComparison.Ordinal);
        Assert.Contains(argument, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rate_limited_samplers_argument_is_not_read_as_a_ratio()
    {
        // The Azure Monitor exporter's rate-limited sampler takes traces per second, which may well exceed 1.
        using var provider = Services(null, (TelemetryExportOptions.SamplerSetting, "microsoft.rate_limited"), (TelemetryExportOptions.SamplerArgumentSetting, "5"));
        Assert.Null(Record.Exception(() => provider.GetRequiredService<IOptions<TelemetryExportOptions>>().Value));
    }

    /// <summary>The event ids of the endpoint's own log lines that reach the OpenTelemetry provider's exporters.</summary>
    private static List<int> ExportedLogs(params (string Key, string Value)[] settings)
    {
        var exported = new List<int>();
        using (var provider = Services(
            // As an exporter's registration does (UseOtlpExporter, UseAzureMonitorExporter): logging through OpenTelemetry on.
            services => services.AddOpenTelemetry().WithLogging(logs => logs.AddProcessor(new LogCapture(exported))), settings))
        {
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("TokenFunction.Http.TokenEndpoint");
            EndpointLog.TokenIssued(logger, "token", "identity", "room", 600); // 1, Information: once per token
            EndpointLog.RequestRefused(logger, "token", 400, RequestFields.RoomName); // 2, Information
            EndpointLog.SecretUnavailable(logger, new InvalidOperationException("vault"), "token", 5); // 4, Warning
            EndpointLog.UnexpectedFailure(logger, new InvalidOperationException("bug"), "token", "c0ffee"); // 5, Error
        }

        return exported;
    }

    [Fact]
    public void By_default_logs_below_Warning_are_not_exported()
    {
        Assert.Equal([4, 5], ExportedLogs());
    }

    [Fact]
    public void Logging_OpenTelemetry_LogLevel_Default_overrides_the_exported_level()
    {
        Assert.Equal([1, 2, 4, 5], ExportedLogs((TelemetryExportOptions.ExportedLogLevelSetting, "Information")));
        Assert.Equal([5], ExportedLogs((TelemetryExportOptions.ExportedLogLevelSetting, "Error")));
    }

    [Fact]
    public void A_category_rule_for_the_OpenTelemetry_provider_still_applies()
    {
        Assert.Equal([1, 2, 4, 5], ExportedLogs(("Logging:OpenTelemetry:LogLevel:TokenFunction.Http", "Information")));
    }

    /// <summary>
    /// The event ids of the endpoint's own log lines that reach a provider with no rule of its own, as the worker's gRPC
    /// provider is (it forwards each line it accepts to the Functions host).
    /// </summary>
    private static List<int> ForwardedLogs(string category, params (string Key, string Value)[] settings)
    {
        var forwarded = new List<int>();
        using (var provider = Services(services => services.AddSingleton<ILoggerProvider>(new ForwardCapture(forwarded)), settings))
        {
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger(category);
            EndpointLog.TokenIssued(logger, "token", "identity", "room", 600); // 1, Information: once per token
            EndpointLog.RequestRefused(logger, "token", 400, RequestFields.RoomName); // 2, Information
            EndpointLog.SecretUnavailable(logger, new InvalidOperationException("vault"), "token", 5); // 4, Warning
            EndpointLog.UnexpectedFailure(logger, new InvalidOperationException("bug"), "token", "c0ffee"); // 5, Error
        }

        return forwarded;
    }

    [Fact]
    public void By_default_the_services_lines_below_Warning_are_not_forwarded_to_the_host()
    {
        Assert.Equal([4, 5], ForwardedLogs("TokenFunction.Http.TokenEndpoint"));
    }

    [Fact]
    public void Logging_LogLevel_TokenFunction_forwards_them_again()
    {
        Assert.Equal([1, 2, 4, 5], ForwardedLogs("TokenFunction.Http.TokenEndpoint", (TelemetryExportOptions.ForwardedLogLevelSetting, "Information")));
    }

    [Fact]
    public void Other_categories_keep_the_general_level()
    {
        Assert.Equal([1, 2, 4, 5], ForwardedLogs("Microsoft.Azure.Functions.Worker.Invocation"));
    }

    [Fact]
    public void The_exported_level_and_the_forwarded_level_are_set_apart()
    {
        // Opting into exported Information lines does not send them to the host as well, and the reverse.
        Assert.Equal([4, 5], ForwardedLogs("TokenFunction.Http.TokenEndpoint", (TelemetryExportOptions.ExportedLogLevelSetting, "Information")));
        Assert.Equal([4, 5], ExportedLogs((TelemetryExportOptions.ForwardedLogLevelSetting, "Information")));
    }

    /// <summary>A logger provider without a rule of its own, recording the event id of each line it is handed.</summary>
    private sealed class ForwardCapture(List<int> into) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(into);

        public void Dispose()
        {
        }

        private sealed class Logger(List<int> into) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (into)
                {
                    into.Add(eventId.Id);
                }
            }
        }
    }

    /// <summary>What an exporter would be handed: each log record that reached the OpenTelemetry provider.</summary>
    private sealed class LogCapture(List<int> into) : BaseProcessor<LogRecord>
    {
        public override void OnEnd(LogRecord data)
        {
            lock (into)
            {
                into.Add(data.EventId.Id);
            }
        }
    }
}
