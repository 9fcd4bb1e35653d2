using Microsoft.Extensions.Options;

namespace TokenFunction.Policy;

/// <summary>Where clients connect: <c>LIVEKIT_URL</c>, returned to them as the server URL.</summary>
internal sealed class LiveKitServerOptions
{
    public const string UrlSetting = "LIVEKIT_URL";

    public string Url { get; set; } = "";
}

internal sealed class LiveKitServerOptionsValidator : IValidateOptions<LiveKitServerOptions>
{
    public ValidateOptionsResult Validate(string? name, LiveKitServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("ws" or "wss" or "http" or "https"))
        {
            return ValidateOptionsResult.Fail(
                $"{LiveKitServerOptions.UrlSetting} must be the LiveKit server's absolute ws://, wss://, http:// or https:// URL (e.g. ws://localhost:7880).");
        }

        return ValidateOptionsResult.Success;
    }
}
