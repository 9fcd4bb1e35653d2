// The independent judge of our tokens: LiveKit's own Node server SDK.
// Reads a JSON array of requests on stdin and writes a JSON array of results (same order) on stdout:
//   {"op":"verify","token":"…","apiKey":"…","apiSecret":"…","at":<unix seconds>?}
//     -> {"ok":true|false,"error":null|"…","header":{…}|null,"payload":{…}|null,
//         "roomConfig":{…}|null}                                                    (TokenVerifier.verify)
//   "at" is the minting clock's "now": a token minted on a fake clock, or judged long after it was minted (a slow
//   run on a busy machine), is judged as of that moment instead of as of the judge's wall clock (see verify()).
//   {"op":"mint","apiKey":"…","apiSecret":"…","claims":{identity,name,metadata,attributes,ttl,kind,
//     roomPreset,sha256,video,sip,roomConfig}}
//     -> {"ok":…,"error":…,"token":"…","header":{…},"payload":{…},"roomConfig":{…}|null} (AccessToken.toJwt)
// "roomConfig" is the payload's roomConfig as the protocol reads it: parsed strictly (unknown fields are an error)
// by the protocol's RoomConfiguration and written back canonically (fields at their default left out, as protobuf
// JSON treats them as absent). The SDK itself writes every default, so raw roomConfig claims differ in form only.
// A request that fails yields ok:false with the SDK's message; the batch itself always completes.
import { jwtVerify } from 'jose';
import { AccessToken, RoomConfiguration, TokenVerifier, TrackSource } from 'livekit-server-sdk';

// livekit-server-sdk 2.19.2, dist/AccessToken.js: `verify(token, clockTolerance = defaultClockToleranceSeconds)`
// with `defaultClockToleranceSeconds = 10`, passed to jose's jwtVerify with `issuer: apiKey` and
// `requiredClaims: ["exp"]`. jose (5.10.0, the SDK's own dependency) also takes `currentDate` as "now".
const sdkClockToleranceSeconds = 10;

// Field names of the SDK's VideoGrant, SIPGrant and token options. A mint request using any other name is an error,
// so a misspelt claim on our side cannot slip through by being copied verbatim into both tokens.
const videoFields = new Set([
  'roomCreate', 'roomJoin', 'roomList', 'roomRecord', 'roomAdmin', 'room', 'ingressAdmin', 'canPublish',
  'canPublishSources', 'canSubscribe', 'canPublishData', 'canUpdateOwnMetadata', 'hidden', 'recorder', 'agent',
  'canSubscribeMetrics', 'canManageAgentSession', 'destinationRoom',
]);
const sipFields = new Set(['admin', 'call']);
const claimFields = new Set([
  'identity', 'name', 'metadata', 'attributes', 'ttl', 'kind', 'roomPreset', 'sha256', 'video', 'sip', 'roomConfig',
]);
const sources = {
  camera: TrackSource.CAMERA,
  microphone: TrackSource.MICROPHONE,
  screen_share: TrackSource.SCREEN_SHARE,
  screen_share_audio: TrackSource.SCREEN_SHARE_AUDIO,
};

function checkFields(what, object, allowed) {
  for (const key of Object.keys(object ?? {})) {
    if (!allowed.has(key)) throw new Error(`unknown ${what} field '${key}'`);
  }
}

function canonicalRoomConfig(payload) {
  if (payload?.roomConfig === undefined) return null;
  return RoomConfiguration.fromJson(payload.roomConfig).toJson();
}

function decode(token) {
  const parts = String(token).split('.');
  const part = (i) => {
    try {
      return JSON.parse(Buffer.from(parts[i] ?? '', 'base64url').toString('utf8'));
    } catch {
      return null;
    }
  };
  return { header: part(0), payload: part(1) };
}

async function verify({ token, apiKey, apiSecret, at }) {
  const { header } = decode(token);
  if (at === undefined) {
    const payload = await new TokenVerifier(apiKey, apiSecret).verify(token);
    return { ok: true, error: null, header, payload, roomConfig: canonicalRoomConfig(payload) };
  }
  // Judged as of `at`: the SDK's own verifier checks everything (signature, alg, issuer, exp required), with its
  // tolerance widened by the distance between `at` and this process's clock so that distance alone cannot fail a
  // token; then the lifetime is checked as of `at` exactly as the SDK checks it now (same options, same tolerance).
  const drift = Math.abs(Date.now() / 1000 - at);
  const payload = await new TokenVerifier(apiKey, apiSecret).verify(token, sdkClockToleranceSeconds + Math.ceil(drift));
  await jwtVerify(token, new TextEncoder().encode(apiSecret), {
    issuer: apiKey,
    clockTolerance: sdkClockToleranceSeconds,
    requiredClaims: ['exp'],
    currentDate: new Date(at * 1000),
  });
  return { ok: true, error: null, header, payload, roomConfig: canonicalRoomConfig(payload) };
}

async function mint({ apiKey, apiSecret, claims = {} }) {
  checkFields('claim', claims, claimFields);
  const at = new AccessToken(apiKey, apiSecret, {
    identity: claims.identity,
    name: claims.name,
    metadata: claims.metadata,
    attributes: claims.attributes,
    ttl: claims.ttl,
  });
  if (claims.video) {
    checkFields('video grant', claims.video, videoFields);
    const video = { ...claims.video };
    if (Array.isArray(video.canPublishSources)) {
      video.canPublishSources = video.canPublishSources.map((s) => {
        if (!(s in sources)) throw new Error(`unknown track source '${s}'`);
        return sources[s];
      });
    }
    at.addGrant(video);
  }
  if (claims.sip) {
    checkFields('sip grant', claims.sip, sipFields);
    at.addSIPGrant(claims.sip);
  }
  if (claims.kind !== undefined) at.kind = claims.kind;
  if (claims.roomPreset !== undefined) at.roomPreset = claims.roomPreset;
  if (claims.sha256 !== undefined) at.sha256 = claims.sha256;
  // Protobuf JSON parsing rejects unknown fields, so roomConfig names are checked against the protocol too.
  if (claims.roomConfig !== undefined) at.roomConfig = RoomConfiguration.fromJson(claims.roomConfig);
  const token = await at.toJwt();
  const { header, payload } = decode(token);
  return { ok: true, error: null, token, header, payload, roomConfig: canonicalRoomConfig(payload) };
}

async function handle(request) {
  try {
    if (request?.op === 'verify') return await verify(request);
    if (request?.op === 'mint') return await mint(request);
    throw new Error(`unknown op '${request?.op}'`);
  } catch (e) {
    return { ok: false, error: String(e?.message ?? e), header: null, payload: null, roomConfig: null };
  }
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const requests = JSON.parse(Buffer.concat(chunks).toString('utf8'));
if (!Array.isArray(requests)) throw new Error('expected a JSON array of requests on stdin');
const results = [];
for (const request of requests) results.push(await handle(request));
process.stdout.write(JSON.stringify(results));
