using System.Text.Json.Nodes;
using TokenFunction.Tests.Support.Infra;
using static TokenFunction.Tests.Support.Infra.Arm;

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
        ["consumption plan Y1"] = ("function-app", d => First(d.Primary, "Microsoft.Web/serverfarms")["sku"]!["name"] = "Y1"),
        ["deployment storage by connection string"] = ("function-app", d => Site(d.Primary)["functionAppConfig"]!["deployment"]!["storage"]!["authentication"]!["type"] = "StorageAccountConnectionString"),
        ["system-assigned identity"] = ("function-app", d => First(d.Primary, "Microsoft.Web/sites")["identity"]!["type"] = "SystemAssigned, UserAssigned"),
        ["scm basic auth on"] = ("function-app", d => Props(d.Primary.Document, d => Str(d, "name")?.EndsWith("/scm", StringComparison.Ordinal) == true)["allow"] = true),
        ["no azd service tag"] = ("function-app", d => First(d.Primary, "Microsoft.Web/sites")["tags"]!.AsObject().Remove("azd-service-name")),
        ["KEY_VAULT_URI missing"] = ("app-settings", d => Settings(d.Primary).Remove("KEY_VAULT_URI")),
        ["AZURE_CLIENT_ID of nothing"] = ("app-settings", d => Settings(d.Alternate)["AZURE_CLIENT_ID"] = ""),
        ["LIVEKIT_API_KEY not the parameter"] = ("app-settings", d => Settings(d.Primary)["LIVEKIT_API_KEY"] = "devkey"),
        ["storage credential not managed identity"] = ("app-settings", d => Settings(d.Primary).Remove("AzureWebJobsStorage__credential")),
        ["extra app setting dropped"] = ("app-settings", d => Settings(d.Primary).Remove("TokenPolicy__MaxTtl")),
        ["extra app setting overridden"] = ("app-settings", d => Settings(d.Primary)["Auth__NameClaim"] = "name"),
        ["telemetry with a key"] = ("app-settings", d => Settings(d.Primary)["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = ""),
        ["maximum instance count floor of 40 (older Learn text)"] = ("scale", d => At(d.Compiled, "parameters", "maximumInstanceCount")!["minValue"] = 40),
        ["maximum instance count unbounded in the api module"] = ("scale", d => ModuleTemplateParameter(d, "api", "maximumInstanceCount").Remove("maxValue")),
        ["CORS wildcard"] = ("cors", d => Site(d.Primary)["siteConfig"]!["cors"]!["allowedOrigins"] = new JsonArray("*")),
        ["CORS constant"] = ("cors", d => Site(d.Alternate)["siteConfig"]!["cors"]!["allowedOrigins"] = new JsonArray([.. d.Primary.Inputs.ExpectedOrigins.Select(o => (JsonNode)o)])),
        ["App Insights local auth on"] = ("monitoring", d => Props(d.Primary, "Microsoft.Insights/components")["DisableLocalAuth"] = false),
        ["tenant output missing"] = ("outputs", d => At(d.Compiled, "outputs")!.AsObject().Remove("AZURE_TENANT_ID")),
        ["URL output over http"] = ("outputs", d => At(d.Primary.Document, "outputs")!["AZURE_FUNCTION_APP_URL"] = "http://x"),
        ["untagged resource"] = ("names-and-tags", d => First(d.Primary, "Microsoft.KeyVault/vaults").Remove("tags")),
        ["secret written even when none is given"] = ("livekit-secret", d => First(d.Alternate, "Microsoft.KeyVault/vaults/secrets").Remove("condition")),
        // Today's two mistakes (issue 10), as the compiled template carried them, and their relatives.
        ["Monitoring Metrics Publisher id as the template had it"] = ("known-role-ids", d => Props(Role(d.Primary, InfraRules.MetricsPublisherRole))["roleDefinitionId"] = "/providers/Microsoft.Authorization/roleDefinitions/" + WrongMetricsPublisherId),
        ["a role id that is not built in"] = ("known-role-ids", d => Props(Role(d.Alternate, InfraRules.BlobDataOwnerRole))["roleDefinitionId"] = "/providers/Microsoft.Authorization/roleDefinitions/" + Guid.NewGuid()),
        ["ftpsState in siteConfig as the template had it"] = ("flex-refused-properties-and-settings", d => Site(d.Primary)["siteConfig"]!["ftpsState"] = "Disabled"),
        ["ftpsState in the compiled api module"] = ("flex-refused-properties-and-settings", d => CompiledSite(d)["properties"]!["siteConfig"]!["ftpsState"] = "Disabled"),
        ["linuxFxVersion in a web config resource"] = ("flex-refused-properties-and-settings", d => Predicted(d.Alternate).Add(new JsonObject { ["type"] = "Microsoft.Web/sites/config", ["name"] = "app/web", ["properties"] = new JsonObject { ["linuxFxVersion"] = "DOTNET-ISOLATED|10.0" } })),
        ["worker runtime app setting"] = ("flex-refused-properties-and-settings", d => Settings(d.Alternate)["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated"),
        ["run-from-package in siteConfig.appSettings"] = ("flex-refused-properties-and-settings", d => Site(d.Primary)["siteConfig"]!["appSettings"] = new JsonArray(new JsonObject { ["name"] = "WEBSITE_RUN_FROM_PACKAGE", ["value"] = "1" })),
        ["a region without Flex Consumption allowed"] = ("flex-regions", d => At(d.Compiled, "parameters", "location", "allowedValues")!.AsArray().Add("westindia")),
        ["location unconstrained"] = ("flex-regions", d => At(d.Compiled, "parameters", "location")!.AsObject().Remove("allowedValues")),
        ["always-ready ignores its parameter"] = ("scale", d => Site(d.Primary)["functionAppConfig"]!["scaleAndConcurrency"]!.AsObject().Remove("alwaysReady")),
        ["HTTP concurrency ignores its parameter"] = ("scale", d => Site(d.Primary)["functionAppConfig"]!["scaleAndConcurrency"]!["triggers"]!["http"]!["perInstanceConcurrency"] = d.Primary.Inputs.HttpPerInstanceConcurrency + 1),
        ["instance size Flex does not offer"] = ("scale", d => At(d.Compiled, "parameters", "instanceMemoryMB")!["defaultValue"] = 1024),
        ["host body limit left at its default"] = ("request-body-limits", d => Settings(d.Primary).Remove(AzureFacts.RequestBodySizeLimitSetting)),
        ["host body limit under the service's cap"] = ("request-body-limits", d => Settings(d.Alternate)[AzureFacts.RequestBodySizeLimitSetting] = (d.Alternate.Inputs.MaxRequestBodyBytes - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ["name off the abbreviations"] = ("names-and-tags", d => First(d.Primary, "Microsoft.Storage/storageAccounts")["name"] = "mystorage"),
    };

    /// <summary>The Monitoring Metrics Publisher id infra/app/rbac.bicep carried before issue 10: no such role exists.</summary>
    internal const string WrongMetricsPublisherId = "3913510d-42f4-4e42-8a64-420e390235da";

    public static TheoryData<string> Mutations => [.. s_mutations.Keys];

    [Theory]
    [MemberData(nameof(Mutations))]
    public void Rule_reports_the_break(string mutation)
    {
        var (rule, breakIt) = s_mutations[mutation];
        Assert.Empty(InfraRules.All[rule](infra.Documents)); // the real templates pass...

        var broken = infra.Documents.DeepClone();
        breakIt(broken);

        Assert.NotEmpty(InfraRules.All[rule](broken)); // ...and this one break is caught.
    }

    [Fact]
    public void Every_rule_has_at_least_one_break_that_it_catches()
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

    private static JsonObject CompiledSite(InfraDocuments docs) =>
        Templates(docs.Compiled).SelectMany(Resources).First(r => Str(r, "type") == "Microsoft.Web/sites");

    private static JsonObject ModuleTemplateParameter(InfraDocuments docs, string module, string parameter) =>
        Resources(docs.Compiled).First(r => Str(r, "name") == module)["properties"]!["template"]!["parameters"]![parameter]!.AsObject();
}
