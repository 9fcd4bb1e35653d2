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

    [Fact]
    public void TheLiveKitSecretReachesOnlyTheProvisionStepAndOnlyFromSecrets()
    {
        var deploy = Yaml.Load(".github", "workflows", "deploy.yml");
        var text = File.ReadAllText(RepoLayout.PathOf(".github", "workflows", "deploy.yml"));

        var holders = Steps(deploy).Where(s => Yaml.At(s, "env", "LIVEKIT_API_SECRET") is not null).ToList();
        var provision = Assert.Single(holders);
        Assert.Equal("azd provision --no-prompt", Yaml.Str(provision, "run"));
        Assert.Equal("${{ secrets.LIVEKIT_API_SECRET }}", Yaml.Str(provision, "env", "LIVEKIT_API_SECRET"));
        Assert.DoesNotContain("vars.LIVEKIT_API_SECRET", text, StringComparison.Ordinal);
        foreach (var job in Yaml.Keys(deploy, "jobs"))
        {
            Assert.Null(Yaml.At(deploy, "jobs", job, "env", "LIVEKIT_API_SECRET"));
        }

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
