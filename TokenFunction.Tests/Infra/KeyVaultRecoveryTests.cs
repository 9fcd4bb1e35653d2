using TokenFunction.Tests.Support;
using TokenFunction.Tests.Support.Infra;
using static TokenFunction.Tests.Support.Infra.Arm;

namespace TokenFunction.Tests.Infra;

/// <summary>
/// Issue 19 item 3, the Bicep side: `azd up` after `azd down` without --purge finds the vault's name taken by the
/// soft-deleted vault; with keyVaultRecover the vault is deployed with createMode 'recover' (it comes back with its
/// secrets), otherwise with 'default'
/// (https://learn.microsoft.com/azure/templates/microsoft.keyvault/vaults, properties.createMode).
/// </summary>
[Collection(InfraTestGroup.Name)]
public sealed class KeyVaultRecoveryTests(InfraFixture infra) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("infra-recover-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task The_vault_is_recovered_only_when_KEY_VAULT_RECOVER_says_so()
    {
        foreach (var snapshot in infra.Documents.Snapshots)
        {
            Assert.False(snapshot.Inputs.KeyVaultRecover);
            Assert.Equal(AzureFacts.KeyVaultCreateModes[0], Str(Assert.Single(OfType(snapshot.Document, "Microsoft.KeyVault/vaults")), "properties", "createMode"));
        }

        InfraFixture.CopyDirectory(RepoLayout.PathOf("infra"), _scratch);
        var inputs = InfraFixture.Inputs(principalType: "User", withPrincipal: false, purgeProtection: false, originCount: 1, bearerMode: false) with { KeyVaultRecover = true };
        var recovered = await InfraFixture.SnapshotAsync(_scratch, "recover", inputs);

        var vault = Assert.Single(OfType(recovered.Document, "Microsoft.KeyVault/vaults"));
        Assert.Equal(AzureFacts.KeyVaultCreateModes[1], Str(vault, "properties", "createMode"));
        Assert.Equal(Str(Assert.Single(OfType(infra.Documents.Alternate.Document, "Microsoft.KeyVault/vaults")), "name")?.Length, Str(vault, "name")?.Length);
    }

    [Fact]
    public void KEY_VAULT_RECOVER_is_an_azd_value_the_hooks_own_and_never_a_pipeline_variable()
    {
        var parameter = At(infra.Documents.Compiled, "parameters", "keyVaultRecover");
        Assert.Equal("bool", Str(parameter, "type"));
        Assert.False(Bool(parameter, "defaultValue"));
        Assert.DoesNotContain("KEY_VAULT_RECOVER", Yaml.Strings(Yaml.Load("azure.yaml"), "pipeline", "variables"));
    }
}
