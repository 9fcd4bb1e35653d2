using System.Text.Json.Nodes;
using static TokenFunction.Tests.Infra.Arm;

namespace TokenFunction.Tests.Infra;

/// <summary>
/// Each rule must be able to fail: break the real compiled template or snapshot in one place, the way a careless
/// edit of the Bicep would, and the rule that guards that property must report it.
/// </summary>
[Collection(InfraTestGroup.Name)]
public sealed class InfraRuleMutationTests(InfraFixture infra)
{
    private static readonly Dictionary<string, (string Rule, Action<InfraDocuments> Break)> s_mutations = new(StringComparer.Ordinal)
    {
        ["shared key access on"] = ("storage-identity-only", d => Props(d.Primary, "Microsoft.Storage/storageAccounts")["allowSharedKeyAccess"] = true),
        ["shared key access left to default"] = ("storage-identity-only", d => Props(d.Primary, "Microsoft.Storage/storageAccounts").Remove("allowSharedKeyAccess")),
        ["storage TLS 1.0"] = ("storage-identity-only", d => Props(d.Primary, "Microsoft.Storage/storageAccounts")["minimumTlsVersion"] = "TLS1_0"),
        ["storage connection string setting"] = ("no-storage-keys", d => Settings(d.Primary)["AzureWebJobsStorage"] = "[format('DefaultEndpointsProtocol=https;AccountName={0};AccountKey={1}', 'x', 'y')]"),
        ["listKeys in a module"] = ("no-storage-keys", d => Templates(d.Compiled).Last()["outputs"] = new JsonObject { ["k"] = new JsonObject { ["type"] = "string", ["value"] = "[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'x'), '2023-01-01').keys[0].value]" } }),
        ["vault access policies"] = ("key-vault", d => Props(d.Primary, "Microsoft.KeyVault/vaults")["enableRbacAuthorization"] = false),
        ["vault soft delete off"] = ("key-vault", d => Props(d.Alternate, "Microsoft.KeyVault/vaults")["enableSoftDelete"] = false),
        ["purge protection ignores its parameter"] = ("key-vault", d => Props(d.Alternate, "Microsoft.KeyVault/vaults").Remove("enablePurgeProtection")),
        ["purge protection false instead of unset"] = ("key-vault", d => Props(d.Primary, "Microsoft.KeyVault/vaults")["enablePurgeProtection"] = false),
        ["secret parameter not secure"] = ("livekit-secret", d => At(d.Compiled, "parameters", InfraRules.SecretParameter)!["type"] = "string"),
        ["secret module parameter not secure"] = ("livekit-secret", d => ModuleTemplateParameter(d, "keyvault", "livekitApiSecret")["type"] = "string"),
        ["secret renamed"] = ("livekit-secret", d => First(d.Primary, "Microsoft.KeyVault/vaults/secrets")["name"] = "kv/other-name"),
        ["secret value not from the parameter"] = ("livekit-secret", d => Props(d.Alternate, "Microsoft.KeyVault/vaults/secrets")["value"] = "[parameters('livekitApiKey')]"),
        ["secret without the key tag"] = ("livekit-secret", d => First(d.Primary, "Microsoft.KeyVault/vaults/secrets").Remove("tags")),
        ["secret as an app setting"] = ("secret-not-exposed", d => Settings(d.Primary)["LIVEKIT_API_SECRET"] = "[parameters('livekitApiSecret')]"),
        ["secret in an output"] = ("secret-not-exposed", d => At(d.Compiled, "outputs")!["LEAK"] = new JsonObject { ["type"] = "string", ["value"] = "[parameters('livekitApiSecret')]" }),
        ["secret in clear in the snapshot"] = ("secret-not-exposed", d => Settings(d.Alternate)["X"] = d.Alternate.Inputs.LivekitApiSecret),
        ["secrets user granted to someone else"] = ("secrets-user-role", d => Props(Role(d.Primary, InfraRules.SecretsUserRole))["principalId"] = Guid.NewGuid().ToString()),
        ["secrets user granted on the storage account"] = ("secrets-user-role", d => Role(d.Primary, InfraRules.SecretsUserRole)["id"] = FirstOf(d.Primary.Document, "Microsoft.Storage/storageAccounts")!["id"]!.GetValue<string>() + "/providers/Microsoft.Authorization/roleAssignments/x"),
        ["secrets user missing"] = ("secrets-user-role", d => Remove(d.Alternate, Role(d.Alternate, InfraRules.SecretsUserRole))),
        ["secrets user replaced by officer"] = ("secrets-user-role", d => Props(Role(d.Primary, InfraRules.SecretsUserRole))["roleDefinitionId"] = "/providers/Microsoft.Authorization/roleDefinitions/" + InfraRules.SecretsOfficerRole),
        ["blob data owner missing"] = ("storage-and-monitoring-roles", d => Remove(d.Primary, Role(d.Primary, InfraRules.BlobDataOwnerRole))),
        ["metrics publisher to another principal"] = ("storage-and-monitoring-roles", d => Props(Role(d.Alternate, InfraRules.MetricsPublisherRole))["principalId"] = "someone"),
        ["deployer typed as user in CI"] = ("deployer-role", d => Props(Role(d.Primary, InfraRules.SecretsOfficerRole))["principalType"] = "User"),
        ["deployer granted with no principal"] = ("deployer-role", d => Predicted(d.Alternate).Add(Role(d.Primary, InfraRules.SecretsOfficerRole).DeepClone())),
        ["random role assignment name"] = ("deterministic-role-names", d => CompiledRoleAssignments(d).First()["name"] = "[newGuid()]"),
        ["runtime .NET 8"] = ("function-app", d => Site(d.Primary)["functionAppConfig"]!["runtime"]!["version"] = "8.0"),
        ["runtime in-process"] = ("function-app", d => Site(d.Primary)["functionAppConfig"]!["runtime"]!["name"] = "dotnet"),
        ["HTTP allowed"] = ("function-app", d => Site(d.Primary)["httpsOnly"] = false),
        ["TLS 1.0"] = ("function-app", d => Site(d.Primary)["siteConfig"]!["minTlsVersion"] = "1.0"),
        ["FTP on"] = ("function-app", d => Site(d.Primary)["siteConfig"]!["ftpsState"] = "AllAllowed"),
        ["consumption plan Y1"] = ("function-app", d => First(d.Primary, "Microsoft.Web/serverfarms")["sku"]!["name"] = "Y1"),
        ["deployment storage by connection string"] = ("function-app", d => Site(d.Primary)["functionAppConfig"]!["deployment"]!["storage"]!["authentication"]!["type"] = "StorageAccountConnectionString"),
        ["system-assigned identity"] = ("function-app", d => First(d.Primary, "Microsoft.Web/sites")["identity"]!["type"] = "SystemAssigned, UserAssigned"),
        ["scm basic auth on"] = ("function-app", d => Props(d.Primary.Document, d => Str(d, "name")?.EndsWith("/scm", StringComparison.Ordinal) == true)["allow"] = true),
        ["no azd service tag"] = ("function-app", d => First(d.Primary, "Microsoft.Web/sites")["tags"]!.AsObject().Remove("azd-service-name")),
        ["KEY_VAULT_URI missing"] = ("app-settings", d => Settings(d.Primary).Remove("KEY_VAULT_URI")),
        ["AZURE_CLIENT_ID of nothing"] = ("app-settings", d => Settings(d.Alternate)["AZURE_CLIENT_ID"] = ""),
        ["LIVEKIT_API_KEY not the parameter"] = ("app-settings", d => Settings(d.Primary)["LIVEKIT_API_KEY"] = "devkey"),
        ["storage credential not managed identity"] = ("app-settings", d => Settings(d.Primary).Remove("AzureWebJobsStorage__credential")),
        ["worker runtime setting on Flex"] = ("app-settings", d => Settings(d.Primary)["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated"),
        ["telemetry with a key"] = ("app-settings", d => Settings(d.Primary)["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = ""),
        ["CORS wildcard"] = ("cors", d => Site(d.Primary)["siteConfig"]!["cors"]!["allowedOrigins"] = new JsonArray("*")),
        ["CORS constant"] = ("cors", d => Site(d.Alternate)["siteConfig"]!["cors"]!["allowedOrigins"] = new JsonArray([.. d.Primary.Inputs.ExpectedOrigins.Select(o => (JsonNode)o)])),
        ["App Insights local auth on"] = ("monitoring", d => Props(d.Primary, "Microsoft.Insights/components")["DisableLocalAuth"] = false),
        ["tenant output missing"] = ("outputs", d => At(d.Compiled, "outputs")!.AsObject().Remove("AZURE_TENANT_ID")),
        ["URL output over http"] = ("outputs", d => At(d.Primary.Document, "outputs")!["AZURE_FUNCTION_APP_URL"] = "http://x"),
        ["untagged resource"] = ("names-and-tags", d => First(d.Primary, "Microsoft.KeyVault/vaults").Remove("tags")),
        ["name off the abbreviations"] = ("names-and-tags", d => First(d.Primary, "Microsoft.Storage/storageAccounts")["name"] = "mystorage"),
    };

    public static TheoryData<string> Mutations => [.. s_mutations.Keys];

    [Theory]
    [MemberData(nameof(Mutations))]
    public void RuleReportsTheBreak(string mutation)
    {
        var (rule, breakIt) = s_mutations[mutation];
        Assert.Empty(InfraRules.All[rule](infra.Documents)); // the real templates pass...

        var broken = infra.Documents.DeepClone();
        breakIt(broken);

        Assert.NotEmpty(InfraRules.All[rule](broken)); // ...and this one break is caught.
    }

    [Fact]
    public void EveryRuleHasAtLeastOneBreakThatItCatches()
    {
        var covered = s_mutations.Values.Select(m => m.Rule).ToHashSet(StringComparer.Ordinal);

        var uncovered = InfraRules.All.Keys.Except(covered).ToList();

        Assert.Empty(uncovered);
    }

    private static JsonArray Predicted(Snapshot snapshot) => At(snapshot.Document, "predictedResources")!.AsArray();

    private static JsonObject First(Snapshot snapshot, string type) =>
        FirstOf(snapshot.Document, type) ?? throw new InvalidOperationException($"no {type}");

    private static JsonObject Props(Snapshot snapshot, string type) => First(snapshot, type)["properties"]!.AsObject();

    private static JsonObject Props(JsonObject resource) => resource["properties"]!.AsObject();

    private static JsonObject Props(JsonObject snapshot, Func<JsonObject, bool> which) =>
        Arm.Predicted(snapshot).First(which)["properties"]!.AsObject();

    private static JsonObject Site(Snapshot snapshot) => Props(snapshot, "Microsoft.Web/sites");

    private static JsonObject Settings(Snapshot snapshot) => Props(snapshot.Document, r => Str(r, "type") == "Microsoft.Web/sites/config");

    private static JsonObject Role(Snapshot snapshot, string role) =>
        Arm.OfType(snapshot.Document, "Microsoft.Authorization/roleAssignments").First(a => EndsWithRole(a, role));

    private static void Remove(Snapshot snapshot, JsonObject resource) => Predicted(snapshot).Remove(resource);

    private static IEnumerable<JsonObject> CompiledRoleAssignments(InfraDocuments docs) =>
        Templates(docs.Compiled).SelectMany(Resources).Where(r => Str(r, "type") == "Microsoft.Authorization/roleAssignments");

    private static JsonObject ModuleTemplateParameter(InfraDocuments docs, string module, string parameter) =>
        Resources(docs.Compiled).First(r => Str(r, "name") == module)["properties"]!["template"]!["parameters"]![parameter]!.AsObject();
}
