using System.Text.Json.Nodes;

namespace TokenFunction.Tests.Support.Infra;

/// <summary>Parameter values a snapshot was taken with (random per run, so nothing can be hard-coded to them).</summary>
internal sealed record SnapshotInputs(
    string EnvironmentName,
    string Location,
    string SubscriptionId,
    string TenantId,
    string PrincipalId,
    string PrincipalType,
    string LivekitUrl,
    string LivekitApiKey,
    string LivekitApiSecret,
    string CorsAllowedOrigins,
    IReadOnlyList<string> ExpectedOrigins,
    bool PurgeProtection,
    bool BearerMode,
    int MaxRequestBodyBytes,
    int HttpAlwaysReadyInstances,
    int HttpPerInstanceConcurrency,
    IReadOnlyDictionary<string, string> ExtraAppSettings)
{
    public string AuthAuthority => $"https://login.{EnvironmentName}.example/{TenantId}/v2.0";

    public string AuthAudience => $"api://{EnvironmentName}";

    /// <summary>keyVaultRecover (createMode recover).</summary>
    public bool KeyVaultRecover { get; init; }

    /// <summary>sandboxEnabled; sandboxId is never set, as on a push (the pipeline never carries the id).</summary>
    public bool SandboxEnabled { get; init; }

    /// <summary>principalKeyVaultRole, when a snapshot sets it (otherwise the template's default).</summary>
    public string? PrincipalKeyVaultRole { get; init; }

    public string ToBicepParam() => $"""
        using 'main.bicep'

        param environmentName = '{EnvironmentName}'
        param location = '{Location}'
        param principalId = '{PrincipalId}'
        param principalType = '{PrincipalType}'
        param livekitUrl = '{LivekitUrl}'
        param livekitApiKey = '{LivekitApiKey}'
        param livekitApiSecret = '{LivekitApiSecret}'
        param corsAllowedOrigins = '{CorsAllowedOrigins}'
        param keyVaultPurgeProtection = {(PurgeProtection ? "true" : "false")}
        param authMode = '{(BearerMode ? "Bearer" : "Anonymous")}'
        param authAuthority = '{AuthAuthority}'
        param authAudience = '{AuthAudience}'
        param authIdentityClaim = 'oid'
        param maxRequestBodyBytes = {MaxRequestBodyBytes}
        param httpAlwaysReadyInstances = {HttpAlwaysReadyInstances}
        param httpPerInstanceConcurrency = {HttpPerInstanceConcurrency}
        param keyVaultRecover = {(KeyVaultRecover ? "true" : "false")}
        param sandboxEnabled = {(SandboxEnabled ? "true" : "false")}
        param extraAppSettings = '{string.Join("; ", ExtraAppSettings.Select(s => $"{s.Key}={s.Value}"))};'
        {(PrincipalKeyVaultRole is null ? "" : $"param principalKeyVaultRole = '{PrincipalKeyVaultRole}'")}

        """;
}

internal sealed record Snapshot(SnapshotInputs Inputs, JsonObject Document);

/// <summary>
/// What the rules read: the compiled ARM template (`bicep build`) and two deployment snapshots (`bicep snapshot`,
/// parameters evaluated locally) taken with different parameter values, so wiring from a parameter shows up as a
/// difference and not as a constant.
/// </summary>
internal sealed record InfraDocuments(JsonObject Compiled, Snapshot Primary, Snapshot Alternate)
{
    public IEnumerable<Snapshot> Snapshots => [Primary, Alternate];

    public InfraDocuments DeepClone() => new(
        Compiled.DeepClone().AsObject(),
        Primary with { Document = Primary.Document.DeepClone().AsObject() },
        Alternate with { Document = Alternate.Document.DeepClone().AsObject() });
}
