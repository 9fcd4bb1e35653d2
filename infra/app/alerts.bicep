// Alerts on the metrics the app emits (TokenFunction/Telemetry/TokenServiceTelemetry.cs), queried from the
// Application Insights resource's customMetrics table, where the Azure Monitor exporter writes OpenTelemetry metrics
// (https://learn.microsoft.com/azure/azure-monitor/app/opentelemetry-add-modify#add-custom-metrics).
// Scheduled query rules: https://learn.microsoft.com/azure/templates/microsoft.insights/scheduledqueryrules
// Action groups: https://learn.microsoft.com/azure/templates/microsoft.insights/actiongroups

param applicationInsightsName string
param actionGroupName string
@description('Prefix of the alert rule names.')
param alertNamePrefix string
param location string = resourceGroup().location
param tags object = {}

@description('Address the action group e-mails when an alert fires; empty: the alerts exist and nobody is mailed.')
param alertEmail string = ''

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  // Action groups are global resources.
  location: 'global'
  tags: tags
  properties: {
    // At most 12 characters: the sender name in e-mails and SMS.
    groupShortName: 'tokensvc'
    enabled: true
    emailReceivers: empty(alertEmail)
      ? []
      : [
          {
            name: 'operator'
            emailAddress: alertEmail
            useCommonAlertSchema: true
          }
        ]
  }
}

// The counters arrive as one customMetrics row per export interval (60 s), value = the count in that interval
// (valueSum); dimensions are in customDimensions under the tag names the code uses.
var rules = [
  {
    key: 'secret-unavailable'
    displayName: 'Token service: signing secret unavailable'
    description: 'Token requests answered 503 because no LiveKit key pair could be served (Key Vault unreadable and nothing cached, or past the maximum staleness). See docs/operations.md.'
    severity: 1
    window: 'PT5M'
    query: 'customMetrics | where name == "tokenservice.requests.unavailable" | where tostring(customDimensions["cause"]) == "secret_unavailable" | summarize Count = sum(valueSum)'
  }
  {
    key: 'keyvault-failing'
    displayName: 'Token service: Key Vault reads failing for 10 minutes'
    description: 'Every Key Vault read of the signing secret failed for 10 minutes (the cached pair is served until its maximum staleness). See docs/operations.md.'
    severity: 2
    window: 'PT10M'
    query: 'customMetrics | where name == "tokenservice.keyvault.fetches" | summarize Failed = sumif(valueSum, tostring(customDimensions["outcome"]) != "ok"), Ok = sumif(valueSum, tostring(customDimensions["outcome"]) == "ok") | where Ok == 0 | project Count = Failed'
  }
  {
    key: 'identity-provider-unavailable'
    displayName: 'Token service: identity provider unavailable'
    description: 'Bearer-mode requests answered 503 because the identity provider\'s discovery document or keys could not be read. See docs/operations.md.'
    severity: 1
    window: 'PT5M'
    query: 'customMetrics | where name == "tokenservice.requests.unavailable" | where tostring(customDimensions["cause"]) == "identity_provider_unavailable" | summarize Count = sum(valueSum)'
  }
  {
    key: 'server-errors'
    displayName: 'Token service: 5xx responses'
    description: 'Responses with a 5xx status, from our code (the request duration histogram) or from the platform (the host\'s request telemetry). See docs/operations.md.'
    severity: 1
    window: 'PT5M'
    // A 5xx our code writes is in both sources (the worker's histogram and the host's requests row for the same
    // request): adding them counted it twice. The larger of the two counts each failure once; the host's count
    // includes the platform's own 5xx, the worker's is exact where the host's telemetry is sampled.
    query: 'let code = toscalar(customMetrics | where name == "tokenservice.request.duration" | where toint(customDimensions["http.response.status_code"]) >= 500 | summarize todouble(sum(valueCount))); let host = toscalar(requests | where toint(resultCode) >= 500 | summarize todouble(sum(itemCount))); print Count = max_of(coalesce(code, 0.0), coalesce(host, 0.0))'
  }
]

resource alerts 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = [
  for rule in rules: {
    name: '${alertNamePrefix}${rule.key}'
    location: location
    tags: tags
    properties: {
      displayName: rule.displayName
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [
        applicationInsights.id
      ]
      evaluationFrequency: 'PT5M'
      windowSize: rule.window
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Total'
            metricMeasureColumn: 'Count'
            operator: 'GreaterThan'
            threshold: 0
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]

output actionGroupName string = actionGroup.name
