// LiveKit's own browser client (livekit-client, pinned in package.json) calling the token service, under Node 20.
// Reads a JSON array of sessions on stdin and writes a JSON array of results (same order) on stdout:
//   {"source":"endpoint","url":"…","headers":{…}, "fetches":[{options, force?}, …], "reuseOptions":bool}
//   {"source":"sandbox","sandboxId":"…","baseUrl":"…", "fetches":[…]}      (TokenSource.sandboxTokenServer)
//   {"source":"development", …}                                           (TokenSource.developmentTokenServer)
//   -> {"calls":[{method,url,headers,body}], "fetches":[{"ok":true,"response":{serverUrl,participantToken,…},
//        "payload":{…},"roomConfig":{…}|null} | {"ok":false,"error":{"name","message"}}]}
// One TokenSource per session, so its token cache spans that session's fetches. With "reuseOptions" every fetch
// passes the same options object, as an app holding its options would (the cache compares attributes by reference).
//
// No globalThis stubs are needed: TokenSource uses only fetch, TextEncoder/TextDecoder, atob (jose's decodeJwt) and
// timers, which Node 20 has; importing the package touches no DOM API. The one wrapper below is not a stub:
// it forwards to Node's own fetch and records what the client sent, so a test can count HTTP calls.
import { TokenSource, decodeTokenPayload } from 'livekit-client';

const nodeFetch = globalThis.fetch;
let calls = [];
globalThis.fetch = async (input, init = {}) => {
  const headers = Object.fromEntries(new Headers(init.headers ?? {}).entries());
  calls.push({ method: init.method ?? 'GET', url: String(input), headers, body: init.body ?? null });
  return nodeFetch(input, init);
};

function sourceFor(session) {
  switch (session.source) {
    case 'endpoint':
      return TokenSource.endpoint(session.url, { headers: session.headers ?? {} });
    case 'sandbox':
      return TokenSource.sandboxTokenServer(session.sandboxId, { baseUrl: session.baseUrl });
    case 'development':
      return TokenSource.developmentTokenServer(session.sandboxId, { baseUrl: session.baseUrl });
    default:
      throw new Error(`unknown source '${session.source}'`);
  }
}

async function run(session) {
  calls = [];
  const source = sourceFor(session);
  const shared = session.fetches[0]?.options ?? {};
  const fetches = [];
  for (const f of session.fetches) {
    const options = session.reuseOptions ? shared : structuredClone(f.options ?? {});
    try {
      const response = await source.fetch(options, f.force === true);
      const { roomConfig, ...payload } = decodeTokenPayload(response.participantToken);
      fetches.push({
        ok: true,
        response,
        payload,
        // What the client itself parsed out of the token, as protobuf JSON (defaults left out).
        roomConfig: roomConfig ? roomConfig.toJson() : null,
      });
    } catch (e) {
      fetches.push({ ok: false, error: { name: e?.constructor?.name ?? typeof e, message: String(e?.message ?? e) } });
    }
  }
  return { calls, fetches };
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const sessions = JSON.parse(Buffer.concat(chunks).toString('utf8'));
if (!Array.isArray(sessions)) throw new Error('expected a JSON array of sessions on stdin');
const results = [];
for (const session of sessions) results.push(await run(session));
process.stdout.write(JSON.stringify(results));
