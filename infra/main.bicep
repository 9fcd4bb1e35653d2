targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; it seeds the resource token that makes every resource name unique.')
param environmentName string

@minLength(1)
@description('Region for every resource: one that offers Azure Functions Flex Consumption.')
// The regions Microsoft's Flex Consumption quickstart allows (Azure-Samples/functions-quickstart-dotnet-azd,
// infra/main.bicep); `az functionapp list-flexconsumption-locations` shows today's list. The preprovision hook reads
// this list too, so keep it the first @allowed in this file.
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'eastus2euap'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the principal running the deployment (azd fills AZURE_PRINCIPAL_ID). It may manage the LiveKit secret in Key Vault, e.g. to rotate it. Leave empty to grant nothing.')
param principalId string = ''

@description('Kind of principal in principalId: User when a person runs azd, ServicePrincipal in CI (OIDC).')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@allowed([
  'SecretsOfficer'
  'SecretsUser'
  'None'
])
@description('Key Vault role for principalId: SecretsOfficer (rotate the secret), SecretsUser (read it: run the app locally against this vault) or None (the pipeline needs neither).')
param principalKeyVaultRole string = 'SecretsOfficer'

@minLength(1)
@description('LiveKit server URL handed to clients, e.g. wss://my-project.livekit.cloud')
param livekitUrl string

@minLength(1)
@description('LiveKit API key: the token issuer (iss). Not a secret, but it must match the secret below.')
param livekitApiKey string

@secure()
@description('LiveKit API secret that signs the tokens. Stored only in Key Vault. Empty: the vault keeps the version it has (needed once, on the first deployment; later rotations are done in the vault).')
param livekitApiSecret string = ''

@description('Browser origins allowed to call the function app (CORS), comma separated, e.g. https://app.example.com,http://localhost:3000. Empty: no browser origin.')
param corsAllowedOrigins string = ''

@allowed([
  'Anonymous'
  'Bearer'
])
@description('Who may ask for a token on top of the function key: Anonymous (callers choose an identity within policy) or Bearer (callers present a JWT from your identity provider and the LiveKit identity is taken from it).')
param authMode string = 'Anonymous'

@description('Bearer mode: the OIDC authority (issuer) whose discovery document and keys validate callers, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0')
param authAuthority string = ''

@description('Bearer mode: the audience callers\' tokens must carry, e.g. api://<app-client-id>')
param authAudience string = ''

@description('Bearer mode: the claim that becomes the LiveKit identity (sub by default; oid for Entra ID).')
param authIdentityClaim string = 'sub'

@secure()
@description('Optional id for the self-hosted sandbox token server routes (/api/sandbox/connection-details, /api/v2/sandbox/connection-details): at least 16 letters, digits or dashes. Empty: those routes answer 404. Stored only in Key Vault; the app reads it through a Key Vault reference.')
param sandboxId string = ''

@description('Serve the sandbox routes (app setting Sandbox__Id, a Key Vault reference to the secret sandboxId writes). Separate from sandboxId because the pipeline never carries the id: a push provisions with sandboxId empty and must leave the routes as they are.')
param sandboxEnabled bool = false

@description('Key Vault purge protection. IRREVERSIBLE: once a vault has it on, it can never be turned off, and a deleted vault (and its name) stays until its retention period ends: azd down --purge cannot purge it. Recommended for production.')
param keyVaultPurgeProtection bool = false

@description('Recover this environment\'s soft-deleted vault (left by azd down without --purge) instead of creating it: createMode recover. The preprovision hook asks for it when it finds one; the postprovision hook sets it back to false.')
param keyVaultRecover bool = false

@minValue(7)
@maxValue(90)
@description('Days a deleted vault and its secrets stay recoverable (soft delete). Fixed once the vault exists.')
param keyVaultSoftDeleteRetentionDays int = 7

// Flex Consumption's bounds: "The lowest maximum scale is currently 1. The highest currently supported value is 1000."
// (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#considerations; older text, still on the
// event-driven-scaling page, said 40: see TokenFunction.Tests/Support/Infra/AzureFacts.cs). Below 40 the app cannot scale out
// as load grows, so keep it well above the expected concurrency divided by each instance's share.
@minValue(1)
@maxValue(1000)
@description('Upper bound on Flex Consumption on-demand instances (cost cap): 1 to 1000.')
param maximumInstanceCount int = 100

@allowed([
  512
  2048
  4096
])
@description('Memory per Flex Consumption instance, in MB; billed per GB-second. 512: the worker peaks near 105 MB at 100 concurrent connections (docs/deploy.md, Scale, cold starts and cost).')
param instanceMemoryMB int = 512

@minValue(0)
@maxValue(1000)
@description('Always-ready instances for the http scale group: each one removes cold starts for its share of traffic and is billed while idle. 0: scale to zero.')
param httpAlwaysReadyInstances int = 0

@minValue(0)
@maxValue(1000)
@description('Concurrent HTTP requests each instance takes before Flex Consumption adds one; 0 keeps the platform default for the instance size.')
param httpPerInstanceConcurrency int = 0

@minValue(1024)
@maxValue(1048576)
@description('Largest request body the service reads (TokenPolicy__MaxRequestBodyBytes); the Functions host refuses bodies a little larger itself (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT), instead of buffering up to its 100 MB default.')
param maxRequestBodyBytes int = 65536

@description('Further app settings the service reads (TokenPolicy__*, Auth__*, KEY_VAULT_* tuning, ...), as NAME=value pairs separated by semicolons, e.g. TokenPolicy__MaxTtl=00:30:00;Auth__NameClaim=name. Settings this template manages win over entries here.')
param extraAppSettings string = ''

@description('E-mail address the alerts notify (azd: ALERT_EMAIL). Empty: the alerts and their action group exist, nobody is mailed.')
param alertEmail string = ''

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
// The app reads both halves of the LiveKit credential from this one secret (value = API secret,
// tag livekit-api-key = API key), so rotating key and secret together is a single new secret version.
var livekitSecretName = 'livekit-api-secret'
// Bearer settings are written only in bearer mode, so an anonymous deployment carries no half-configured issuer.
var authSettings = authMode == 'Bearer'
  ? {
      Auth__Mode: 'Bearer'
      Auth__Authority: authAuthority
      Auth__Audience: authAudience
      Auth__IdentityClaim: authIdentityClaim
    }
  : {}
var extraAppSettingsEntries = filter(map(split(extraAppSettings, ';'), entry => trim(entry)), entry => !empty(entry))
var extraAppSettingsObject = toObject(
  extraAppSettingsEntries,
  entry => trim(substring(entry, 0, indexOf(entry, '='))),
  entry => trim(substring(entry, indexOf(entry, '=') + 1))
)
// The host refuses larger bodies itself; the slack keeps bodies just over the cap for the service's own 413 problem.
var hostRequestBodyLimit = maxRequestBodyBytes + 1024
var corsOrigins = filter(map(split(corsAllowedOrigins, ','), origin => trim(origin)), origin => !empty(origin))

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: 'app-package-${take(functionAppName, 32)}'
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    enablePurgeProtection: keyVaultPurgeProtection
    recover: keyVaultRecover
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionDays
    secretName: livekitSecretName
    livekitApiKey: livekitApiKey
    livekitApiSecret: livekitApiSecret
    sandboxId: sandboxId
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    identityPrincipalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
    deployerKeyVaultRole: principalKeyVaultRole
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    corsAllowedOrigins: corsOrigins
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    alwaysReadyHttpInstances: httpAlwaysReadyInstances
    httpPerInstanceConcurrency: httpPerInstanceConcurrency
    sandboxIdSecretUri: sandboxEnabled ? keyVault.outputs.sandboxIdSecretUri : ''
    // Later objects win: what this template manages cannot be overridden through extraAppSettings.
    appSettings: union(extraAppSettingsObject, authSettings, {
      LIVEKIT_URL: livekitUrl
      LIVEKIT_API_KEY: livekitApiKey
      KEY_VAULT_URI: keyVault.outputs.uri
      KEY_VAULT_SECRET_NAME: keyVault.outputs.secretName
      TokenPolicy__MaxRequestBodyBytes: string(maxRequestBodyBytes)
      FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: string(hostRequestBodyLimit)
    })
  }
  // The app starts only once its identity may read the secret and reach its storage.
  dependsOn: [
    rbac
  ]
}

// Operations: alerts on the app's metrics with an action group, and the workbook an operator opens first.
module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    actionGroupName: '${abbrs.insightsActionGroups}${resourceToken}'
    alertNamePrefix: '${abbrs.insightsScheduledQueryRules}${resourceToken}-'
    alertEmail: alertEmail
    location: location
    tags: tags
  }
}

module workbook 'app/workbook.bicep' = {
  name: 'workbook'
  scope: rg
  params: {
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    displayName: 'LiveKit token service (${environmentName})'
    location: location
    tags: tags
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output AZURE_FUNCTION_APP_URL string = api.outputs.url
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.url
output KEY_VAULT_NAME string = keyVault.outputs.name
output KEY_VAULT_URI string = keyVault.outputs.uri
output KEY_VAULT_SECRET_NAME string = keyVault.outputs.secretName
