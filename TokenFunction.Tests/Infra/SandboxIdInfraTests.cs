namespace TokenFunction.Tests.Infra;

/// <summary>
/// Sandbox__Id travels as a secret: a @secure() parameter, a Key Vault secret written only when set, and an app
/// setting that is a Key Vault reference resolved with the app's user-assigned identity, never the value.
/// </summary>
/// <remarks>
/// Key Vault reference syntax and keyVaultReferenceIdentity:
/// https://learn.microsoft.com/en-us/azure/app-service/app-service-key-vault-references
/// </remarks>
[Collection(InfraTestGroup.Name)]
public sealed class SandboxIdInfraTests(InfraFixture infra)
{
    [Fact]
    public void The_sandbox_id_parameter_is_secure_optional_and_a_pipeline_secret()
    {
        var parameter = Arm.At(infra.Documents.Compiled, "parameters", "sandboxId");
        Assert.Equal("securestring", Arm.Str(parameter, "type"));
        Assert.Equal("", Arm.Str(parameter, "defaultValue"));

        var azure = Yaml.Load("azure.yaml");
        Assert.Contains("SANDBOX_ID", Yaml.Strings(azure, "pipeline", "secrets"));
        Assert.DoesNotContain("SANDBOX_ID", Yaml.Strings(azure, "pipeline", "variables"));
    }

    [Fact]
    public void The_app_setting_is_a_key_vault_reference_and_only_when_an_id_is_set()
    {
        var text = Arm.Text(infra.Documents.Compiled);

        Assert.Contains(
            "if(empty(parameters('sandboxIdSecretUri')), createObject(), createObject('Sandbox__Id', format('@Microsoft.KeyVault(SecretUri={0})', parameters('sandboxIdSecretUri'))))",
            text,
            StringComparison.Ordinal);
        Assert.Contains("\"keyVaultReferenceIdentity\":\"[parameters('identityId')]\"", text, StringComparison.Ordinal);
        Assert.Contains("\"condition\":\"[not(empty(parameters('sandboxId')))]\"", text, StringComparison.Ordinal);

        // In the deployment snapshots a Sandbox__Id setting, if predicted at all, is only ever the reference.
        foreach (var snapshot in infra.Documents.Snapshots)
        {
            var settings = Assert.Single(Arm.OfType(snapshot.Document, "Microsoft.Web/sites/config"), c => Arm.Str(c, "name")?.EndsWith("/appsettings", StringComparison.Ordinal) == true);
            if (Arm.Str(settings, "properties", "Sandbox__Id") is { } value)
            {
                Assert.StartsWith("@Microsoft.KeyVault(SecretUri=", value, StringComparison.Ordinal);
            }
        }
    }
}
