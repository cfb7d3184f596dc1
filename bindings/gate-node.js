// Server-side (Node only) pieces of the campaign gates, SPEC 8. The password never reaches the
// browser: the server keeps a salted scrypt hash, checks a typed password in constant time, locks
// a user out after 5 wrong tries in 10 minutes (the rule itself is the core's: passwordLockState),
// and hands out a short-lived pass signed with HMAC-SHA256. The page's gate (evaluateGate in the
// WASM core) reads the pass's public part — program, user, expiry — but only the server, holding
// the key, can tell a real pass from a forged one; it then sets user.pass_signature for the core.
// Region names come from the `china-area-data` package, looked up here and never copied.
'use strict';
const crypto = require('node:crypto');
const { promisify } = require('node:util');

const scrypt = promisify(crypto.scrypt);

// OWASP's scrypt floor (N=2^14... 2^17, r=8, p=1); 2^14 keeps one check near 50 ms on a small box.
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };
const SCRYPT_MAXMEM = 64 * 1024 * 1024;
const MAX_PASSWORD_CHARS = 128;
const PASS_VERSION = 'gp1';
const PASS_MAC_BYTES = 16;
const DEFAULT_PASS_TTL_MS = 60 * 60 * 1000;
const MAX_PASS_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_TIME_MS = 4102444800000; // as the core: 2100-01-01

// The form a person types on a phone: full-width digits and letters (Chinese input mode) equal
// their ASCII twins, surrounding spaces do not count.
function normalizePassword(password) {
  if (typeof password !== 'string') return null;
  const p = password.normalize('NFKC').trim();
  if (p.length === 0 || p.length > MAX_PASSWORD_CHARS) return null;
  return p;
}

// 'scrypt$N$r$p$salt$hash', salt and hash base64url. Throws on an empty or overlong password.
// `N` may be lowered for tests (verifyPassword reads it back from the stored hash).
async function hashPassword(password, { salt, N = SCRYPT.N } = {}) {
  const p = normalizePassword(password);
  if (p === null) throw new TypeError(`a password is 1 ... ${MAX_PASSWORD_CHARS} characters`);
  if (!Number.isSafeInteger(N) || N < 1024 || N > 1 << 20 || (N & (N - 1)) !== 0) {
    throw new TypeError('N must be a power of two, 1024 ... 2^20');
  }
  const s = salt ? Buffer.from(salt) : crypto.randomBytes(16);
  const { r, p: par, keylen } = SCRYPT;
  const key = await scrypt(p, s, keylen, { N, r, p: par, maxmem: SCRYPT_MAXMEM });
  return ['scrypt', N, r, par, s.toString('base64url'), key.toString('base64url')].join('$');
}

function parseHash(stored) {
  if (typeof stored !== 'string') return null;
  const m = /^scrypt\$(\d{1,7})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9_-]{8,64})\$([A-Za-z0-9_-]{16,128})$/.exec(stored);
  if (!m) return null;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Parameters from storage are trusted only within bounds, so a bad row cannot exhaust memory.
  if (N < 2 || N > 1 << 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return null;
  return { N, r, p, salt: Buffer.from(m[4], 'base64url'), hash: Buffer.from(m[5], 'base64url') };
}

// True when `password` matches `stored`. The comparison takes the same time wherever the bytes
// differ; a malformed hash or password is simply false.
async function verifyPassword(password, stored) {
  const h = parseHash(stored);
  const p = normalizePassword(password);
  if (!h || p === null) return false;
  const key = await scrypt(p, h.salt, h.hash.length, { N: h.N, r: h.r, p: h.p, maxmem: SCRYPT_MAXMEM });
  return crypto.timingSafeEqual(key, h.hash);
}

function checkSecret(secret) {
  const len = typeof secret === 'string' ? Buffer.byteLength(secret) : Buffer.isBuffer(secret) ? secret.length : -1;
  if (len < 32) throw new TypeError('the pass secret must be a string or Buffer of at least 32 bytes');
}

function passMac(secret, publicPart) {
  return crypto.createHmac('sha256', secret).update(publicPart).digest()
    .subarray(0, PASS_MAC_BYTES).toString('base64url');
}

function id(v, what) {
  if (!Number.isSafeInteger(v) || v < 0) throw new TypeError(`${what} must be an integer 0 ... 2^53-1`);
  return v;
}

// A pass for `userId` in `programId`, valid until nowMs + ttlMs (exclusive).
function issuePass({ secret, programId, userId, nowMs, ttlMs = DEFAULT_PASS_TTL_MS }) {
  checkSecret(secret);
  id(programId, 'programId');
  id(userId, 'userId');
  id(nowMs, 'nowMs');
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1000 || ttlMs > MAX_PASS_TTL_MS) {
    throw new TypeError('ttlMs must be 1 s ... 24 h');
  }
  const expires = Math.min(nowMs + ttlMs, MAX_TIME_MS);
  const pub = `${PASS_VERSION}.${programId}.${userId}.${expires}`;
  return { pass: `${pub}.${passMac(secret, pub)}`, expires_ms: expires };
}

// The same structure the core's ParsePass accepts (canonical decimals, 22-character MAC).
const DEC = '(0|[1-9][0-9]{0,15})';
const PASS_RE = new RegExp(`^${PASS_VERSION}\\.${DEC}\\.${DEC}\\.${DEC}\\.([A-Za-z0-9_-]{22})$`);
function parsePass(pass) {
  if (typeof pass !== 'string' || pass.length > 128) return null;
  const m = PASS_RE.exec(pass);
  if (!m) return null;
  const [programId, userId, expires] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (programId > MAX_SAFE || userId > MAX_SAFE || expires > MAX_TIME_MS) return null;
  return { program_id: programId, user_id: userId, expires_ms: expires,
    public_part: pass.slice(0, pass.length - 23), mac: m[4] };
}

function macMatches(secret, parsed) {
  const want = Buffer.from(passMac(secret, parsed.public_part));
  const got = Buffer.from(parsed.mac);
  return want.length === got.length && crypto.timingSafeEqual(want, got);
}

// {ok:true, program_id, user_id, expires_ms} or {ok:false, code}. The signature is checked before
// anything the pass claims, since an unsigned claim means nothing.
function verifyPass(pass, { secret, programId, userId, nowMs }) {
  checkSecret(secret);
  const parsed = parsePass(pass);
  if (!parsed) return { ok: false, code: 'G_PASS_MALFORMED' };
  if (!macMatches(secret, parsed)) return { ok: false, code: 'G_PASS_BAD_SIGNATURE' };
  if (parsed.program_id !== programId) return { ok: false, code: 'G_PASS_WRONG_PROGRAM' };
  if (parsed.user_id !== userId) return { ok: false, code: 'G_PASS_WRONG_USER' };
  if (parsed.expires_ms <= nowMs) return { ok: false, code: 'G_PASS_EXPIRED' };
  return { ok: true, program_id: parsed.program_id, user_id: parsed.user_id, expires_ms: parsed.expires_ms };
}

// In-memory log of wrong tries per key; a real server passes a store backed by its database.
function memoryStore() {
  const m = new Map();
  return {
    async get(key) { return m.get(key) || []; },
    async set(key, tries) { if (tries.length) m.set(key, tries); else m.delete(key); },
  };
}

// The password gate of one campaign. `engine` is a loaded engine (for the lock rule and the
// gate); `passwordHash` from hashPassword(); `store` keeps wrong tries across requests.
function createPasswordGuard({ engine, secret, passwordHash, programId, ttlMs = DEFAULT_PASS_TTL_MS,
  store = memoryStore() }) {
  checkSecret(secret);
  id(programId, 'programId');
  if (!parseHash(passwordHash)) throw new TypeError('passwordHash must come from hashPassword()');
  if (!engine || typeof engine.passwordLockState !== 'function') throw new TypeError('engine is required');
  // One attempt per user at a time: otherwise parallel wrong guesses would all read the same
  // count during the slow hash and the lock would never trigger.
  const queues = new Map();
  function serial(key, fn) {
    const prev = queues.get(key) || Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => {});
    queues.set(key, tail);
    tail.then(() => { if (queues.get(key) === tail) queues.delete(key); });
    return run;
  }
  // Tries older than window + lock cannot matter any more: tries are never recorded while locked,
  // so a lock still running was made by tries inside that horizon.
  async function recentTries(key, nowMs) {
    const lock = engine.passwordLockState(nowMs, []);
    const horizon = nowMs - lock.window_ms - lock.lock_ms;
    return (await store.get(key)).filter((t) => t > horizon && t <= nowMs).slice(-999);
  }

  async function attempt({ userId, password, nowMs }) {
    id(userId, 'userId');
    id(nowMs, 'nowMs');
    const key = `${programId}:${userId}`;
    return serial(key, async () => {
      const tries = await recentTries(key, nowMs);
      const before = engine.passwordLockState(nowMs, tries);
      if (before.locked) {
        return { ok: false, code: 'G_LOCKED_OUT', lock_until_ms: before.lock_until_ms, tries_left: 0 };
      }
      if (await verifyPassword(password, passwordHash)) {
        await store.set(key, []);
        return { ok: true, ...issuePass({ secret, programId, userId, nowMs, ttlMs }) };
      }
      tries.push(nowMs);
      await store.set(key, tries);
      const after = engine.passwordLockState(nowMs, tries);
      return after.locked
        ? { ok: false, code: 'G_LOCKED_OUT', lock_until_ms: after.lock_until_ms, tries_left: 0 }
        : { ok: false, code: 'E_PASSWORD_WRONG', lock_until_ms: null, tries_left: after.tries_left };
    });
  }

  // The server's gate: the same core rule as the page, plus what only the server knows — whether
  // the pass is signed with our key, and the user's wrong tries. This is the answer that refuses.
  async function evaluate(program, nowMs, user, state) {
    const u = { ...user };
    if (typeof u.pass === 'string') {
      const parsed = parsePass(u.pass);
      u.pass_signature = parsed && macMatches(secret, parsed) ? 'valid' : 'invalid';
    } else {
      delete u.pass_signature;
    }
    if (Number.isSafeInteger(u.id)) u.wrong_tries_ms = await recentTries(`${programId}:${u.id}`, nowMs);
    return engine.call('evaluateGate', { program, now_ms: nowMs, user: u, ...(state ? { state } : {}) });
  }

  return { attempt, evaluate, verifyPass: (pass, { userId, nowMs }) => verifyPass(pass, { secret, programId, userId, nowMs }) };
}

// Names for a GB/T 2260 code from the china-area-data package: {code, province, city, district,
// text} or null when the code is malformed or not in the data. Placeholder levels (市辖区,
// 省直辖县级行政区划) keep their name in `city` but are left out of `text`.
const PLACEHOLDERS = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);
let areaData = null;
function regionNames(code) {
  if (typeof code !== 'string' || !/^[0-9]{6}$/.test(code)) return null;
  areaData = areaData || require('china-area-data');
  const provinceCode = `${code.slice(0, 2)}0000`;
  const cityCode = `${code.slice(0, 4)}00`;
  const province = areaData['86'][provinceCode];
  if (!province) return null;
  let city = null;
  let district = null;
  if (code !== provinceCode) {
    city = (areaData[provinceCode] || {})[cityCode] || null;
    if (code !== cityCode) {
      // 香港 810001 and the like hang right under the province.
      district = (areaData[cityCode] || {})[code] || (areaData[provinceCode] || {})[code] || null;
      if (!district) return null;
    } else if (!city) {
      return null;
    }
  }
  const text = [province, city, district].filter((n) => n && !PLACEHOLDERS.has(n))
    .filter((n, i, a) => a.indexOf(n) === i).join('');
  return { code, province, city, district, text };
}

module.exports = {
  hashPassword, verifyPassword, issuePass, verifyPass, parsePass, createPasswordGuard, memoryStore,
  regionNames, DEFAULT_PASS_TTL_MS,
};
