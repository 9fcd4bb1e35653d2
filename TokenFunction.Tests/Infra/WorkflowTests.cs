using System.Text.RegularExpressions;
using TokenFunction.Tests.Support;
using TokenFunction.Tests.Support.Infra;
using YamlDotNet.RepresentationModel;

namespace TokenFunction.Tests.Infra;

/// <summary>What the CI and deploy workflows must do (actionlint, run from .ci/run, checks their syntax).</summary>
public sealed partial class WorkflowTests
{
    [Fact]
    public void CI_runs_only_the_CI_script_which_runs_the_README_test_command_the_format_gate_and_locked_actionlint()
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
    public void Deploy_logs_in_with_OIDC_and_runs_azd_without_prompts()
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
    public void The_deploy_workflow_carries_no_secret()
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
    }

    /// <summary>Issue 19 item 9: every action is pinned to the commit of its release tag, the version in a comment.</summary>
    [Fact]
    public void Every_action_is_pinned_to_the_commit_of_its_release_tag()
    {
        var uses = WorkflowFiles().SelectMany(f => File.ReadAllLines(f).Select(l => (File: Path.GetFileName(f), Line: l.Trim())))
            .Where(l => l.Line.StartsWith("uses:", StringComparison.Ordinal) || l.Line.StartsWith("- uses:", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(uses);
        foreach (var (file, line) in uses)
        {
            var match = PinnedUse().Match(line);
            Assert.True(match.Success, $"{file}: {line}");
            if (match.Groups["local"].Success)
            {
                continue; // a workflow of this repository, at the same commit
            }

            var action = match.Groups["action"].Value;

            Assert.True(AzureFacts.PinnedActions.TryGetValue(action, out var pin), $"{file}: {action} is not in AzureFacts.PinnedActions");
            Assert.Equal(pin.Commit, match.Groups["commit"].Value);
            Assert.Equal(pin.Version, match.Groups["version"].Value);
        }
    }

    /// <summary>
    /// Issue 19 item 9: a push to main runs CI once. deploy.yml runs on it and calls ci.yml (the called workflow runs
    /// inside the caller's run); ci.yml itself must not also run on push, nor may any other workflow.
    /// </summary>
    [Fact]
    public void CI_runs_once_per_push_to_main()
    {
        var ci = Yaml.Load(".github", "workflows", "ci.yml");
        var deploy = Yaml.Load(".github", "workflows", "deploy.yml");

        Assert.Null(Yaml.At(ci, "on", "push"));
        Assert.NotNull(Yaml.At(ci, "on", "pull_request"));
        Assert.NotNull(Yaml.At(ci, "on", "workflow_call"));
        Assert.Equal(["main"], Yaml.Strings(deploy, "on", "push", "branches"));
        Assert.Equal("./.github/workflows/ci.yml", Yaml.Str(deploy, "jobs", "ci", "uses"));
        Assert.Equal("ci", Yaml.Str(deploy, "jobs", "deploy", "needs"));
        var onPush = WorkflowFiles().Where(f => Yaml.At(Yaml.Load(".github", "workflows", Path.GetFileName(f)), "on", "push") is not null)
            .Select(Path.GetFileName).ToList();
        Assert.Equal(["deploy.yml"], onPush);
    }

    /// <summary>
    /// Issue 19 item 9: `azd pipeline config` creates a federated credential for main (and pull requests) only, so a
    /// run by hand from another branch could never log in: the deploy job runs on main only.
    /// </summary>
    [Fact]
    public void The_deploy_job_runs_only_where_a_federated_credential_exists()
    {
        var deploy = Yaml.Load(".github", "workflows", "deploy.yml");
        var condition = Yaml.Str(deploy, "jobs", "deploy", "if") ?? "";

        Assert.NotNull(Yaml.At(deploy, "on", "workflow_dispatch"));
        Assert.Contains($"github.ref == 'refs/heads/{AzureFacts.Azd.FederatedBranch}'", condition, StringComparison.Ordinal);
        Assert.DoesNotContain("||", condition, StringComparison.Ordinal);
    }

    /// <summary>Issue 19 item 9: neither the deprecated AZD_INITIAL_ENVIRONMENT_CONFIG nor the ignored AZURE_PRINCIPAL_TYPE.</summary>
    [Fact]
    public void No_workflow_or_document_sets_what_azd_deprecates_or_ignores()
    {
        var texts = WorkflowFiles().Concat(Directory.GetFiles(RepoLayout.PathOf("docs"), "*.md")).Append(RepoLayout.PathOf("README.md"))
            .Select(f => (File: f, Text: File.ReadAllText(f)));

        foreach (var (file, text) in texts)
        {
            Assert.False(text.Contains(AzureFacts.Azd.DeprecatedInitialEnvironmentConfig, StringComparison.Ordinal), file);
            Assert.False(text.Contains(AzureFacts.Azd.IgnoredPrincipalType, StringComparison.Ordinal), file);
        }
    }

    private static string[] WorkflowFiles() => Directory.GetFiles(RepoLayout.PathOf(".github", "workflows"), "*.yml");

    [GeneratedRegex(@"^-?\s*uses:\s*(?:(?<local>\./\S+)|(?<action>[A-Za-z0-9-]+/[A-Za-z0-9._-]+)@(?<commit>[0-9a-f]{40})\s+#\s+(?<version>v\d+\.\d+\.\d+))\s*$")]
    private static partial Regex PinnedUse();

    private static IEnumerable<YamlMappingNode> Steps(YamlMappingNode workflow) =>
        Yaml.Keys(workflow, "jobs").SelectMany(job => Yaml.Mappings(workflow, "jobs", job, "steps"));

    private static List<string> RunLines(YamlMappingNode workflow) =>
        [.. Steps(workflow).Select(s => Yaml.Str(s, "run")).OfType<string>()
            .SelectMany(run => run.Split('\n'))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0)];
}
