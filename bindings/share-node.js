// Server-side half of share tokens (Node only): signs and verifies the MAC the core leaves a slot
// for. The core (through the engine) builds the exact text to sign and assembles the token; this
// file only adds the key: HMAC-SHA256 from node:crypto, the first 48 bits, compared in constant time.
//
// Key rotation: each token names its key by a 3-bit key id. Sign with `currentKeyId`; keep the old
// ids in `keys` until every token signed with them has expired (max age), then drop them. Ids are
// slots: after 8 rotations a slot is reused, so never reuse one while its old tokens still live.
//
//   const { createShareSigner } = require('./share-node.js');
//   const signer = createShareSigner(engine, { keys: { 1: secret1, 2: secret2 }, currentKeyId: 2,
//                                              maxAgeMs: 30 * 86400e3 });
//   const { token } = signer.sign({ program_id, sharer_id, issued_at_ms: Date.now() });
//   const v = signer.verify(token, { nowMs: Date.now() }); // {ok:true, sharer_id, ...} or {ok:false, errors}
'use strict';
const crypto = require('node:crypto');

const MAC_BYTES = 6; // 48 bits: the token's MAC slot (docs/share.md has the bit budget)
const MIN_KEY_BYTES = 16;
const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;

// HMAC-SHA256 over the core's signing_input, truncated to the token's 48 bits, as a Buffer.
function macOf(key, signingInput) {
  return crypto.createHmac('sha256', key).update(signingInput, 'utf8').digest().subarray(0, MAC_BYTES);
}

function problem(code, message, path = 'token') {
  return { ok: false, errors: [{ code, path, message }] };
}

function toKey(k, id) {
  const buf = typeof k === 'string' ? Buffer.from(k, 'utf8') : Buffer.from(k);
  if (buf.length < MIN_KEY_BYTES) throw new TypeError(`share key ${id} must have at least ${MIN_KEY_BYTES} bytes`);
  return buf;
}

function createShareSigner(engine, options = {}) {
  if (!engine || typeof engine.call !== 'function') throw new TypeError('pass the loaded engine');
  const keys = new Map();
  for (const [id, secret] of Object.entries(options.keys || {})) {
    const n = Number(id);
    if (!Number.isInteger(n) || n < 0 || n > 7) throw new TypeError(`key id ${id} must be 0 ... 7`);
    keys.set(n, toKey(secret, id));
  }
  const currentKeyId = options.currentKeyId;
  if (!keys.has(currentKeyId)) throw new TypeError('currentKeyId must name one of the keys');
  const defaultMaxAge = options.maxAgeMs;
  const defaultSkew = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;

  // {program_id, sharer_id, issued_at_ms} -> {ok:true, token, ...fields} | {ok:false, errors}.
  function sign(fields) {
    const request = { key_id: currentKeyId, program_id: fields.program_id, sharer_id: fields.sharer_id,
      issued_at_ms: fields.issued_at_ms };
    const draft = engine.call('encodeShareToken', request);
    if (!draft.ok) return draft;
    const mac_hex = macOf(keys.get(currentKeyId), draft.signing_input).toString('hex');
    return engine.call('encodeShareToken', { ...request, mac_hex });
  }

  // Decodes, checks key, MAC and age. `nowMs` is required: verification never reads the clock
  // itself, so tests and replays are deterministic. Every failure is a reason, never a throw.
  function verify(token, { nowMs, maxAgeMs = defaultMaxAge, maxSkewMs = defaultSkew } = {}) {
    if (typeof token !== 'string') return problem('E_TYPE', 'the token must be a string');
    if (!Number.isSafeInteger(nowMs)) return problem('E_REQUIRED', 'nowMs (Unix ms) is required', 'nowMs');
    const d = engine.call('decodeShareToken', { token });
    if (!d.ok) return d;
    return check(d, nowMs, maxAgeMs, maxSkewMs);
  }

  function check(d, nowMs, maxAgeMs, maxSkewMs) {
    const key = keys.get(d.key_id);
    if (!key) return problem('E_TOKEN_KEY', `key ${d.key_id} is not (or no longer) accepted`);
    const expected = macOf(key, d.signing_input);
    const got = Buffer.from(d.mac_hex, 'hex');
    if (got.length !== MAC_BYTES || !crypto.timingSafeEqual(expected, got)) {
      return problem('E_TOKEN_CHECKSUM', 'the token was not signed by this server (altered or forged)');
    }
    if (d.issued_at_ms > nowMs + maxSkewMs) {
      return problem('E_TOKEN_FUTURE', `issued at ${d.issued_at_ms}, after now (${nowMs})`);
    }
    if (Number.isSafeInteger(maxAgeMs) && nowMs - d.issued_at_ms > maxAgeMs) {
      return problem('E_TOKEN_EXPIRED', `issued at ${d.issued_at_ms}, older than ${maxAgeMs} ms`);
    }
    return { ...d, verified: true };
  }

  // A launch ({url} or {scene}) -> the verified token, or {ok:true, found:false} when it has none.
  // An invalid token means the visit counts as unattributed; the caller logs the reason.
  function verifyLaunch(launch, { nowMs, maxAgeMs = defaultMaxAge, maxSkewMs = defaultSkew } = {}) {
    if (!Number.isSafeInteger(nowMs)) return problem('E_REQUIRED', 'nowMs (Unix ms) is required', 'nowMs');
    const p = engine.call('parseShareLaunch', launch);
    if (!p.ok || !p.found) return p;
    const v = check(p, nowMs, maxAgeMs, maxSkewMs);
    if (!v.ok) v.errors[0].path = p.source;
    return v;
  }

  return { sign, verify, verifyLaunch, currentKeyId };
}

module.exports = { createShareSigner, macOf, MAC_BYTES };
