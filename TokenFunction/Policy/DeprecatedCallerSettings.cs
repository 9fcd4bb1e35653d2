using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TokenFunction.Policy;

/// <summary>
/// The settings <see cref="CallerChoicesOptions"/> replaced. For one release each is still read when its new name is
/// not set, so a deployed app keeps its behaviour, and reported at start-up as deprecated. Setting an old and a new
/// name to different values stops start-up: which one the operator meant cannot be guessed.
/// </summary>
internal static partial class DeprecatedCallerSettings
{
    /// <summary>Old configuration key, new configuration key.</summary>
    public static IReadOnlyList<(string Old, string New)> Renamed { get; } =
    [
        ("TokenPolicy:AllowCallerRoom", $"{CallerChoicesOptions.SectionName}:{nameof(CallerChoicesOptions.AllowRoom)}"),
        ("TokenPolicy:AllowCallerIdentity", $"{CallerChoicesOptions.SectionName}:{nameof(CallerChoicesOptions.AllowIdentity)}"),
        ("Auth:AllowCallerName", $"{CallerChoicesOptions.SectionName}:{nameof(CallerChoicesOptions.AllowName)}"),
        ("Auth:AllowCallerMetadata", $"{CallerChoicesOptions.SectionName}:{nameof(CallerChoicesOptions.AllowMetadata)}"),
        ("Auth:AllowCallerAttributes", $"{CallerChoicesOptions.SectionName}:{nameof(CallerChoicesOptions.AllowAttributes)}"),
    ];

    /// <summary>The key as an app setting: <c>Auth__AllowCallerName</c>.</summary>
    public static string AppSetting(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>The old settings present in <paramref name="configuration"/>, with their new names.</summary>
    public static IEnumerable<(string Old, string New)> Present(IConfiguration configuration) =>
        Renamed.Where(r => !string.IsNullOrWhiteSpace(configuration[r.Old]));

    /// <summary>Reads every old setting whose new name is not set into <paramref name="options"/>.</summary>
    public static void Apply(IConfiguration configuration, CallerChoicesOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (old, @new) in Present(configuration))
        {
            if (string.IsNullOrWhiteSpace(configuration[@new]) && bool.TryParse(configuration[old], out var value))
            {
                Set(options, @new, value);
            }
        }
    }

    /// <summary>A sentence for each old setting that disagrees with its new name.</summary>
    public static IEnumerable<string> Conflicts(IConfiguration configuration) =>
        Present(configuration)
            .Where(r => bool.TryParse(configuration[r.Old], out var old) && bool.TryParse(configuration[r.New], out var now) && old != now)
            .Select(r => $"{AppSetting(r.Old)} (deprecated) and {AppSetting(r.New)} disagree; remove {AppSetting(r.Old)}.");

    private static void Set(CallerChoicesOptions options, string key, bool value)
    {
        switch (key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..])
        {
            case nameof(CallerChoicesOptions.AllowRoom): options.AllowRoom = value; break;
            case nameof(CallerChoicesOptions.AllowIdentity): options.AllowIdentity = value; break;
            case nameof(CallerChoicesOptions.AllowName): options.AllowName = value; break;
            case nameof(CallerChoicesOptions.AllowMetadata): options.AllowMetadata = value; break;
            case nameof(CallerChoicesOptions.AllowAttributes): options.AllowAttributes = value; break;
            default: throw new ArgumentOutOfRangeException(nameof(key), key, "Not a caller choice.");
        }
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning,
        Message = "The setting {OldSetting} is deprecated and will stop being read in a future release; use {NewSetting}")]
    internal static partial void LogDeprecated(ILogger logger, string oldSetting, string newSetting);

    /// <summary>Stops start-up when an old setting and its new name disagree.</summary>
    internal sealed class Validator(IConfiguration configuration) : IValidateOptions<CallerChoicesOptions>
    {
        public ValidateOptionsResult Validate(string? name, CallerChoicesOptions options)
        {
            var conflicts = Conflicts(configuration).ToList();
            return conflicts.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(conflicts);
        }
    }

    /// <summary>Reports each old setting present, once, when the host starts.</summary>
    internal sealed class Reporter(IConfiguration configuration, ILogger<CallerChoicesOptions> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var (old, @new) in Present(configuration))
            {
                LogDeprecated(logger, AppSetting(old), AppSetting(@new));
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
