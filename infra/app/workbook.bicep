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
    // fallbackResourceIds: the resource the queries run against when the workbook is opened without one, from the
    // Workbooks gallery of Azure Monitor; opened from the Application Insights resource, that resource is used
    // (https://learn.microsoft.com/azure/azure-monitor/visualize/workbooks-automate: exported serializedData carries
    // fallbackResourceIds, set from the template rather than left at the exporter's ids).
    serializedData: string(union(loadJsonContent('workbook.json'), {
      fallbackResourceIds: [
        applicationInsights.id
      ]
    }))
  }
}

output id string = workbook.id
