using System.Diagnostics;
using System.Text.RegularExpressions;
using TokenFunction.Tests.Support;
using TokenFunction.Tests.Support.Infra;
using static TokenFunction.Tests.Support.Infra.Arm;

namespace TokenFunction.Tests.Infra;

/// <summary>
/// Issue 19 item 5: infra/scripts/pipeline-least-privilege.sh replaces azd's subscription-wide Contributor and User
/// Access Administrator (AzureFacts.Azd.PipelineConfigDefaultRoles) with what a provision needs. Run with --dry-run
/// and a fake azd, its commands are read and compared with the template's own role assignments.
/// </summary>
[Collection(InfraTestGroup.Name)]
public sealed partial class PipelinePrivilegeTests(InfraFixture infra)
{
    private const string s_subscription = "00000000-0000-0000-0000-00000000c0de";
    private const string s_group = "rg-tokens";
    private const string s_principal = "11111111-2222-3333-4444-555555555555";

    [Fact]
    public async Task The_script_grants_only_the_resource_group_and_the_app_identitys_roles_then_takes_back_azds_defaults()
    {
        var commands = await DryRunAsync();
        var sub = $"/subscriptions/{s_subscription}";
        var group = $"{sub}/resourceGroups/{s_group}";

        var creates = commands.Where(c => c.StartsWith("az role assignment create ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, creates.Count);
        Assert.Single(creates, c => c.Contains($"--scope {sub} ", StringComparison.Ordinal) || c.EndsWith($"--scope {sub}", StringComparison.Ordinal));
        Assert.Contains(creates, c => c.Contains($"--role {s_contributor} --scope {group}", StringComparison.Ordinal));
        var delegated = Assert.Single(creates, c => c.Contains($"--role {s_rbacAdministrator} --scope {group} --condition", StringComparison.Ordinal));
        Assert.All(creates, c => Assert.Contains($"--assignee {s_principal} ", c, StringComparison.Ordinal));

        // The condition lets the pipeline write and delete assignments of exactly the roles rbac.bicep gives the app's
        // identity (the alternate snapshot has no deployer principal, so every assignment in it is the app's).
        var appRoles = OfType(infra.Documents.Alternate.Document, "Microsoft.Authorization/roleAssignments")
            .Select(a => Str(a, "properties", "roleDefinitionId")!.Split('/')[^1]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var lists = ConditionList().Matches(delegated).Select(m => m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase)).ToList();
        Assert.Equal(2, lists.Count);
        Assert.All(lists, l => Assert.True(l.SetEquals(appRoles), $"condition allows {string.Join(", ", l)}; the template assigns {string.Join(", ", appRoles)}"));
        Assert.Contains("ActionMatches{'Microsoft.Authorization/roleAssignments/write'}", delegated, StringComparison.Ordinal);
        Assert.Contains("ActionMatches{'Microsoft.Authorization/roleAssignments/delete'}", delegated, StringComparison.Ordinal);

        // The custom subscription role: deployments and reads, nothing that writes resources or access.
        var definition = Assert.Single(commands, c => c.StartsWith("az role definition create ", StringComparison.Ordinal));
        var actions = Regex.Match(definition, @"""Actions"": \[(?<a>[^\]]*)\]").Groups["a"].Value.Split(',', StringSplitOptions.TrimEntries).Select(a => a.Trim('"')).ToList();
        Assert.Equal(["Microsoft.Resources/deployments/*", "Microsoft.Resources/subscriptions/read", "Microsoft.Resources/subscriptions/resourceGroups/read"], actions);
        Assert.Contains($"\"AssignableScopes\": [\"{sub}\"]", definition, StringComparison.Ordinal);

        // azd's defaults, named in AzureFacts, are taken back at subscription scope.
        var deletes = commands.Where(c => c.StartsWith("az role assignment delete ", StringComparison.Ordinal)).ToList();
        Assert.Equal([s_contributor, s_userAccessAdministrator], deletes.Select(d => Regex.Match(d, "--role (\\S+)").Groups[1].Value));
        Assert.All(deletes, d => Assert.EndsWith($"--scope {sub}", d, StringComparison.Ordinal));
        Assert.Equal(["Contributor", "User Access Administrator"], AzureFacts.Azd.PipelineConfigDefaultRoles);
    }

    // Built-in role ids: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged
    private const string s_contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    private const string s_rbacAdministrator = "f58310d9-a9f6-439a-9e8d-f62e7b41a168";
    private const string s_userAccessAdministrator = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";

    private static async Task<List<string>> DryRunAsync()
    {
        var bin = Directory.CreateTempSubdirectory("fake-azd-");
        try
        {
            var azd = Path.Combine(bin.FullName, "azd");
            await File.WriteAllTextAsync(azd, "#!/bin/sh\n[ \"$1 $2\" = 'env get-value' ] || exit 2\neval \"printf '%s' \\\"\\${FAKE_$3:-}\\\"\"\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(azd, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var startInfo = new ProcessStartInfo("sh")
            {
                ArgumentList = { RepoLayout.PathOf("infra", "scripts", "pipeline-least-privilege.sh"), "--dry-run" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            startInfo.Environment.Clear();
            startInfo.Environment["PATH"] = bin.FullName + ":/usr/bin:/bin";
            startInfo.Environment["FAKE_AZURE_SUBSCRIPTION_ID"] = s_subscription;
            startInfo.Environment["FAKE_AZURE_RESOURCE_GROUP"] = s_group;
            startInfo.Environment["FAKE_AZURE_PIPELINE_CLIENT_ID"] = s_principal;
            startInfo.Environment["FAKE_AZURE_ENV_NAME"] = "tokens";
            using var process = Process.Start(startInfo)!;
            var stdout = await process.StandardOutput.ReadToEndAsync();
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, stderr);
            return [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"ForAnyOfAnyValues:GuidEquals \{([^}]*)\}")]
    private static partial Regex ConditionList();
}
