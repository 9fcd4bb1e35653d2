using Microsoft.Extensions.Options;

namespace TokenFunction.Sandbox;

/// <summary>Stops start-up on a sandbox id that is short, or that some LiveKit clients would send altered.</summary>
internal sealed class SandboxOptionsValidator : IValidateOptions<SandboxOptions>
{
    public ValidateOptionsResult Validate(string? name, SandboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var id = options.Id;
        if (id.Length == 0)
        {
            return ValidateOptionsResult.Success;
        }

        // The Swift and Flutter SDKs strip non-alphanumeric characters from both ends of the id before sending it
        // (client-sdk-swift DevelopmentTokenSource.init, client-sdk-flutter development.dart _sanitizeId).
        if (id.Length < SandboxOptions.MinIdLength
            || !id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            || !char.IsAsciiLetterOrDigit(id[0]) || !char.IsAsciiLetterOrDigit(id[^1]))
        {
            return ValidateOptionsResult.Fail(
                $"Sandbox__Id must be at least {SandboxOptions.MinIdLength} characters of ASCII letters, digits and '-', " +
                "starting and ending with a letter or digit (e.g. the output of `openssl rand -hex 24`).");
        }

        return ValidateOptionsResult.Success;
    }
}
