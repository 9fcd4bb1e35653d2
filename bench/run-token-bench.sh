#!/usr/bin/env bash
# Token minting, side by side in one run: BenchmarkDotNet (our AccessToken vs the one-shot and the reused bare HMAC
# over a message of the same size) and the Node SDK's toJwt() on the same claims. Prints the ratios against the
# targets: mint <= 3x bare HMAC, >= 10x the Node SDK's tokens/s, <= 1 KB allocated per token.
# Needs the test project's npm install (any `dotnet build` of TokenFunction.Tests does it). Takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
artifacts=$(mktemp -d)
trap 'rm -rf "$artifacts"' EXIT

if [[ ! -d TokenFunction.Tests/js/node_modules/livekit-server-sdk ]]; then
  (cd TokenFunction.Tests/js && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "== .NET (BenchmarkDotNet, short job)" >&2
dotnet run -c Release --project bench/TokenFunction.Benchmarks -- \
  --filter '*TokenMintingBenchmarks*' --artifacts "$artifacts" >&2

echo "== Node (livekit-server-sdk toJwt)" >&2
node bench/node-mint.mjs "${NODE_SECONDS:-3}" "${NODE_ROUNDS:-5}" > "$artifacts/node.json"

node --input-type=module - "$artifacts" <<'JS'
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
const dir = process.argv[2];
const resultsDir = join(dir, 'results');
const file = readdirSync(resultsDir).find((f) => f.endsWith('-report-brief.json'));
const report = JSON.parse(readFileSync(join(resultsDir, file), 'utf8'));
const by = Object.fromEntries(report.Benchmarks.map((b) => [b.Method, b]));
const mint = by.MintParticipantToken, oneShot = by.OneShotHmacSameSize, reused = by.ReusedHmacSameSize;
if (![mint, oneShot, reused].every((b) => b?.Statistics)) {
  console.error('BenchmarkDotNet produced no results; see its output above.');
  process.exit(1);
}
const node = JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8'));
const us = (ns) => (ns / 1000).toFixed(2) + ' µs';
const mintNs = mint.Statistics.Median;
const allocated = mint.Memory.BytesAllocatedPerOperation;
const speedup = node.medianNsPerToken / mintNs;
const line = (label, value, verdict) => console.log(`${label.padEnd(44)} ${value.padEnd(24)} ${verdict ?? ''}`);
console.log(`\n${report.HostEnvironmentInfo?.RuntimeVersion ?? ''} | node ${node.node}`);
line('mint participant token (.NET, median)', us(mintNs));
line('one-shot HMACSHA256.HashData, same size', us(oneShot.Statistics.Median));
line('reused keyed HMAC, same size', us(reused.Statistics.Median));
line('Node SDK toJwt() (median of rounds)', us(node.medianNsPerToken));
line('mint / one-shot HMAC', (mintNs / oneShot.Statistics.Median).toFixed(2) + 'x',
  mintNs / oneShot.Statistics.Median <= 3 ? 'target <= 3x: met' : 'target <= 3x: MISSED');
line('mint / reused HMAC', (mintNs / reused.Statistics.Median).toFixed(2) + 'x',
  mintNs / reused.Statistics.Median <= 3 ? 'target <= 3x: met' : 'target <= 3x: MISSED');
line('tokens/s .NET vs Node', `${Math.round(1e9 / mintNs)} vs ${Math.round(node.tokensPerSecond)} (${speedup.toFixed(1)}x)`,
  speedup >= 10 ? 'target >= 10x: met' : 'target >= 10x: MISSED');
line('allocated per token', `${allocated} B`, allocated <= 1024 ? 'target <= 1 KB: met' : 'target <= 1 KB: MISSED');
JS
