using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TokenFunction.Tests.Support;
using TokenFunction.Tests.Support.Infra;

namespace TokenFunction.Tests.Infra;

/// <summary>azure.yaml and main.parameters.json: what azd reads before it ever deploys the template.</summary>
[Collection(InfraTestGroup.Name)]
public sealed partial class AzdConfigurationTests(InfraFixture infra)
{
    [Fact]
    public void Azure_yaml_declares_the_function_service_at_an_existing_project()
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
    public void Azure_yaml_points_at_the_Bicep_entry_point()
    {
        var azure = Yaml.Load("azure.yaml");
        var infraPath = Yaml.Str(azure, "infra", "path") ?? "infra";
        var module = Yaml.Str(azure, "infra", "module") ?? "main";

        Assert.Equal("bicep", Yaml.Str(azure, "infra", "provider") ?? "bicep");
        Assert.True(File.Exists(RepoLayout.PathOf(infraPath, module + ".bicep")));
        Assert.True(File.Exists(RepoLayout.PathOf(infraPath, module + ".parameters.json")));
    }

    /// <summary>
    /// Issue 19 item 1: `azd pipeline config` copies pipeline.secrets into GitHub secrets (azure-dev
    /// cli/azd/pkg/pipeline/pipeline.go, mergeProjectVariablesAndSecrets), and a push that provisions with an old copy
    /// writes it over a rotation done in the vault. The pipeline carries no secret at all; KEY_VAULT_NAME (the hook's
    /// "a vault exists") and SANDBOX_ENABLED (keeps the sandbox on without its id) travel as variables.
    /// </summary>
    [Fact]
    public void Pipeline_carries_the_LiveKit_settings_but_never_a_secret()
    {
        var azure = Yaml.Load("azure.yaml");
        var variables = Yaml.Strings(azure, "pipeline", "variables").ToList();

        Assert.Contains("LIVEKIT_URL", variables);
        Assert.Contains("LIVEKIT_API_KEY", variables);
        Assert.Contains("KEY_VAULT_NAME", variables);
        Assert.Contains("SANDBOX_ENABLED", variables);
        Assert.Null(Yaml.At(azure, "pipeline", "secrets"));
        Assert.DoesNotContain("LIVEKIT_API_SECRET", variables);
        Assert.DoesNotContain("SANDBOX_ID", variables);
    }

    [Fact]
    public void Every_required_template_parameter_is_mapped_from_the_azd_environment()
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
    [InlineData("sandboxEnabled", "SANDBOX_ENABLED")]
    [InlineData("keyVaultRecover", "KEY_VAULT_RECOVER")]
    public void Parameter_comes_from_its_variable(string parameter, string variable)
    {
        var value = Arm.Str(ParametersFile(), parameter, "value");

        Assert.NotNull(value);
        Assert.Equal(variable, EnvReference().Match(value).Groups["name"].Value);
    }

    /// <summary>azd replaces ${AZURE_PRINCIPAL_TYPE} with the signed-in principal's type (AzureFacts.Azd); nobody sets it.</summary>
    [Fact]
    public void Principal_type_is_the_one_azd_fills_in()
    {
        Assert.Equal("${" + AzureFacts.Azd.IgnoredPrincipalType + "=User}", Arm.Str(ParametersFile(), "principalType", "value"));
    }

    [Fact]
    public void Every_azd_value_the_template_reads_is_documented_in_the_deploy_page_and_carried_by_the_pipeline()
    {
        var settings = DeploySettingsSection();
        var deploy = File.ReadAllText(RepoLayout.PathOf(".github", "workflows", "deploy.yml"));
        var azure = Yaml.Load("azure.yaml");
        var pipeline = Yaml.Strings(azure, "pipeline", "variables").ToList();
        var parameters = ParametersFile()
            .Select(p => (Parameter: p.Key, Variable: EnvReference().Match(Arm.Str(p.Value, "value") ?? "").Groups["name"].Value))
            .Where(p => p.Variable is not ("AZURE_ENV_NAME" or "AZURE_LOCATION" or "AZURE_PRINCIPAL_ID" or AzureFacts.Azd.IgnoredPrincipalType))
            .ToList();
        var variables = parameters.Select(p => p.Variable).ToList();
        string[] secrets = ["LIVEKIT_API_SECRET", "SANDBOX_ID"];
        // A one-off for `azd up` after `azd down` on a developer's machine; the postprovision hook resets it.
        string[] localOnly = ["KEY_VAULT_RECOVER"];

        // The deploy page's settings table names each value with its parameter, so a new parameter cannot go undocumented.
        Assert.All(parameters, p => Assert.Contains($"| `{p.Variable}` | `{p.Parameter}`", settings, StringComparison.Ordinal));
        // Whatever `azd pipeline config` copies to GitHub, the deploy workflow hands to azd.
        Assert.All(pipeline, v => Assert.Contains($"{v}: ${{{{ vars.{v} }}}}", deploy, StringComparison.Ordinal));
        // The deploy workflow sets the principal's role itself; the secrets never travel; every other value is a variable.
        Assert.All(variables.Except(["AZURE_PRINCIPAL_KEY_VAULT_ROLE", .. secrets, .. localOnly]), v => Assert.Contains(v, pipeline));
        Assert.All(secrets, v => Assert.Contains(v, variables));
        Assert.All(secrets, v => Assert.DoesNotContain(v, pipeline));
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
