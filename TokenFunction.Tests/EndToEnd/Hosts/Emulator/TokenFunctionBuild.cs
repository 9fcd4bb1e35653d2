using System.Reflection;

namespace TokenFunction.Tests.EndToEnd.Hosts.Emulator;

/// <summary>Where the worker under test was built, as recorded by the test project's build.</summary>
public static class TokenFunctionBuild
{
    public static string OutputDirectory { get; } = Resolve();

    private static string Resolve()
    {
        var recorded = typeof(TokenFunctionBuild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "TokenFunctionOutputDirectory")?.Value;
        if (!string.IsNullOrEmpty(recorded) && File.Exists(Path.Combine(recorded, "worker.config.json")))
        {
            return Path.GetFullPath(recorded);
        }

        throw new InvalidOperationException(
            $"The TokenFunction build output was not found (recorded: '{recorded}'). Build the solution first: dotnet build TokenFunction.sln");
    }
}
