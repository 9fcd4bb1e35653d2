param name string
param planName string
param location string = resourceGroup().location
param tags object = {}

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string
@description('Client id of that identity: how the Azure SDK and the Functions host pick it.')
param identityClientId string

param storageAccountName string
param deploymentContainerName string
param applicationInsightsName string

@description('Browser origins allowed by CORS; empty allows none.')
param corsAllowedOrigins string[]

// Flex Consumption's bounds (see main.bicep).
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 512

@minValue(0)
@maxValue(1000)
@description('Instances of the http scale group kept running (always ready); 0 lets the app scale to zero.')
param alwaysReadyHttpInstances int = 0

@minValue(0)
@maxValue(1000)
@description('Concurrent HTTP requests per instance; 0 leaves the platform default for the instance size.')
param httpPerInstanceConcurrency int = 0

@description('Application settings of the app itself (never a secret: the secret stays in Key Vault).')
param appSettings object

@description('Key Vault URI of the sandbox id secret; empty leaves the sandbox routes off (no Sandbox__Id setting).')
param sandboxIdSecretUri string = ''

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    publicNetworkAccess: 'Enabled'
    // Key Vault references in app settings (Sandbox__Id) are resolved with the app's user-assigned identity.
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: union(
        {
          maximumInstanceCount: maximumInstanceCount
          instanceMemoryMB: instanceMemoryMB
          alwaysReady: alwaysReadyHttpInstances > 0 ? [{ name: 'http', instanceCount: alwaysReadyHttpInstances }] : []
        },
        httpPerInstanceConcurrency > 0 ? { triggers: { http: { perInstanceConcurrency: httpPerInstanceConcurrency } } } : {}
      )
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    // No ftpsState: Flex Consumption refuses it (FTP is off through basicPublishingCredentialsPolicies below).
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
      cors: {
        allowedOrigins: corsAllowedOrigins
        supportCredentials: false
      }
    }
  }

  // Flex Consumption takes the worker runtime and version from functionAppConfig, not from
  // FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION settings.
  resource settings 'config' = {
    name: 'appsettings'
    properties: union(appSettings, empty(sandboxIdSecretUri) ? {} : {
      Sandbox__Id: '@Microsoft.KeyVault(SecretUri=${sandboxIdSecretUri})'
    }, {
      // Identity-based host storage: account endpoint plus the identity, no connection string or key.
      AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      AZURE_CLIENT_ID: identityClientId
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    })
  }

  // No publishing passwords: deployments authenticate with Entra ID (azd) instead of basic auth.
  resource ftpCredentials 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource scmCredentials 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }
}

output name string = functionApp.name
output url string = 'https://${functionApp.properties.defaultHostName}'
