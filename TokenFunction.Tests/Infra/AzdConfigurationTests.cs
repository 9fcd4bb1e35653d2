using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TokenFunction.Tests.Infra;

/// <summary>azure.yaml and main.parameters.json: what azd reads before it ever deploys the template.</summary>
[Collection(InfraTestGroup.Name)]
public sealed partial class AzdConfigurationTests(InfraFixture infra)
{
    [Fact]
    public void AzureYamlDeclaresTheFunctionServiceAtAnExistingProject()
    {
        var azure = Yaml.Load("azure.yaml");

        Assert.Equal(["api"], Yaml.Keys(azure, "services"));
        Assert.Equal("function", Yaml.Str(azure, "services", "api", "host"));
        Assert.Equal("dotnet", Yaml.Str(azure, "services", "api", "language"));
        var project = Yaml.Str(azure, "services", "api", "project");
        Assert.NotNull(project);
        var projectDir = Path.GetFullPath(Path.Combine(RepoLayout.Root, project));
        Assert.True(Directory.Exists(projectDir), $"service project {project} does not exist");
        Assert.NotEmpty(Directory.GetFiles(projectDir, "*.csproj"));
        Assert.Equal(RepoLayout.PathOf("TokenFunction"), projectDir.TrimEnd(Path.DirectorySeparatorChar));
    }

    [Fact]
    public void AzureYamlPointsAtTheBicepEntryPoint()
    {
        var azure = Yaml.Load("azure.yaml");
        var infraPath = Yaml.Str(azure, "infra", "path") ?? "infra";
        var module = Yaml.Str(azure, "infra", "module") ?? "main";

        Assert.Equal("bicep", Yaml.Str(azure, "infra", "provider") ?? "bicep");
        Assert.True(File.Exists(RepoLayout.PathOf(infraPath, module + ".bicep")));
        Assert.True(File.Exists(RepoLayout.PathOf(infraPath, module + ".parameters.json")));
    }

    [Fact]
    public void PipelineCarriesTheLiveKitSettingsAndKeepsTheSecretSecret()
    {
        var azure = Yaml.Load("azure.yaml");
        var variables = Yaml.Strings(azure, "pipeline", "variables").ToList();
        var secrets = Yaml.Strings(azure, "pipeline", "secrets").ToList();

        Assert.Contains("LIVEKIT_URL", variables);
        Assert.Contains("LIVEKIT_API_KEY", variables);
        Assert.Contains("LIVEKIT_API_SECRET", secrets);
        Assert.DoesNotContain("LIVEKIT_API_SECRET", variables);
    }

    [Fact]
    public void EveryRequiredTemplateParameterIsMappedFromTheAzdEnvironment()
    {
        var parameters = ParametersFile();
        var declared = Arm.At(infra.Documents.Compiled, "parameters")!.AsObject();

        // Nothing is mapped that the template does not declare (a typo would be silently ignored by azd).
        Assert.Empty(parameters.Select(p => p.Key).Except(declared.Select(d => d.Key)));
        foreach (var (name, definition) in declared)
        {
            if (Arm.At(definition, "defaultValue") is null)
            {
                Assert.True(parameters.ContainsKey(name), $"required parameter {name} is not mapped in main.parameters.json");
            }
        }

        foreach (var (name, value) in parameters)
        {
            // Values come from the environment, never literals (no secret or tenant detail committed).
            Assert.Matches(EnvReference(), Arm.Str(value, "value") ?? $"{name}: not a string");
        }
    }

    [Theory]
    [InlineData("environmentName", "AZURE_ENV_NAME")]
    [InlineData("location", "AZURE_LOCATION")]
    [InlineData("principalId", "AZURE_PRINCIPAL_ID")]
    [InlineData("principalType", "AZURE_PRINCIPAL_TYPE")]
    [InlineData("livekitUrl", "LIVEKIT_URL")]
    [InlineData("livekitApiKey", "LIVEKIT_API_KEY")]
    [InlineData("livekitApiSecret", "LIVEKIT_API_SECRET")]
    [InlineData("corsAllowedOrigins", "CORS_ALLOWED_ORIGINS")]
    [InlineData("authMode", "AUTH_MODE")]
    [InlineData("authAuthority", "AUTH_AUTHORITY")]
    [InlineData("authAudience", "AUTH_AUDIENCE")]
    [InlineData("authIdentityClaim", "AUTH_IDENTITY_CLAIM")]
    [InlineData("principalKeyVaultRole", "AZURE_PRINCIPAL_KEY_VAULT_ROLE")]
    [InlineData("maximumInstanceCount", "MAXIMUM_INSTANCE_COUNT")]
    [InlineData("instanceMemoryMB", "INSTANCE_MEMORY_MB")]
    [InlineData("httpAlwaysReadyInstances", "HTTP_ALWAYS_READY_INSTANCES")]
    [InlineData("httpPerInstanceConcurrency", "HTTP_PER_INSTANCE_CONCURRENCY")]
    [InlineData("maxRequestBodyBytes", "MAX_REQUEST_BODY_BYTES")]
    [InlineData("extraAppSettings", "EXTRA_APP_SETTINGS")]
    [InlineData("sandboxId", "SANDBOX_ID")]
    public void ParameterComesFromItsVariable(string parameter, string variable)
    {
        var value = Arm.Str(ParametersFile(), parameter, "value");

        Assert.NotNull(value);
        Assert.Equal(variable, EnvReference().Match(value).Groups["name"].Value);
    }

    [Fact]
    public void PrincipalTypeDefaultsToUserSoLocalRunsNeedNoSetting()
    {
        Assert.Equal("${AZURE_PRINCIPAL_TYPE=User}", Arm.Str(ParametersFile(), "principalType", "value"));
    }

    [Fact]
    public void EveryAzdValueTheTemplateReadsIsDocumentedInTheDeployPageAndCarriedByThePipeline()
    {
        var settings = DeploySettingsSection();
        var deploy = File.ReadAllText(RepoLayout.PathOf(".github", "workflows", "deploy.yml"));
        var azure = Yaml.Load("azure.yaml");
        var pipeline = Yaml.Strings(azure, "pipeline", "variables").ToList();
        var secrets = Yaml.Strings(azure, "pipeline", "secrets").ToList();
        var parameters = ParametersFile()
            .Select(p => (Parameter: p.Key, Variable: EnvReference().Match(Arm.Str(p.Value, "value") ?? "").Groups["name"].Value))
            .Where(p => p.Variable is not ("AZURE_ENV_NAME" or "AZURE_LOCATION" or "AZURE_PRINCIPAL_ID"))
            .ToList();
        var variables = parameters.Select(p => p.Variable).ToList();

        // The deploy page's settings table names each value with its parameter, so a new parameter cannot go undocumented.
        Assert.All(parameters, p => Assert.Contains($"| `{p.Variable}` | `{p.Parameter}`", settings, StringComparison.Ordinal));
        // Whatever `azd pipeline config` copies to GitHub, the deploy workflow hands to azd.
        Assert.All(pipeline, v => Assert.Contains($"{v}: ${{{{ vars.{v} }}}}", deploy, StringComparison.Ordinal));
        Assert.All(secrets, v => Assert.Contains($"{v}: ${{{{ secrets.{v} }}}}", deploy, StringComparison.Ordinal));
        Assert.Empty(pipeline.Intersect(secrets));
        // The deploy workflow sets the principal's type and role itself; every other value travels as a variable or a secret.
        Assert.All(variables.Except(["AZURE_PRINCIPAL_TYPE", "AZURE_PRINCIPAL_KEY_VAULT_ROLE"]), v => Assert.Contains(v, pipeline.Concat(secrets)));
    }

    /// <summary>The "Settings" section of docs/deploy.md, where every azd value is documented.</summary>
    private static string DeploySettingsSection()
    {
        var page = File.ReadAllText(RepoLayout.PathOf("docs", "deploy.md"));
        var start = page.IndexOf("\n## Settings\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/deploy.md has no Settings section");
        var end = page.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return page[start..(end < 0 ? page.Length : end)];
    }

    private static JsonObject ParametersFile() =>
        JsonNode.Parse(File.ReadAllText(RepoLayout.PathOf("infra", "main.parameters.json")))!["parameters"]!.AsObject();

    [GeneratedRegex(@"^\$\{(?<name>[A-Z_][A-Z0-9_]*)(=[^}]*)?\}$")]
    private static partial Regex EnvReference();
}
