// The operator's first view: an Azure Monitor workbook over the Application Insights resource.
// Workbook resources: https://learn.microsoft.com/azure/templates/microsoft.insights/workbooks (the name is a GUID)
// and https://learn.microsoft.com/azure/azure-monitor/visualize/workbooks-automate (serializedData, sourceId).

param applicationInsightsName string
param displayName string
param location string = resourceGroup().location
param tags object = {}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, applicationInsightsName, 'token-service-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: applicationInsights.id
    // The queries name the metrics the code emits; TokenFunction.Tests/Telemetry keeps the two lists equal.
    serializedData: loadTextContent('workbook.json')
  }
}

output id string = workbook.id
