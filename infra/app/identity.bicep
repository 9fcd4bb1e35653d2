@description('Name of the user-assigned managed identity the function app runs as.')
param name string
param location string = resourceGroup().location
param tags object = {}

// User-assigned rather than system-assigned: it exists before the app, so its role assignments are in place
// (and propagating) before the app first starts, and it survives the app being recreated.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
