// Times livekit-server-sdk's AccessToken.toJwt() on the same claims as TokenMintingBenchmarks.MintParticipantToken
// (identity, name, room-join grant, 15 min TTL). Uses the SDK the tests pin (TokenFunction.Tests/js).
// Usage: node bench/node-mint.mjs [seconds per round, default 3] [rounds, default 5]; prints one JSON line.
import { AccessToken } from '../TokenFunction.Tests/js/node_modules/livekit-server-sdk/dist/index.js';

const apiKey = 'APIb7Xq2mZ9kLp4';
const apiSecret = 'mF3kQ9vX2pL7sR1tY6uW8zA4bC5dE0gHjK2nM7qS9vX';
const seconds = Number(process.argv[2] ?? 3);
const rounds = Math.min(Number(process.argv[3] ?? 5), 20);

function mint() {
  const at = new AccessToken(apiKey, apiSecret, { identity: 'participant-4711', name: 'Ada Lovelace', ttl: '15m' });
  at.addGrant({ roomJoin: true, room: 'demo-room' });
  return at.toJwt();
}

// Batches of awaited promises, as a request handler would await each token.
async function round(durationMs) {
  let count = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(durationMs) * 1000000n;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 100; i++) await mint();
    count += 100;
    now = process.hrtime.bigint();
  }
  return { count, ns: Number(now - start) };
}

await round(1000); // warm-up: JIT and jose's key import paths
const results = [];
for (let i = 0; i < rounds; i++) results.push(await round(seconds * 1000));
const perToken = results.map((r) => r.ns / r.count).sort((a, b) => a - b);
const median = perToken[Math.floor(perToken.length / 2)];
const sample = await mint();
console.log(JSON.stringify({
  node: process.version,
  rounds,
  secondsPerRound: seconds,
  medianNsPerToken: median,
  tokensPerSecond: 1e9 / median,
  tokenLength: sample.length,
}));
