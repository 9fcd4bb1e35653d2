using System.Text.Json.Nodes;
using TokenFunction.Tests.Support;
using TokenFunction.Tests.Support.Infra;
using static TokenFunction.Tests.Support.Infra.Arm;

namespace TokenFunction.Tests.Infra;

/// <summary>
/// The Azure-facts rules run on real Bicep, not only on edited JSON: put issue 10's two mistakes back into a copy of
/// infra/ and the rules must name them; the deployer's Key Vault role must follow its parameter.
/// </summary>
[Collection(InfraTestGroup.Name)]
public sealed class TemplateHistoryTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("infra-history-").FullName;

    public TemplateHistoryTests() => InfraFixture.CopyDirectory(RepoLayout.PathOf("infra"), _scratch);

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task The_templates_as_they_were_before_issue_10_fail_the_AzureFacts_rules()
    {
        Replace("app/rbac.bicep", $"'{AzureFacts.Roles.MonitoringMetricsPublisher}'", $"'{InfraRuleMutationTests.WrongMetricsPublisherId}'");
        Replace("app/api.bicep", "      scmMinTlsVersion: '1.2'\n", "      scmMinTlsVersion: '1.2'\n      ftpsState: 'Disabled'\n");

        var docs = await DocumentsAsync(Inputs());

        Assert.Contains(AzureRules.KnownRoleIds(docs), v => v.Contains(InfraRuleMutationTests.WrongMetricsPublisherId, StringComparison.Ordinal));
        Assert.Contains(AzureRules.NothingFlexConsumptionRefuses(docs), v => v.Contains("ftpsState", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("SecretsOfficer", AzureFacts.Roles.KeyVaultSecretsOfficer)]
    [InlineData("SecretsUser", AzureFacts.Roles.KeyVaultSecretsUser)]
    [InlineData("None", null)]
    public async Task The_deployer_gets_the_Key_Vault_role_its_parameter_names(string role, string? expectedRoleId)
    {
        var inputs = Inputs() with { PrincipalKeyVaultRole = role };

        var snapshot = await InfraFixture.SnapshotAsync(_scratch, "deployer", inputs);
        var docs = new InfraDocuments([], snapshot, snapshot);

        var deployer = OfType(docs.Primary.Document, "Microsoft.Authorization/roleAssignments")
            .Where(a => Str(a, "properties", "principalId") == inputs.PrincipalId)
            .Select(a => Str(a, "properties", "roleDefinitionId")!.Split('/')[^1])
            .ToList();
        Assert.Equal(expectedRoleId is null ? [] : [expectedRoleId], deployer);
        Assert.Empty(AzureRules.KnownRoleIds(docs));
    }

    private static SnapshotInputs Inputs() =>
        InfraFixture.Inputs(principalType: "User", withPrincipal: true, purgeProtection: false, originCount: 1, bearerMode: false);

    private void Replace(string file, string from, string to)
    {
        var path = Path.Combine(_scratch, file);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text, StringComparison.Ordinal); // the edit must not silently miss
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    private async Task<InfraDocuments> DocumentsAsync(SnapshotInputs inputs)
    {
        var build = await BicepCli.RunAsync(_scratch, "build", "main.bicep", "--stdout");
        Assert.True(build.ExitCode == 0, build.Diagnostics);
        var snapshot = await InfraFixture.SnapshotAsync(_scratch, "history", inputs);
        return new InfraDocuments(JsonNode.Parse(build.StdOut)!.AsObject(), snapshot, snapshot);
    }
}
