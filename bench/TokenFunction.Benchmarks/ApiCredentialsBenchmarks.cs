using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Security.KeyVault.Secrets;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenFunction.Secrets;

namespace TokenFunction.Benchmarks;

/// <summary>
/// The request path's cost of getting the signing pair: a cached hit on the Key Vault provider, against the fixed
/// pair (a stored completed ValueTask: the floor) and the two clocks: the coarse one each hit reads and the precise one.
/// Target: ≤ 50 ns, 0 B.
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet calls [GlobalCleanup], which disposes the provider.")]
public class ApiCredentialsBenchmarks
{
    private readonly TimeProvider _clock = TimeProvider.System;
    private StaticApiCredentialsProvider _static = null!;
    private KeyVaultApiCredentialsProvider _keyVault = null!;

    [GlobalSetup]
    public void Setup()
    {
        _static = new StaticApiCredentialsProvider(new ApiCredentials("APIbench", "bench-secret"));
        _keyVault = new KeyVaultApiCredentialsProvider(
            new OneSecretClient(),
            Options.Create(new KeyVaultApiCredentialsOptions { VaultUri = new Uri("https://kv-bench.vault.azure.net/") }),
            TimeProvider.System,
            NullLogger<KeyVaultApiCredentialsProvider>.Instance);
        if (!_keyVault.WarmUpAsync(CancellationToken.None).GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("The benchmark's provider did not load.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _keyVault.Dispose();

    [Benchmark(Baseline = true, Description = "StaticApiCredentialsProvider (stored ValueTask)")]
    public object? Static() => Hit(_static);

    [Benchmark(Description = "KeyVaultApiCredentialsProvider cached hit")]
    public object? KeyVaultCachedHit() => Hit(_keyVault);

    [Benchmark(Description = "TimeProvider.System.GetTimestamp (the precise clock, read past the refresh point)")]
    public long ClockRead() => _clock.GetTimestamp();

    [Benchmark(Description = "Environment.TickCount64 (the coarse clock every hit reads)")]
    [SuppressMessage("Performance", "CA1822", Justification = "BenchmarkDotNet measures instance methods like the others.")]
    public long CoarseClockRead() => Environment.TickCount64;

    // How the endpoint consumes it: completed synchronously, so the result is read without awaiting.
#pragma warning disable CA2012
    private static ApiCredentials? Hit(IApiCredentialsProvider provider)
    {
        var call = provider.GetCredentialsAsync();
        return call.IsCompletedSuccessfully ? call.Result : null;
    }
#pragma warning restore CA2012

    /// <summary>Answers the one warm-up read; the benchmark never reaches Key Vault again within the TTL.</summary>
    private sealed class OneSecretClient : SecretClient
    {
        public override Task<Response<KeyVaultSecret>> GetSecretAsync(string name, string? version = null, CancellationToken cancellationToken = default)
        {
            var properties = new SecretProperties(name);
            properties.Tags[KeyVaultApiCredentialsOptions.ApiKeyTagName] = "APIbench";
            return Task.FromResult(Response.FromValue(SecretModelFactory.KeyVaultSecret(properties, "bench-secret"), null!));
        }
    }
}
