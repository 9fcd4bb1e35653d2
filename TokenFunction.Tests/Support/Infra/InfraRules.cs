using System.Text.Json.Nodes;
using static TokenFunction.Tests.Support.Infra.Arm;

namespace TokenFunction.Tests.Support.Infra;

/// <summary>
/// The security and wiring properties issue 5 asks of the infrastructure, each a named rule that lists its
/// violations (empty = holds). The tests run every rule on the real templates and, with a deliberate break,
/// show that each rule notices what it is there for.
/// </summary>
internal static class InfraRules
{
    public const string SecretsUserRole = AzureFacts.Roles.KeyVaultSecretsUser;
    public const string SecretsOfficerRole = AzureFacts.Roles.KeyVaultSecretsOfficer;
    public const string BlobDataOwnerRole = AzureFacts.Roles.StorageBlobDataOwner;
    public const string MetricsPublisherRole = AzureFacts.Roles.MonitoringMetricsPublisher;
    public const string SecretName = "livekit-api-secret";
    public const string SecretParameter = "livekitApiSecret";

    public static readonly IReadOnlyDictionary<string, Func<InfraDocuments, IEnumerable<string>>> All =
        new Dictionary<string, Func<InfraDocuments, IEnumerable<string>>>(StringComparer.Ordinal)
        {
            ["no-storage-keys"] = NoStorageKeys,
            ["storage-identity-only"] = StorageIdentityOnly,
            ["key-vault"] = KeyVault,
            ["livekit-secret"] = LivekitSecret,
            ["secret-not-exposed"] = SecretNotExposed,
            ["secrets-user-role"] = SecretsUserRoleForAppIdentity,
            ["storage-and-monitoring-roles"] = StorageAndMonitoringRoles,
            ["deployer-role"] = DeployerRole,
            ["deterministic-role-names"] = DeterministicRoleNames,
            ["function-app"] = FunctionApp,
            ["app-settings"] = AppSettings,
            ["cors"] = Cors,
            ["monitoring"] = Monitoring,
            ["outputs"] = Outputs,
            ["names-and-tags"] = NamesAndTags,
            ["known-role-ids"] = AzureRules.KnownRoleIds,
            ["flex-refused-properties-and-settings"] = AzureRules.NothingFlexConsumptionRefuses,
            ["flex-regions"] = AzureRules.LocationIsAFlexRegion,
            ["scale"] = AzureRules.Scale,
            ["request-body-limits"] = AzureRules.RequestBodyLimits,
        };

    private static readonly string[] s_forbiddenStorageCredentials =
    [
        "listKeys", "listAccountSas", "listServiceSas", "AccountKey=", "DefaultEndpointsProtocol", "SharedAccessSignature=",
    ];

    private static IEnumerable<string> NoStorageKeys(InfraDocuments docs)
    {
        var texts = new[] { ("compiled template", Text(docs.Compiled)) }
            .Concat(docs.Snapshots.Select(s => ("snapshot", Text(s.Document))));
        foreach (var (what, text) in texts)
        {
            foreach (var token in s_forbiddenStorageCredentials)
            {
                if (text.Contains(token, StringComparison.OrdinalIgnoreCase))
                {
                    yield return $"{what} contains '{token}': storage must be reached with the managed identity only";
                }
            }
        }

        foreach (var snapshot in docs.Snapshots)
        {
            var settings = AppSettingsOf(snapshot.Document);
            foreach (var name in new[] { "AzureWebJobsStorage", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "DEPLOYMENT_STORAGE_CONNECTION_STRING" })
            {
                if (settings?.ContainsKey(name) == true)
                {
                    yield return $"app setting {name} is a storage connection string";
                }
            }
        }
    }

    private static IEnumerable<string> StorageIdentityOnly(InfraDocuments docs)
    {
        var accounts = OfType(docs.Primary.Document, "Microsoft.Storage/storageAccounts");
        if (accounts.Count == 0)
        {
            yield return "no storage account";
        }

        foreach (var account in accounts)
        {
            var name = Str(account, "name");
            if (Bool(account, "properties", "allowSharedKeyAccess") != false)
            {
                yield return $"storage {name}: allowSharedKeyAccess must be false";
            }

            if (Bool(account, "properties", "allowBlobPublicAccess") != false)
            {
                yield return $"storage {name}: allowBlobPublicAccess must be false";
            }

            if (Str(account, "properties", "minimumTlsVersion") is not ("TLS1_2" or "TLS1_3"))
            {
                yield return $"storage {name}: minimumTlsVersion must be TLS1_2 or later";
            }

            if (Bool(account, "properties", "supportsHttpsTrafficOnly") != true)
            {
                yield return $"storage {name}: supportsHttpsTrafficOnly must be true";
            }
        }

        foreach (var container in OfType(docs.Primary.Document, "Microsoft.Storage/storageAccounts/blobServices/containers"))
        {
            if (Str(container, "properties", "publicAccess") is not (null or "None"))
            {
                yield return $"container {Str(container, "name")} allows public access";
            }
        }
    }

    private static IEnumerable<string> KeyVault(InfraDocuments docs)
    {
        foreach (var snapshot in docs.Snapshots)
        {
            var vaults = OfType(snapshot.Document, "Microsoft.KeyVault/vaults");
            if (vaults.Count != 1)
            {
                yield return $"expected one key vault, found {vaults.Count}";
                continue;
            }

            var vault = vaults[0];
            if (Bool(vault, "properties", "enableRbacAuthorization") != true)
            {
                yield return "key vault: enableRbacAuthorization must be true (Azure RBAC, not access policies)";
            }

            if (At(vault, "properties", "accessPolicies") is JsonArray { Count: > 0 })
            {
                yield return "key vault: access policies present";
            }

            if (Bool(vault, "properties", "enableSoftDelete") != true)
            {
                yield return "key vault: enableSoftDelete must be true";
            }

            var purge = Bool(vault, "properties", "enablePurgeProtection");
            if (snapshot.Inputs.PurgeProtection ? purge != true : purge is not null)
            {
                yield return $"key vault: purge protection must follow its parameter (asked {snapshot.Inputs.PurgeProtection}, got {purge?.ToString() ?? "unset"}; off must be unset, the API refuses false)";
            }
        }
    }

    private static IEnumerable<string> LivekitSecret(InfraDocuments docs)
    {
        var parameter = At(docs.Compiled, "parameters", SecretParameter);
        if (Str(parameter, "type") is not "securestring")
        {
            yield return $"parameter {SecretParameter} must be @secure() (securestring)";
        }

        if (At(parameter, "defaultValue") is { } defaultValue && Str(defaultValue) != "")
        {
            yield return $"parameter {SecretParameter} may only default to empty (= keep the vault's secret)";
        }

        foreach (var snapshot in docs.Snapshots)
        {
            // The optional sandbox id secret (issue 11) is not the LiveKit secret.
            var secrets = OfType(snapshot.Document, "Microsoft.KeyVault/vaults/secrets")
                .Where(s => Str(s, "name")?.EndsWith("/sandbox-id", StringComparison.Ordinal) != true).ToList();
            if (secrets.Count != 1)
            {
                yield return $"expected one key vault secret, found {secrets.Count}";
                continue;
            }

            var secret = secrets[0];
            // An empty parameter must leave the vault's current version alone (the snapshot keeps secure parameters
            // unevaluated, so the condition itself is what can be checked).
            if (Str(secret, "condition") != $"[not(empty(parameters('{SecretParameter}')))]")
            {
                yield return $"the secret must be written only when {SecretParameter} is not empty, is conditioned on {Str(secret, "condition") ?? "nothing"}";
            }

            if (Str(secret, "name")?.EndsWith("/" + SecretName, StringComparison.Ordinal) != true)
            {
                yield return $"secret name must be {SecretName}, is {Str(secret, "name")}";
            }

            if (Str(secret, "properties", "value") != $"[parameters('{SecretParameter}')]")
            {
                yield return $"secret value must come from the secure parameter {SecretParameter}";
            }

            if (Str(secret, "tags", "livekit-api-key") != snapshot.Inputs.LivekitApiKey)
            {
                yield return "secret tag livekit-api-key must carry the LiveKit API key parameter";
            }

            var vault = FirstOf(snapshot.Document, "Microsoft.KeyVault/vaults");
            if (vault is not null && Str(secret, "id")?.StartsWith(Str(vault, "id") + "/secrets/", StringComparison.OrdinalIgnoreCase) != true)
            {
                yield return "secret must live in the deployment's key vault";
            }
        }

        // Every module the secret is passed into must take it as a secure parameter too.
        foreach (var template in Templates(docs.Compiled))
        {
            foreach (var module in Resources(template).Where(r => At(r, "properties", "template") is not null))
            {
                var passed = At(module, "properties", "parameters") as JsonObject ?? [];
                foreach (var (name, value) in passed)
                {
                    if (Text(value).Contains($"parameters('{SecretParameter}')", StringComparison.Ordinal)
                        && Str(module, "properties", "template", "parameters", name, "type") is not "securestring")
                    {
                        yield return $"module {Str(module, "name")} takes the secret as parameter {name}, which is not @secure()";
                    }
                }
            }
        }
    }

    private static IEnumerable<string> SecretNotExposed(InfraDocuments docs)
    {
        foreach (var snapshot in docs.Snapshots)
        {
            var text = Text(snapshot.Document);
            if (text.Contains(snapshot.Inputs.LivekitApiSecret, StringComparison.Ordinal))
            {
                yield return "the secret's value appears in clear in the deployment snapshot";
            }

            foreach (var resource in Predicted(snapshot.Document).Where(r => Str(r, "type") != "Microsoft.KeyVault/vaults/secrets"))
            {
                if (Text(resource).Contains(SecretParameter, StringComparison.Ordinal))
                {
                    yield return $"{Str(resource, "type")} {Str(resource, "name")} uses the secret parameter";
                }
            }

            if (Text(At(snapshot.Document, "outputs")).Contains(SecretParameter, StringComparison.Ordinal))
            {
                yield return "an output carries the secret parameter";
            }

            foreach (var (name, _) in AppSettingsOf(snapshot.Document) ?? [])
            {
                if (name.Contains("SECRET", StringComparison.OrdinalIgnoreCase) && name != "KEY_VAULT_SECRET_NAME")
                {
                    yield return $"app setting {name} looks like a secret; the secret stays in Key Vault";
                }
            }
        }

        foreach (var template in Templates(docs.Compiled))
        {
            var secure = (At(template, "parameters") as JsonObject ?? [])
                .Where(p => Str(p.Value, "type") is "securestring" or "secureObject")
                .Select(p => $"parameters('{p.Key}')")
                .ToList();
            var outputs = Text(At(template, "outputs"));
            foreach (var reference in secure.Where(r => outputs.Contains(r, StringComparison.Ordinal)))
            {
                yield return $"an output uses the secure {reference}";
            }
        }
    }

    private static IEnumerable<string> SecretsUserRoleForAppIdentity(InfraDocuments docs) =>
        AppRole(docs, SecretsUserRole, "Microsoft.KeyVault/vaults", "Key Vault Secrets User");

    private static IEnumerable<string> StorageAndMonitoringRoles(InfraDocuments docs) =>
        AppRole(docs, BlobDataOwnerRole, "Microsoft.Storage/storageAccounts", "Storage Blob Data Owner")
            .Concat(AppRole(docs, MetricsPublisherRole, "Microsoft.Insights/components", "Monitoring Metrics Publisher"));

    /// <summary>The role is granted to the function app's own identity, on the resource of that type, once.</summary>
    private static IEnumerable<string> AppRole(InfraDocuments docs, string role, string scopeType, string roleName)
    {
        foreach (var snapshot in docs.Snapshots)
        {
            var identityId = AppIdentityId(snapshot.Document);
            var scope = FirstOf(snapshot.Document, scopeType);
            if (identityId is null || scope is null)
            {
                yield return $"{roleName}: no app identity or no {scopeType}";
                continue;
            }

            var matches = OfType(snapshot.Document, "Microsoft.Authorization/roleAssignments")
                .Where(a => EndsWithRole(a, role)
                    && IsScopedTo(a, Str(scope, "id")!)
                    && IsReferenceTo(Str(a, "properties", "principalId"), identityId, "principalId")
                    && Str(a, "properties", "principalType") == "ServicePrincipal")
                .ToList();
            if (matches.Count != 1)
            {
                yield return $"{roleName} ({role}) must be granted once to the function app's identity on its {scopeType}; found {matches.Count}";
            }
        }
    }

    private static IEnumerable<string> DeployerRole(InfraDocuments docs)
    {
        foreach (var snapshot in docs.Snapshots)
        {
            var assignments = OfType(snapshot.Document, "Microsoft.Authorization/roleAssignments");
            var deployer = assignments.Where(a => Str(a, "properties", "principalId") == snapshot.Inputs.PrincipalId).ToList();
            if (string.IsNullOrEmpty(snapshot.Inputs.PrincipalId))
            {
                // No deployer: every assignment left is the app identity's own.
                var identityId = AppIdentityId(snapshot.Document) ?? "?";
                if (assignments.Any(a => !IsReferenceTo(Str(a, "properties", "principalId"), identityId, "principalId")))
                {
                    yield return "with an empty principalId, only the app's identity may be granted roles";
                }

                continue;
            }

            var vaultId = Str(FirstOf(snapshot.Document, "Microsoft.KeyVault/vaults"), "id") ?? "?";
            if (deployer.Count != 1
                || !EndsWithRole(deployer[0], SecretsOfficerRole)
                || !IsScopedTo(deployer[0], vaultId)
                || Str(deployer[0], "properties", "principalType") != snapshot.Inputs.PrincipalType)
            {
                yield return $"the deploying principal must get Key Vault Secrets Officer on the vault with principalType {snapshot.Inputs.PrincipalType}";
            }
        }
    }

    private static IEnumerable<string> DeterministicRoleNames(InfraDocuments docs)
    {
        var assignments = Templates(docs.Compiled).SelectMany(Resources)
            .Where(r => Str(r, "type") == "Microsoft.Authorization/roleAssignments")
            .ToList();
        if (assignments.Count == 0)
        {
            yield return "no role assignments";
        }

        foreach (var assignment in assignments)
        {
            // guid(scope, principal, role): the same assignment gets the same name on every deployment (idempotent).
            var name = Str(assignment, "name") ?? "";
            if (!name.StartsWith("[guid(", StringComparison.Ordinal) || name.Contains("newGuid", StringComparison.OrdinalIgnoreCase))
            {
                yield return $"role assignment name {name} is not a deterministic guid()";
            }
        }
    }

    private static IEnumerable<string> FunctionApp(InfraDocuments docs)
    {
        var snapshot = docs.Primary.Document;
        var sites = OfType(snapshot, "Microsoft.Web/sites");
        var plans = OfType(snapshot, "Microsoft.Web/serverfarms");
        if (sites.Count != 1 || plans.Count != 1)
        {
            yield return $"expected one function app and one plan, found {sites.Count} and {plans.Count}";
            yield break;
        }

        var (site, plan) = (sites[0], plans[0]);
        if (Str(site, "kind")?.Contains("functionapp", StringComparison.Ordinal) != true)
        {
            yield return "site is not a function app";
        }

        if (Str(plan, "sku", "name") != "FC1" || Str(plan, "sku", "tier") != "FlexConsumption")
        {
            yield return "plan must be Flex Consumption (FC1)";
        }

        if (Str(site, "properties", "serverFarmId") != Str(plan, "id"))
        {
            yield return "function app is not on the Flex Consumption plan";
        }

        var config = At(site, "properties", "functionAppConfig");
        if (Str(config, "runtime", "name") != "dotnet-isolated" || Str(config, "runtime", "version") != "10.0")
        {
            yield return $"runtime must be dotnet-isolated 10.0, is {Str(config, "runtime", "name")} {Str(config, "runtime", "version")}";
        }

        if (At(config, "scaleAndConcurrency", "maximumInstanceCount") is null)
        {
            yield return "scaleAndConcurrency.maximumInstanceCount must be set (cost bound)";
        }

        if (Bool(site, "properties", "httpsOnly") != true)
        {
            yield return "httpsOnly must be true";
        }

        foreach (var tls in new[] { "minTlsVersion", "scmMinTlsVersion" })
        {
            if (Str(site, "properties", "siteConfig", tls) is not ("1.2" or "1.3"))
            {
                yield return $"{tls} must be 1.2 or later";
            }
        }

        var identityId = AppIdentityId(snapshot);
        if (Str(site, "identity", "type") != "UserAssigned" || identityId is null
            || !OfType(snapshot, "Microsoft.ManagedIdentity/userAssignedIdentities").Any(i => Str(i, "id") == identityId))
        {
            yield return "the app must run as exactly one user-assigned identity (and no system-assigned one) created here";
        }

        var storage = At(config, "deployment", "storage");
        if (Str(storage, "authentication", "type") != "UserAssignedIdentity"
            || Str(storage, "authentication", "userAssignedIdentityResourceId") != identityId)
        {
            yield return "deployment storage must authenticate with the app's user-assigned identity";
        }

        var containers = OfType(snapshot, "Microsoft.Storage/storageAccounts/blobServices/containers")
            .Select(c => Str(c, "name")!.Split('/')[^1]).ToList();
        var account = Str(FirstOf(snapshot, "Microsoft.Storage/storageAccounts"), "id") ?? "?";
        var target = Str(storage, "value") ?? "";
        if (Str(storage, "type") != "blobContainer"
            || !IsReferenceTo(target, account, "primaryEndpoints.blob")
            || !containers.Any(c => target.EndsWith($"'{c}')]", StringComparison.Ordinal)))
        {
            yield return "deployment storage must be a blob container of this deployment's storage account";
        }

        foreach (var policy in new[] { "ftp", "scm" })
        {
            var found = OfType(snapshot, "Microsoft.Web/sites/basicPublishingCredentialsPolicies")
                .FirstOrDefault(p => Str(p, "name") == $"{Str(site, "name")}/{policy}");
            if (Bool(found, "properties", "allow") != false)
            {
                yield return $"basic publishing credentials ({policy}) must be disabled";
            }
        }

        if (Str(site, "tags", "azd-service-name") != "api")
        {
            yield return "function app needs the azd-service-name tag 'api' (azure.yaml's service)";
        }
    }

    private static IEnumerable<string> AppSettings(InfraDocuments docs)
    {
        foreach (var snapshot in docs.Snapshots)
        {
            var doc = snapshot.Document;
            var settings = AppSettingsOf(doc);
            if (settings is null)
            {
                yield return "no appsettings resource";
                continue;
            }

            string? Setting(string name) => Str(settings, name);
            var identityId = AppIdentityId(doc) ?? "?";
            var vaultId = Str(FirstOf(doc, "Microsoft.KeyVault/vaults"), "id") ?? "?";
            var insightsId = Str(FirstOf(doc, "Microsoft.Insights/components"), "id") ?? "?";
            var secretName = Str(FirstOf(doc, "Microsoft.KeyVault/vaults/secrets"), "name")?.Split('/')[^1];

            var expectations = new (string Name, bool Holds)[]
            {
                ("LIVEKIT_URL", Setting("LIVEKIT_URL") == snapshot.Inputs.LivekitUrl),
                ("LIVEKIT_API_KEY", Setting("LIVEKIT_API_KEY") == snapshot.Inputs.LivekitApiKey),
                ("KEY_VAULT_URI", IsReferenceTo(Setting("KEY_VAULT_URI"), vaultId, "vaultUri")),
                ("KEY_VAULT_SECRET_NAME", Setting("KEY_VAULT_SECRET_NAME") == SecretName && secretName == SecretName),
                ("AZURE_CLIENT_ID", IsReferenceTo(Setting("AZURE_CLIENT_ID"), identityId, "clientId")),
                ("AzureWebJobsStorage__credential", Setting("AzureWebJobsStorage__credential") == "managedidentity"),
                ("AzureWebJobsStorage__clientId", IsReferenceTo(Setting("AzureWebJobsStorage__clientId"), identityId, "clientId")),
                ("AzureWebJobsStorage__blobServiceUri", Setting("AzureWebJobsStorage__blobServiceUri") is not null || Setting("AzureWebJobsStorage__accountName") is not null),
                ("APPLICATIONINSIGHTS_CONNECTION_STRING", IsReferenceTo(Setting("APPLICATIONINSIGHTS_CONNECTION_STRING"), insightsId, "ConnectionString")),
                ("APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
                    Setting("APPLICATIONINSIGHTS_AUTHENTICATION_STRING")?.Contains("Authorization=AAD", StringComparison.Ordinal) == true
                    && IsReferenceTo(Setting("APPLICATIONINSIGHTS_AUTHENTICATION_STRING"), identityId, "clientId")),
            };
            foreach (var (name, holds) in expectations.Where(e => !e.Holds))
            {
                yield return $"app setting {name} is missing or not wired as required (value: {Setting(name) ?? "absent"})";
            }

            // Bearer settings follow authMode: all of them in bearer mode, none at all otherwise.
            var auth = snapshot.Inputs.BearerMode
                ? new (string Name, string? Expected)[]
                {
                    ("Auth__Mode", "Bearer"),
                    ("Auth__Authority", snapshot.Inputs.AuthAuthority),
                    ("Auth__Audience", snapshot.Inputs.AuthAudience),
                    ("Auth__IdentityClaim", "oid"),
                }
                : [.. settings.Select(s => s.Key).Where(k => k.StartsWith("Auth__", StringComparison.Ordinal)).Select(k => (k, (string?)null))];
            foreach (var (name, expected) in auth.Where(a => Setting(a.Name) != a.Expected))
            {
                yield return $"app setting {name} must be {expected ?? "absent"} when authMode is {(snapshot.Inputs.BearerMode ? "Bearer" : "Anonymous")} (value: {Setting(name) ?? "absent"})";
            }

            if (settings.ContainsKey("LIVEKIT_API_SECRET"))
            {
                yield return "app setting LIVEKIT_API_SECRET must not be set (the secret stays in Key Vault)";
            }

            // extraAppSettings reaches the app, entry by entry, and cannot override what the template manages.
            foreach (var (name, value) in snapshot.Inputs.ExtraAppSettings.Where(e => Setting(e.Key) != e.Value))
            {
                yield return $"extraAppSettings entry {name} must reach the app as '{value}' (value: {Setting(name) ?? "absent"})";
            }
        }
    }

    private static IEnumerable<string> Cors(InfraDocuments docs)
    {
        foreach (var snapshot in docs.Snapshots)
        {
            var site = FirstOf(snapshot.Document, "Microsoft.Web/sites");
            var origins = (At(site, "properties", "siteConfig", "cors", "allowedOrigins") as JsonArray ?? [])
                .Select(o => o?.GetValue<string>()).ToList();
            if (!origins.SequenceEqual(snapshot.Inputs.ExpectedOrigins))
            {
                yield return $"CORS origins must come from corsAllowedOrigins: expected [{string.Join(", ", snapshot.Inputs.ExpectedOrigins)}], got [{string.Join(", ", origins)}]";
            }

            if (origins.Contains("*"))
            {
                yield return "CORS must not allow every origin";
            }

            if (Bool(site, "properties", "siteConfig", "cors", "supportCredentials") == true)
            {
                yield return "CORS must not send credentials (function keys are not cookies)";
            }
        }
    }

    private static IEnumerable<string> Monitoring(InfraDocuments docs)
    {
        var doc = docs.Primary.Document;
        var insights = OfType(doc, "Microsoft.Insights/components");
        var workspaces = OfType(doc, "Microsoft.OperationalInsights/workspaces");
        if (insights.Count != 1 || workspaces.Count != 1)
        {
            yield return "expected one Application Insights and one Log Analytics workspace";
            yield break;
        }

        if (Bool(insights[0], "properties", "DisableLocalAuth") != true)
        {
            yield return "Application Insights: local (key) auth must be off";
        }

        if (Str(insights[0], "properties", "WorkspaceResourceId") != Str(workspaces[0], "id"))
        {
            yield return "Application Insights must send to the Log Analytics workspace";
        }

        if (Bool(workspaces[0], "properties", "features", "disableLocalAuth") != true)
        {
            yield return "Log Analytics: local auth must be off";
        }
    }

    private static IEnumerable<string> Outputs(InfraDocuments docs)
    {
        var declared = At(docs.Compiled, "outputs") as JsonObject ?? [];
        foreach (var name in new[] { "AZURE_LOCATION", "AZURE_TENANT_ID", "AZURE_FUNCTION_APP_NAME", "AZURE_FUNCTION_APP_URL", "KEY_VAULT_URI" })
        {
            if (!declared.ContainsKey(name))
            {
                yield return $"output {name} missing";
            }
        }

        var snapshot = docs.Primary;
        var outputs = At(snapshot.Document, "outputs");
        var siteId = Str(FirstOf(snapshot.Document, "Microsoft.Web/sites"), "id") ?? "?";
        var siteName = Str(FirstOf(snapshot.Document, "Microsoft.Web/sites"), "name");
        var vaultId = Str(FirstOf(snapshot.Document, "Microsoft.KeyVault/vaults"), "id") ?? "?";
        if (Str(outputs, "AZURE_LOCATION") != snapshot.Inputs.Location)
        {
            yield return "AZURE_LOCATION must be the location parameter";
        }

        if (Str(outputs, "AZURE_TENANT_ID") != snapshot.Inputs.TenantId)
        {
            yield return "AZURE_TENANT_ID must be the deployment's tenant";
        }

        if (Str(outputs, "AZURE_FUNCTION_APP_NAME") != siteName)
        {
            yield return "AZURE_FUNCTION_APP_NAME must be the function app's name";
        }

        var url = Str(outputs, "AZURE_FUNCTION_APP_URL");
        if (url?.StartsWith("[format('https://{0}'", StringComparison.Ordinal) != true || !IsReferenceTo(url, siteId, "defaultHostName"))
        {
            yield return $"AZURE_FUNCTION_APP_URL must be https:// plus the app's host name, is {url}";
        }

        if (!IsReferenceTo(Str(outputs, "KEY_VAULT_URI"), vaultId, "vaultUri"))
        {
            yield return "KEY_VAULT_URI must be the vault's URI";
        }
    }

    private static IEnumerable<string> NamesAndTags(InfraDocuments docs)
    {
        var abbreviations = JsonNode.Parse(File.ReadAllText(RepoLayout.PathOf("infra", "abbreviations.json")))!.AsObject();
        var prefixes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Microsoft.Resources/resourceGroups"] = "resourcesResourceGroups",
            ["Microsoft.Web/sites"] = "webSitesFunctions",
            ["Microsoft.Web/serverfarms"] = "webServerFarms",
            ["Microsoft.Storage/storageAccounts"] = "storageStorageAccounts",
            ["Microsoft.KeyVault/vaults"] = "keyVaultVaults",
            ["Microsoft.ManagedIdentity/userAssignedIdentities"] = "managedIdentityUserAssignedIdentities",
            ["Microsoft.OperationalInsights/workspaces"] = "operationalInsightsWorkspaces",
            ["Microsoft.Insights/components"] = "insightsComponents",
            ["Microsoft.Insights/actionGroups"] = "insightsActionGroups",
            ["Microsoft.Insights/scheduledQueryRules"] = "insightsScheduledQueryRules",
        };
        var snapshot = docs.Primary;
        foreach (var resource in Predicted(snapshot.Document).Where(r => At(r, "location") is not null))
        {
            var type = Str(resource, "type")!;
            var name = Str(resource, "name") ?? "";
            if (string.Equals(type, "Microsoft.Insights/workbooks", StringComparison.OrdinalIgnoreCase))
            {
                // A workbook's name must be a GUID (learn.microsoft.com/azure/templates/microsoft.insights/workbooks).
                if (!Guid.TryParse(name, out _))
                {
                    yield return $"workbook {name} must be named by a GUID";
                }
            }
            else if (!prefixes.TryGetValue(type, out var key) || Str(abbreviations, key) is not { } prefix)
            {
                yield return $"{type} has no abbreviation in abbreviations.json";
            }
            else if (!name.StartsWith(prefix, StringComparison.Ordinal))
            {
                yield return $"{type} {name} must be named from abbreviations.json ({prefix}…)";
            }

            if (Str(resource, "tags", "azd-env-name") != snapshot.Inputs.EnvironmentName)
            {
                yield return $"{type} {name} must carry the azd-env-name tag";
            }
        }

        var group = FirstOf(snapshot.Document, "Microsoft.Resources/resourceGroups");
        if (Str(group, "name") != "rg-" + snapshot.Inputs.EnvironmentName)
        {
            yield return "resource group must be rg-<environment name>";
        }
    }

    internal static JsonObject? AppSettingsOf(JsonObject snapshot) =>
        At(OfType(snapshot, "Microsoft.Web/sites/config").FirstOrDefault(c => Str(c, "name")?.EndsWith("/appsettings", StringComparison.Ordinal) == true),
            "properties") as JsonObject;

    /// <summary>The resource id of the one user-assigned identity the function app runs as.</summary>
    internal static string? AppIdentityId(JsonObject snapshot)
    {
        var site = FirstOf(snapshot, "Microsoft.Web/sites");
        return At(site, "identity", "userAssignedIdentities") is JsonObject { Count: 1 } ids ? ids.First().Key : null;
    }
}
