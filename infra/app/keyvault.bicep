param name string
param location string = resourceGroup().location
param tags object = {}

// WARNING: purge protection is IRREVERSIBLE. Once true, the vault can never have it turned off again, and a
// deleted vault cannot be purged: it (and its globally unique name) lingers until softDeleteRetentionInDays pass.
@description('Turn on purge protection (irreversible once on; blocks azd down --purge for this vault).')
param enablePurgeProtection bool

@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int

// A vault name stays taken while a soft-deleted vault holds it, so `azd up` after `azd down` (no --purge) cannot create
// it again; createMode 'recover' brings the deleted vault back, secrets included, and fails when there is none to
// recover (https://learn.microsoft.com/azure/templates/microsoft.keyvault/vaults, properties.createMode;
// https://learn.microsoft.com/azure/key-vault/general/key-vault-recovery).
@description('Recover the soft-deleted vault of this name instead of creating one.')
param recover bool = false

@description('Name of the secret that holds the LiveKit API secret.')
param secretName string

@description('LiveKit API key, stored as the secret\'s livekit-api-key tag so key and secret rotate together.')
param livekitApiKey string

@description('LiveKit API secret. Empty: the secret is not written, so the vault keeps its current version (a rotation done in the vault is never undone by a provision).')
@secure()
param livekitApiSecret string

@secure()
@description('The sandbox routes\' id; written as a secret only when set.')
param sandboxId string = ''

var sandboxSecretName = 'sandbox-id'

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    createMode: recover ? 'recover' : 'default'
    sku: {
      family: 'A'
      name: 'standard'
    }
    // Azure RBAC, not access policies: the app gets Key Vault Secrets User on this vault and nothing more.
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // The API refuses an explicit false once purge protection exists, so "off" is expressed by omitting it.
    enablePurgeProtection: enablePurgeProtection ? true : null
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }

  resource livekitSecret 'secrets' = if (!empty(livekitApiSecret)) {
    name: secretName
    tags: {
      'livekit-api-key': livekitApiKey
    }
    properties: {
      value: livekitApiSecret
      contentType: 'text/plain'
      attributes: {
        enabled: true
      }
    }
  }
}

// The sandbox id is as public as a function key once shipped in an app, but it still never sits in a plain app setting.
resource sandboxSecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = if (!empty(sandboxId)) {
  parent: vault
  name: sandboxSecretName
  properties: {
    value: sandboxId
    contentType: 'text/plain'
    attributes: {
      enabled: true
    }
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
output secretName string = secretName
@description('Versionless URI of the sandbox id secret (the app follows rotations); the secret exists only when an id was set.')
output sandboxIdSecretUri string = '${vault.properties.vaultUri}secrets/${sandboxSecretName}'
