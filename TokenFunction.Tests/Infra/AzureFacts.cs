namespace TokenFunction.Tests.Infra;

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
}
