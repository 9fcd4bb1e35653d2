namespace TokenFunction.Tests.Support.Infra;

/// <summary>
/// What Azure accepts, copied from Microsoft's own pages (each list names its source), so the infra tests compare the
/// templates with Azure and not with themselves. Never edit a value here to make a template pass: re-read the source.
/// </summary>
internal static class AzureFacts
{
    /// <summary>Built-in role definition ids the templates may assign (the same in every tenant).</summary>
    public static class Roles
    {
        // https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security#key-vault-secrets-user
        public const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

        // https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security#key-vault-secrets-officer
        public const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";

        // https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/storage#storage-blob-data-owner
        public const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";

        // https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/monitor#monitoring-metrics-publisher
        public const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

        public static readonly IReadOnlyDictionary<string, string> ByName = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Key Vault Secrets User"] = KeyVaultSecretsUser,
            ["Key Vault Secrets Officer"] = KeyVaultSecretsOfficer,
            ["Storage Blob Data Owner"] = StorageBlobDataOwner,
            ["Monitoring Metrics Publisher"] = MonitoringMetricsPublisher,
        };
    }

    /// <summary>
    /// The "Flex Consumption plan deprecations" table, in its order, split into its app settings and its site
    /// properties (the table writes properties as <c>properties.x</c> or <c>properties.siteConfig.x</c>).
    /// https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations
    /// </summary>
    public static class FlexConsumptionRefuses
    {
        public static readonly IReadOnlyList<string> AppSettings =
        [
            "ENABLE_ORYX_BUILD",
            "FUNCTIONS_EXTENSION_VERSION",
            "FUNCTIONS_WORKER_RUNTIME",
            "FUNCTIONS_WORKER_RUNTIME_VERSION",
            "FUNCTIONS_MAX_HTTP_CONCURRENCY",
            "FUNCTIONS_WORKER_PROCESS_COUNT",
            "FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED",
            "SCM_DO_BUILD_DURING_DEPLOYMENT",
            "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
            "WEBSITE_CONTENTOVERVNET",
            "WEBSITE_CONTENTSHARE",
            "WEBSITE_DNS_SERVER",
            "WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT",
            "WEBSITE_NODE_DEFAULT_VERSION",
            "WEBSITE_RUN_FROM_PACKAGE",
            "WEBSITE_SKIP_CONTENTSHARE_VALIDATION",
            "WEBSITE_VNET_ROUTE_ALL",
        ];

        public static readonly IReadOnlyList<string> SiteProperties =
        [
            "properties.alwaysOn",
            "properties.containerSize",
            "properties.dnsConfiguration",
            "properties.ftpsState",
            "properties.isReserved",
            "properties.IsXenon",
            "properties.javaVersion",
            "properties.LinuxFxVersion",
            "properties.netFrameworkVersion",
            "properties.powerShellVersion",
            "properties.siteConfig.functionAppScaleLimit",
            "properties.siteConfig.preWarmedInstanceCount",
            "properties.use32BitWorkerProcess",
            "properties.vnetBackupRestoreEnabled",
            "properties.vnetContentShareEnabled",
            "properties.vnetImagePullEnabled",
            "properties.vnetRouteAllEnabled",
            "properties.windowsFxVersion",
        ];

        /// <summary>The property names alone: the table's paths mix site and siteConfig levels, so a name is refused wherever it appears.</summary>
        public static IEnumerable<string> SitePropertyNames => SiteProperties.Select(p => p.Split('.')[^1]);
    }

    /// <summary>
    /// Regions that offer Flex Consumption. Learn publishes no fixed list: it says to ask
    /// <c>az functionapp list-flexconsumption-locations</c>
    /// (https://learn.microsoft.com/azure/azure-functions/flex-consumption-how-to#view-currently-supported-regions).
    /// This is the list Microsoft's Flex Consumption quickstart allows for <c>location</c>
    /// (https://github.com/Azure-Samples/functions-quickstart-dotnet-azd/blob/fe74255cf1a7d5bf247e60fd63cb8379a8a536c2/infra/main.bicep),
    /// which the Flex Consumption plan page points to for samples
    /// (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan).
    /// </summary>
    public static readonly IReadOnlyList<string> FlexConsumptionRegions =
    [
        "australiaeast", "australiasoutheast", "brazilsouth", "canadacentral", "centralindia", "centralus", "eastasia",
        "eastus", "eastus2", "eastus2euap", "francecentral", "germanywestcentral", "italynorth", "japaneast",
        "koreacentral", "northcentralus", "northeurope", "norwayeast", "southafricanorth", "southcentralus",
        "southeastasia", "southindia", "spaincentral", "swedencentral", "uaenorth", "uksouth", "ukwest",
        "westcentralus", "westeurope", "westus", "westus2", "westus3",
    ];

    /// <summary>
    /// Instance memory sizes Flex Consumption offers, in MB, and the memory each instance gets on top for the system
    /// and the Functions host (not billed).
    /// https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#instance-sizes
    /// </summary>
    public static readonly IReadOnlyList<int> FlexInstanceMemoryMB = [512, 2048, 4096];

    public const int FlexPlatformBufferMB = 272;

    /// <summary>
    /// The host's own cap on an HTTP request body, in bytes (app setting FUNCTIONS_REQUEST_BODY_SIZE_LIMIT; not among
    /// Flex Consumption's deprecations above). https://learn.microsoft.com/azure/azure-functions/functions-app-settings#functions_request_body_size_limit
    /// </summary>
    public const string RequestBodySizeLimitSetting = "FUNCTIONS_REQUEST_BODY_SIZE_LIMIT";

    public const long DefaultRequestBodySizeLimit = 104_857_600;

    /// <summary>
    /// Log categories the Functions host hands to no exporter in <c>"telemetryMode": "OpenTelemetry"</c> once the worker
    /// says it exports its own telemetry (<c>UseFunctionsWorkerDefaults</c>): a level set for them in host.json changes
    /// nothing that is exported. https://github.com/Azure/azure-functions-host/blob/89dc438d/src/WebJobs.Script/Diagnostics/OpenTelemetry/OpenTelemetryConfigurationExtensions.cs
    /// (the <c>AddFilter&lt;OpenTelemetryLoggerProvider&gt;</c> calls; <c>Function.*</c>, <c>Azure.*</c> and
    /// <c>Microsoft.Azure.WebJobs.*</c> are filtered the same way).
    /// </summary>
    public static readonly IReadOnlyList<string> HostCategoriesIgnoredInOpenTelemetryMode = ["Host.Results", "Host.Aggregator"];

    /// <summary>
    /// The Flex Consumption bounds on functionAppConfig.scaleAndConcurrency.maximumInstanceCount. Learn's Flex
    /// Consumption plan page, Considerations: "The lowest maximum scale is currently 1. The highest currently supported
    /// value is 1000." (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#considerations). Older
    /// text said 40 (still on https://learn.microsoft.com/azure/azure-functions/event-driven-scaling#flex-consumption-plan);
    /// values under 40 were opened region by region from January 2026
    /// (https://github.com/Azure/azure-functions-host/issues/10523, Microsoft's comment of 2026-01-05), and a pull
    /// request to put 40 back on the plan page was closed unmerged (https://github.com/MicrosoftDocs/azure-docs/pull/128255).
    /// </summary>
    public const int FlexMaximumInstanceCountLowest = 1;

    public const int FlexMaximumInstanceCountHighest = 1000;

    /// <summary>What azd (Azure/azure-dev at ae35809f496491989273d0edefdeb70f245f399b) does, as the templates rely on it.</summary>
    public static class Azd
    {
        /// <summary>
        /// `azd pipeline config` grants these roles at subscription scope unless --principal-role names others
        /// (cli/azd/pkg/pipeline/pipeline_manager.go, DefaultRoleNames; cli/azd/cmd/pipeline.go, --principal-role;
        /// cli/azd/pkg/entraid/entraid.go, ensureRoleAssignment: scope defaults to the subscription).
        /// </summary>
        public static readonly IReadOnlyList<string> PipelineConfigDefaultRoles = ["Contributor", "User Access Administrator"];

        /// <summary>Deprecated: cli/azd/pkg/environment/environment.go, AzdInitialEnvironmentConfigName.</summary>
        public const string DeprecatedInitialEnvironmentConfig = "AZD_INITIAL_ENVIRONMENT_CONFIG";

        /// <summary>
        /// Replaced in a parameters file by the signed-in principal's type whatever the environment holds
        /// (cli/azd/pkg/infra/provisioning/bicep/bicep_provider.go, evalParamEnvSubst).
        /// </summary>
        public const string IgnoredPrincipalType = "AZURE_PRINCIPAL_TYPE";

        /// <summary>Branches `azd pipeline config` creates a GitHub federated credential for besides pull requests
        /// (cli/azd/pkg/pipeline/github_provider.go, credentialOptions: the current branch and main).</summary>
        public const string FederatedBranch = "main";
    }

    /// <summary>
    /// The GitHub actions the workflows use, each pinned to the commit its release tag points to (read with
    /// <c>git rev-parse TAG^{commit}</c> in each action's repository: github.com/actions/checkout,
    /// github.com/actions/setup-dotnet, github.com/actions/setup-node, github.com/Azure/setup-azd).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string Commit, string Version)> PinnedActions =
        new Dictionary<string, (string, string)>(StringComparer.Ordinal)
        {
            ["actions/checkout"] = ("11d5960a326750d5838078e36cf38b85af677262", "v4.4.0"),
            ["actions/setup-dotnet"] = ("67a3573c9a986a3f9c594539f4ab511d57bb3ce9", "v4.3.1"),
            ["actions/setup-node"] = ("49933ea5288caeca8642d1e84afbd3f7d6820020", "v4.4.0"),
            ["Azure/setup-azd"] = ("0b7e3a35ab00f2eee7080c845eb39c3f0ebfa553", "v2.4.0"),
        };

    /// <summary>
    /// Key Vault's properties.createMode: 'default' creates the vault (and fails while a soft-deleted vault holds the
    /// name), 'recover' brings back the soft-deleted vault of that name, secrets included, and fails when there is none
    /// (https://learn.microsoft.com/azure/templates/microsoft.keyvault/vaults;
    /// https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview: a soft-deleted vault's name cannot be
    /// reused until it is purged or its retention period ends).
    /// </summary>
    public static readonly IReadOnlyList<string> KeyVaultCreateModes = ["default", "recover"];
}
