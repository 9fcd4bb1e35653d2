using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TokenFunction.LiveKit;

namespace TokenFunction.Benchmarks;

/// <summary>
/// Minting a typical participant token (identity, name, room-join grant, 15 min TTL) against the two "bare HMAC"
/// baselines over a message of the same size as the token's signing input: the one-shot
/// <c>HMACSHA256.HashData</c>, which sets the key up on every call, and a keyed HMAC reused across calls.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class TokenMintingBenchmarks
{
    // Fields, not constants: what a service has after reading its key pair from configuration.
    private readonly string _apiKey = "APIb7Xq2mZ9kLp4";
    private readonly string _apiSecret = "mF3kQ9vX2pL7sR1tY6uW8zA4bC5dE0gHjK2nM7qS9vX";
    private readonly byte[] _key;
    private byte[] _message = [];
    private IncrementalHash _reusedHmac = null!;
    private readonly byte[] _mac = new byte[32];

    public TokenMintingBenchmarks() => _key = Encoding.UTF8.GetBytes(_apiSecret);

    [GlobalSetup]
    public void Setup()
    {
        var token = MintParticipantToken();
        var signingInput = token[..token.LastIndexOf('.')];
        _message = Encoding.ASCII.GetBytes(signingInput);
        _reusedHmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        Console.WriteLine($"// token length {token.Length} chars, signing input {_message.Length} bytes");
    }

    [GlobalCleanup]
    public void Cleanup() => _reusedHmac.Dispose();

    [Benchmark(Baseline = true)]
    public string MintParticipantToken() =>
        new AccessToken(_apiKey, _apiSecret)
        {
            Identity = "participant-4711",
            Name = "Ada Lovelace",
            Ttl = TimeSpan.FromMinutes(15),
        }
        .AddGrant(new VideoGrant { RoomJoin = true, Room = "demo-room" })
        .ToJwt();

    [Benchmark]
    public byte[] OneShotHmacSameSize() => HMACSHA256.HashData(_key, _message);

    [Benchmark]
    public int ReusedHmacSameSize()
    {
        _reusedHmac.AppendData(_message);
        return _reusedHmac.GetHashAndReset(_mac);
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // Short enough to run in a few minutes on a shared 2-core machine; the script reads the JSON export.
            // In-process: the default toolchain rebuilds the referenced Functions app (and its generated
            // WorkerExtensions project) for every run, which alone can exceed BenchmarkDotNet's build timeout.
            AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(8).WithToolchain(InProcessEmitToolchain.Instance).WithId("short"));
            AddExporter(JsonExporter.Brief);
            AddColumn(StatisticColumn.P95);
            WithOptions(ConfigOptions.JoinSummary);
        }
    }
}
