@description('Principal (object) id of the function app\'s user-assigned identity.')
param identityPrincipalId string
param storageAccountName string
param keyVaultName string
param applicationInsightsName string

@description('Object id of whoever runs the deployment; empty grants it nothing.')
param deployerPrincipalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param deployerPrincipalType string = 'User'

@description('Key Vault role of the deployer: SecretsOfficer may rotate the secret, SecretsUser may only read it (enough to run the app locally against this vault), None grants nothing (a pipeline needs no data access).')
@allowed([
  'SecretsOfficer'
  'SecretsUser'
  'None'
])
param deployerKeyVaultRole string = 'SecretsOfficer'

// Built-in role definition ids (the same in every tenant), as listed on Microsoft Learn's built-in roles pages
// (security#key-vault-secrets-user, security#key-vault-secrets-officer, storage#storage-blob-data-owner,
// monitor#monitoring-metrics-publisher under learn.microsoft.com/azure/role-based-access-control/built-in-roles/).
var roles = {
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// The app reads the LiveKit secret (and its key tag); it cannot list, write or delete secrets.
resource appSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identityPrincipalId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The Functions host keeps its leases and keys in blob storage, and the Flex deployment package lives there.
resource appBlobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identityPrincipalId, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Application Insights has local auth off: telemetry needs this role.
resource appMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, identityPrincipalId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

var deployerRole = deployerKeyVaultRole == 'SecretsOfficer' ? roles.keyVaultSecretsOfficer : roles.keyVaultSecretsUser

// The deployer may rotate the secret (Officer) or read it to run the app locally (User), without editing access by hand.
resource deployerVaultRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId) && deployerKeyVaultRole != 'None') {
  name: guid(vault.id, deployerPrincipalId, deployerRole)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', deployerRole)
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}
