using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace TokenFunction.Tests.Support.Infra;

// Five Bicep CLI runs: not in parallel with anything else (see Support/TestCollections.cs).
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InfraTestGroup : ICollectionFixture<InfraFixture>
{
    public const string Name = "infra";
}

/// <summary>
/// Runs the Bicep CLI once for all infra tests: build and lint of infra/main.bicep as committed, and two
/// deployment snapshots of a scratch copy, each with its own random parameter values.
/// </summary>
public sealed class InfraFixture : IAsyncLifetime
{
    internal const string SubscriptionId = "00000000-0000-0000-0000-0000000000a1";
    internal const string TenantId = "00000000-0000-0000-0000-0000000000b2";
    internal const string Location = "swedencentral";
    private string? _scratch;

    internal CliResult Build { get; private set; } = null!;

    internal CliResult Lint { get; private set; } = null!;

    /// <summary>`bicep lint` as if it were years from now: the pinned CLI must not start failing as API versions age.</summary>
    internal CliResult FutureLint { get; private set; } = null!;

    internal InfraDocuments Documents { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var infra = RepoLayout.PathOf("infra");
        _scratch = Directory.CreateTempSubdirectory("infra-snapshot-").FullName;
        CopyDirectory(infra, _scratch);

        var primary = Inputs(principalType: "ServicePrincipal", withPrincipal: true, purgeProtection: false, originCount: 2, bearerMode: true);
        var alternate = Inputs(principalType: "User", withPrincipal: false, purgeProtection: true, originCount: 1, bearerMode: false);

        var build = BicepCli.RunAsync(infra, "build", "main.bicep", "--stdout");
        var lint = BicepCli.RunAsync(infra, "lint", "main.bicep");
        var futureConfig = Path.Combine(_scratch, "future.bicepconfig.json");
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(infra, "bicepconfig.json")))!;
        // The rule accepts any version under two years old, or else only the newest stable one it knows.
        config["analyzers"]!["core"]!["rules"]!["use-recent-api-versions"]!["test-today"] = "2036-01-01";
        await File.WriteAllTextAsync(futureConfig, config.ToJsonString());
        var futureLint = BicepCli.RunAsync(infra, "lint", "main.bicep", "--config", futureConfig);
        var snapshots = await Task.WhenAll(SnapshotAsync(_scratch, "primary", primary), SnapshotAsync(_scratch, "alternate", alternate));
        Build = await build;
        Lint = await lint;
        FutureLint = await futureLint;

        var compiled = Build.ExitCode == 0 ? JsonNode.Parse(Build.StdOut)!.AsObject() : [];
        Documents = new InfraDocuments(compiled, snapshots[0], snapshots[1]);
    }

    public Task DisposeAsync()
    {
        if (_scratch is not null)
        {
            Directory.Delete(_scratch, recursive: true);
        }

        return Task.CompletedTask;
    }

    /// <summary>`bicep snapshot` of the main.bicep in <paramref name="directory"/> with these parameter values.</summary>
    internal static async Task<Snapshot> SnapshotAsync(string directory, string name, SnapshotInputs inputs)
    {
        await File.WriteAllTextAsync(Path.Combine(directory, name + ".bicepparam"), inputs.ToBicepParam());
        var result = await BicepCli.RunAsync(directory, "snapshot", name + ".bicepparam", "--mode", "overwrite",
            "--subscription-id", SubscriptionId, "--tenant-id", TenantId, "--location", Location);
        var file = Path.Combine(directory, name + ".snapshot.json");
        if (result.ExitCode != 0 || !File.Exists(file))
        {
            throw new InvalidOperationException($"bicep snapshot failed ({result.ExitCode}): {result.Diagnostics}");
        }

        return new Snapshot(inputs, JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject());
    }

    internal static SnapshotInputs Inputs(string principalType, bool withPrincipal, bool purgeProtection, int originCount, bool bearerMode)
    {
        var tag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var origins = Enumerable.Range(0, originCount).Select(i => $"https://app{i}-{tag}.example").ToList();
        return new SnapshotInputs(
            EnvironmentName: "env" + tag,
            Location: Location,
            SubscriptionId: SubscriptionId,
            TenantId: TenantId,
            PrincipalId: withPrincipal ? Guid.NewGuid().ToString() : "",
            PrincipalType: principalType,
            LivekitUrl: $"wss://{tag}.livekit.example",
            LivekitApiKey: "API" + tag,
            LivekitApiSecret: "sentinel-secret-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            // Spaces and a trailing comma on purpose: the template trims and drops empty entries.
            CorsAllowedOrigins: string.Join(", ", origins) + ",",
            ExpectedOrigins: origins,
            PurgeProtection: purgeProtection,
            BearerMode: bearerMode,
            MaxRequestBodyBytes: RandomNumberGenerator.GetInt32(1024, 1048577),
            HttpAlwaysReadyInstances: withPrincipal ? RandomNumberGenerator.GetInt32(1, 5) : 0,
            HttpPerInstanceConcurrency: withPrincipal ? RandomNumberGenerator.GetInt32(1, 100) : 0,
            ExtraAppSettings: withPrincipal
                ? new Dictionary<string, string> { ["TokenPolicy__MaxTtl"] = "00:30:00", ["Auth__NameClaim"] = "name-" + tag }
                : new Dictionary<string, string>());
    }

    internal static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
