using TokenFunction.Tests.Support.Infra;

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
    /// <summary>Issue 19 item 1: the id never travels through the pipeline; SANDBOX_ENABLED, a plain bool, keeps the routes on.</summary>
    [Fact]
    public void The_sandbox_id_parameter_is_secure_optional_and_never_in_the_pipeline()
    {
        var parameter = Arm.At(infra.Documents.Compiled, "parameters", "sandboxId");
        Assert.Equal("securestring", Arm.Str(parameter, "type"));
        Assert.Equal("", Arm.Str(parameter, "defaultValue"));
        var enabled = Arm.At(infra.Documents.Compiled, "parameters", "sandboxEnabled");
        Assert.Equal("bool", Arm.Str(enabled, "type"));
        Assert.False(Arm.At(enabled, "defaultValue")!.GetValue<bool>());

        var azure = Yaml.Load("azure.yaml");
        Assert.DoesNotContain("SANDBOX_ID", Yaml.Strings(azure, "pipeline", "secrets"));
        Assert.DoesNotContain("SANDBOX_ID", Yaml.Strings(azure, "pipeline", "variables"));
        Assert.Contains("SANDBOX_ENABLED", Yaml.Strings(azure, "pipeline", "variables"));
    }

    /// <summary>
    /// Issue 19 item 1: a push provisions with sandboxId empty; with sandboxEnabled the app setting must still be the
    /// reference (the vault keeps the id), and without it there is none, whatever the id. (A snapshot cannot show the
    /// enabled case: the reference's URI is a module output, so the compiled template is read.)
    /// </summary>
    [Fact]
    public void The_routes_follow_sandboxEnabled_not_the_id()
    {
        var text = Arm.Text(infra.Documents.Compiled);

        Assert.Contains(
            "\"sandboxIdSecretUri\":\"[if(parameters('sandboxEnabled'), createObject('value', reference(",
            text,
            StringComparison.Ordinal);
        Assert.Contains(".outputs.sandboxIdSecretUri.value), createObject('value', ''))]\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"sandboxIdSecretUri\":\"[if(empty(parameters('sandboxId'))", text, StringComparison.Ordinal);
        foreach (var snapshot in infra.Documents.Snapshots)
        {
            Assert.False(snapshot.Inputs.SandboxEnabled);
            var settings = Assert.Single(Arm.OfType(snapshot.Document, "Microsoft.Web/sites/config"), c => Arm.Str(c, "name")?.EndsWith("/appsettings", StringComparison.Ordinal) == true);
            Assert.Null(Arm.At(settings, "properties", "Sandbox__Id"));
        }
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
