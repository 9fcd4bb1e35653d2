using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TokenFunction.Telemetry;
using TokenFunction.Tests.Support;
using TokenFunction.Tests.Support.Infra;
using static TokenFunction.Tests.Support.Infra.Arm;

namespace TokenFunction.Tests.Infra;

/// <summary>
/// The alerts and the workbook query the metrics the code emits: a renamed or dropped instrument fails here instead of
/// silently blanking a chart or muting an alert.
/// </summary>
[Collection(InfraTestGroup.Name)]
public sealed partial class OperationsInfraTests(InfraFixture infra)
{
    [Fact]
    public void The_workbook_and_the_alerts_query_exactly_the_metrics_the_code_emits()
    {
        var workbook = MetricNames(WorkbookQueries());
        var alerts = MetricNames(AlertQueries());

        Assert.Empty(workbook.Except(TokenServiceTelemetry.Instruments.All));
        Assert.Empty(alerts.Except(TokenServiceTelemetry.Instruments.All));
        Assert.Equal(TokenServiceTelemetry.Instruments.All.Order(), workbook.Union(alerts).Order());
    }

    [Fact]
    public void The_alerts_cover_what_the_issue_asks_for()
    {
        var queries = AlertQueries();
        Assert.Contains(queries, q => q.Contains(TokenServiceTelemetry.Instruments.Unavailable, StringComparison.Ordinal)
            && q.Contains(TokenServiceTelemetry.Causes.SecretUnavailable, StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains(TokenServiceTelemetry.Instruments.Unavailable, StringComparison.Ordinal)
            && q.Contains(TokenServiceTelemetry.Causes.IdentityProviderUnavailable, StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains(TokenServiceTelemetry.Instruments.KeyVaultFetches, StringComparison.Ordinal)
            && q.Contains(TokenServiceTelemetry.Outcomes.Ok, StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains(TokenServiceTelemetry.Instruments.RequestDuration, StringComparison.Ordinal)
            && q.Contains(TokenServiceTelemetry.Tags.Status, StringComparison.Ordinal) && q.Contains(">= 500", StringComparison.Ordinal));

        // Tag keys the queries filter on are the ones the code writes.
        foreach (var key in Regex.Matches(string.Join("\n", queries.Concat(WorkbookQueries())), @"customDimensions\[""([^""]+)""\]").Select(m => m.Groups[1].Value))
        {
            Assert.Contains(key, new[] { TokenServiceTelemetry.Tags.Route, TokenServiceTelemetry.Tags.AuthMode, TokenServiceTelemetry.Tags.Status, TokenServiceTelemetry.Tags.Reason, TokenServiceTelemetry.Tags.Cause, TokenServiceTelemetry.Tags.Outcome });
        }
    }

    [Fact]
    public void Each_alert_scopes_the_app_insights_resource_and_notifies_the_action_group_which_mails_nobody_by_default()
    {
        var snapshot = infra.Documents.Primary.Document;
        var components = OfType(snapshot, "Microsoft.Insights/components");
        var groups = OfType(snapshot, "Microsoft.Insights/actionGroups");
        var rules = OfType(snapshot, "Microsoft.Insights/scheduledQueryRules");
        var group = Assert.Single(groups);
        var insights = Assert.Single(components);
        Assert.Equal(4, rules.Count);
        Assert.Empty(At(group, "properties", "emailReceivers") as JsonArray ?? []);
        foreach (var rule in rules)
        {
            Assert.Equal(Str(insights, "id"), Str(rule, "properties", "scopes", "0") ?? (At(rule, "properties", "scopes") as JsonArray)?[0]?.GetValue<string>());
            var actions = Assert.IsType<JsonArray>(At(rule, "properties", "actions", "actionGroups"));
            Assert.Equal(Str(group, "id"), Assert.Single(actions)!.GetValue<string>());
        }

        var workbook = Assert.Single(OfType(snapshot, "Microsoft.Insights/workbooks"));
        Assert.Equal(Str(insights, "id"), Str(workbook, "properties", "sourceId"));
        JsonNode.Parse(Str(workbook, "properties", "serializedData")!);
    }

    /// <summary>
    /// Issue 19 item 10: a 5xx our code writes shows up twice, in the worker's duration histogram and in the host's
    /// requests row for the same request; adding the two sources counted it twice. The alert takes the larger count.
    /// </summary>
    [Fact]
    public void The_5xx_alert_counts_each_failed_request_once()
    {
        var query = Assert.Single(AlertQueries(), q => q.Contains("resultCode", StringComparison.Ordinal));

        Assert.Contains(TokenServiceTelemetry.Instruments.RequestDuration, query, StringComparison.Ordinal);
        Assert.Contains("requests | where toint(resultCode) >= 500", query, StringComparison.Ordinal);
        Assert.DoesNotContain("union", query, StringComparison.Ordinal);
        Assert.Matches(@"print Count = max_of\(coalesce\(code, 0\.0\), coalesce\(host, 0\.0\)\)$", query);
        Assert.Equal(2, Regex.Count(query, @"toscalar\("));
    }

    /// <summary>
    /// Issue 19 item 10: opened from the Workbooks gallery of Azure Monitor a workbook has no resource, and its queries
    /// ran against nothing; fallbackResourceIds names the Application Insights resource for that case
    /// (https://learn.microsoft.com/azure/azure-monitor/visualize/workbooks-automate), while sourceId keeps it listed
    /// under that resource.
    /// </summary>
    [Fact]
    public void The_workbook_falls_back_to_the_app_insights_resource_when_opened_from_the_gallery()
    {
        var committed = JsonNode.Parse(File.ReadAllText(RepoLayout.PathOf("infra", "app", "workbook.json")))!;
        foreach (var snapshot in infra.Documents.Snapshots)
        {
            var insights = Assert.Single(OfType(snapshot.Document, "Microsoft.Insights/components"));
            var workbook = Assert.Single(OfType(snapshot.Document, "Microsoft.Insights/workbooks"));
            var data = JsonNode.Parse(Str(workbook, "properties", "serializedData")!)!;

            Assert.Equal([Str(insights, "id")], (At(data, "fallbackResourceIds") as JsonArray ?? []).Select(n => n?.GetValue<string>()));
            Assert.Equal(Str(insights, "id"), Str(workbook, "properties", "sourceId"));
            Assert.True(JsonNode.DeepEquals(committed["items"], data["items"]), "the workbook's items are workbook.json's");
        }
    }

    private static List<string> WorkbookQueries()
    {
        var workbook = JsonNode.Parse(File.ReadAllText(RepoLayout.PathOf("infra", "app", "workbook.json")))!;
        return [.. (workbook["items"] as JsonArray ?? []).Select(i => Str(i, "content", "query")).OfType<string>()];
    }

    private List<string> AlertQueries() =>
        [.. OfType(infra.Documents.Primary.Document, "Microsoft.Insights/scheduledQueryRules")
            .SelectMany(r => At(r, "properties", "criteria", "allOf") as JsonArray ?? [])
            .Select(c => Str(c, "query")).OfType<string>()];

    private static HashSet<string> MetricNames(IEnumerable<string> queries) =>
        [.. queries.SelectMany(q => MetricName().Matches(q).Select(m => m.Value))];

    [GeneratedRegex(@"tokenservice\.[a-z_.]*[a-z]")]
    private static partial Regex MetricName();
}
