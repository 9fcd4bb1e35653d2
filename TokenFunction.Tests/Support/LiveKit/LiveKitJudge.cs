using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenFunction.Tests.Support.LiveKit;

/// <summary>What LiveKit's Node SDK <c>TokenVerifier</c> said about one token.</summary>
/// <param name="Ok">True when the SDK accepted the token.</param>
/// <param name="Error">The SDK's reason when it did not.</param>
/// <param name="Header">The token's decoded header (JSON null when refused).</param>
/// <param name="Payload">The payload as the SDK returned it (JSON null when refused).</param>
/// <param name="RoomConfig">The payload's <c>roomConfig</c> parsed strictly by the protocol's RoomConfiguration and
/// written back canonically (defaults left out); JSON null when the token has none.</param>
public sealed record JudgeVerdict(bool Ok, string? Error, JsonElement Header, JsonElement Payload, JsonElement RoomConfig);

/// <summary>A token minted by LiveKit's Node SDK <c>AccessToken</c>, decoded.</summary>
public sealed record SdkToken(bool Ok, string? Error, string? Token, JsonElement Header, JsonElement Payload, JsonElement RoomConfig);

/// <summary>
/// Claims for the Node SDK's <c>AccessToken</c>, in the SDK's vocabulary: <c>identity</c>, <c>name</c>,
/// <c>metadata</c>, <c>attributes</c>, <c>ttl</c> (seconds), <c>kind</c>, <c>roomPreset</c>, <c>sha256</c>,
/// <c>video</c> (VideoGrant; <c>canPublishSources</c> as wire names), <c>sip</c>, <c>roomConfig</c> (protobuf JSON).
/// Unknown names are refused by the judge.
/// </summary>
public sealed record SdkMintRequest(string ApiKey, string ApiSecret, JsonObject Claims);

/// <summary>
/// LiveKit's official Node server SDK (<c>livekit-server-sdk</c>, pinned in TokenFunction.Tests/js) as an
/// independent judge of tokens. Each call runs one <c>node</c> process for the whole batch.
/// </summary>
public static class LiveKitJudge
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    /// <summary>The folder holding judge.mjs and its node_modules (written into the assembly by the build).</summary>
    public static string Directory { get; } =
        typeof(LiveKitJudge).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "LiveKitJudgeDirectory").Value!;

    /// <summary>Verifies each token with the SDK's <c>TokenVerifier(apiKey, apiSecret).verify(token)</c>.</summary>
    public static async Task<IReadOnlyList<JudgeVerdict>> VerifyAsync(
        IEnumerable<(string Token, string ApiKey, string ApiSecret)> tokens, CancellationToken cancellationToken = default)
    {
        var (verdicts, _) = await VerifyAndMintAsync(tokens, [], at: null, cancellationToken);
        return verdicts;
    }

    /// <summary>
    /// Verifies each token as of <paramref name="at"/>, the clock that minted it: the SDK's <c>TokenVerifier</c> checks
    /// everything (its tolerance widened by how far <paramref name="at"/> is from now), and the lifetime is checked as
    /// of <paramref name="at"/> with the SDK's own options. A short-lived token cannot expire while it waits its turn.
    /// </summary>
    public static async Task<IReadOnlyList<JudgeVerdict>> VerifyAsync(
        IEnumerable<(string Token, string ApiKey, string ApiSecret)> tokens, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var (verdicts, _) = await VerifyAndMintAsync(tokens, [], at, cancellationToken);
        return verdicts;
    }

    /// <summary>Mints each request with the SDK's <c>AccessToken</c> and <c>toJwt()</c>.</summary>
    public static async Task<IReadOnlyList<SdkToken>> MintWithSdkAsync(
        IEnumerable<SdkMintRequest> requests, CancellationToken cancellationToken = default)
    {
        var (_, minted) = await VerifyAndMintAsync([], requests, at: null, cancellationToken);
        return minted;
    }

    /// <summary>
    /// Both at once, in one node process; results come back in the order given. With <paramref name="at"/>, tokens
    /// are judged as of that moment (see <see cref="VerifyAsync(IEnumerable{ValueTuple{string, string, string}}, DateTimeOffset, CancellationToken)"/>).
    /// </summary>
    public static async Task<(IReadOnlyList<JudgeVerdict> Verdicts, IReadOnlyList<SdkToken> Minted)> VerifyAndMintAsync(
        IEnumerable<(string Token, string ApiKey, string ApiSecret)> tokens,
        IEnumerable<SdkMintRequest> mintRequests,
        DateTimeOffset? at = null,
        CancellationToken cancellationToken = default)
    {
        var batch = new JsonArray();
        foreach (var (token, apiKey, apiSecret) in tokens)
        {
            var verify = new JsonObject { ["op"] = "verify", ["token"] = token, ["apiKey"] = apiKey, ["apiSecret"] = apiSecret };
            if (at is { } moment)
            {
                verify["at"] = moment.ToUnixTimeMilliseconds() / 1000.0;
            }

            batch.Add(verify);
        }

        var verifyCount = batch.Count;
        foreach (var request in mintRequests)
        {
            batch.Add(new JsonObject
            {
                ["op"] = "mint",
                ["apiKey"] = request.ApiKey,
                ["apiSecret"] = request.ApiSecret,
                ["claims"] = request.Claims.DeepClone(),
            });
        }

        if (batch.Count == 0)
        {
            return ([], []);
        }

        using var results = await RunNodeAsync("judge.mjs", "livekit-server-sdk", batch.ToJsonString(), cancellationToken);
        var items = results.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
        if (items.Count != batch.Count)
        {
            throw new InvalidOperationException($"The judge answered {items.Count} results for {batch.Count} requests.");
        }

        var verdicts = items.Take(verifyCount)
            .Select(e => new JudgeVerdict(e.GetProperty("ok").GetBoolean(), Text(e, "error"), e.GetProperty("header"), e.GetProperty("payload"), e.GetProperty("roomConfig")))
            .ToList();
        var minted = items.Skip(verifyCount)
            .Select(e => new SdkToken(e.GetProperty("ok").GetBoolean(), Text(e, "error"), Text(e, "token"), e.GetProperty("header"), e.GetProperty("payload"), e.GetProperty("roomConfig")))
            .ToList();
        return (verdicts, minted);
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Runs one of the js/ scripts (which needs <paramref name="package"/>) with <paramref name="input"/> on stdin.</summary>
    internal static async Task<JsonDocument> RunNodeAsync(string script, string package, string input, CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", package)))
        {
            throw new InvalidOperationException(
                $"{package} is not installed in {Directory}; building TokenFunction.Tests runs `npm ci` there.");
        }

        var start = new ProcessStartInfo("node", script)
        {
            WorkingDirectory = Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        using var node = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_timeout);
        try
        {
            var stdout = node.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = node.StandardError.ReadToEndAsync(timeout.Token);
            await node.StandardInput.WriteAsync(input.AsMemory(), timeout.Token);
            node.StandardInput.Close();
            await node.WaitForExitAsync(timeout.Token);
            var output = await stdout;
            if (node.ExitCode != 0)
            {
                throw new InvalidOperationException($"node {script} exited with {node.ExitCode}: {await stderr}");
            }

            return JsonDocument.Parse(output);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            throw;
        }
    }
}
