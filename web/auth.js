// Identity: merchants by API key (stored hashed), users by a signed session token
// "<payload>.<mac>" (HMAC-SHA256 over the base64url payload {m, u, exp}). No user endpoint takes
// a user id from the request body: the id always comes from the verified session.
'use strict';
const crypto = require('crypto');
const { ApiError } = require('./errors');

const hashKey = (key) => crypto.createHash('sha256').update(String(key)).digest('hex');
const b64 = (buf) => Buffer.from(buf).toString('base64url');

function signSession(secret, merchantId, userId, now, ttlMs = 7 * 86400000) {
  const payload = b64(JSON.stringify({ m: merchantId, u: userId, exp: now + ttlMs }));
  const mac = b64(crypto.createHmac('sha256', secret).update(payload).digest());
  return `${payload}.${mac}`;
}

// Verified tokens, by secret and text: a token's signature and contents never change, so only
// its expiry is checked again. Bounded; the server stays stateless (any instance verifies any token).
const verified = new Map();
const MAX_VERIFIED = 10000;

function verifySession(secret, token, now) {
  const key = typeof token === 'string' && token.length <= 512 ? `${secret}\u0000${token}` : null;
  const hit = key && verified.get(key);
  if (hit) {
    if (hit.exp <= now) throw new ApiError(401, 'E_SESSION', 'authorization', 'session expired');
    return { merchantId: hit.m, userId: hit.u };
  }
  const s = checkSession(secret, token, now);
  if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value);
  verified.set(key, s);
  return { merchantId: s.m, userId: s.u };
}

function checkSession(secret, token, now) {
  const unauthorized = (why) => new ApiError(401, 'E_SESSION', 'authorization', why);
  if (typeof token !== 'string' || token.length > 512) throw unauthorized('missing or malformed session');
  const [payload, mac] = token.split('.');
  if (!payload || !mac) throw unauthorized('malformed session');
  const want = crypto.createHmac('sha256', secret).update(payload).digest();
  const got = Buffer.from(mac, 'base64url');
  if (got.length !== want.length || !crypto.timingSafeEqual(got, want)) throw unauthorized('bad session signature');
  let s;
  try {
    s = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw unauthorized('malformed session');
  }
  if (!Number.isSafeInteger(s.m) || !Number.isSafeInteger(s.u) || !Number.isSafeInteger(s.exp)) throw unauthorized('malformed session');
  if (s.exp <= now) throw unauthorized('session expired');
  return s;
}

module.exports = { hashKey, signSession, verifySession };
