// The merchant console's identities (docs/console.md): staff passwords (scrypt), server-side
// sessions whose token lives only in an HttpOnly cookie (the database keeps its SHA-256 and the
// CSRF token its writes must carry), and integration API keys (stored hashed, shown once).
'use strict';
const crypto = require('crypto');
const { promisify } = require('util');
const { ApiError } = require('./errors');
const { hashKey } = require('./auth');
const { allows, rolesWith, permissionOf } = require('./permissions');

const scrypt = promisify(crypto.scrypt);
const SCRYPT = { N: 16384, r: 8, p: 1 };
const SESSION_MS = 12 * 3600000;
const COOKIE = 'sid';

async function hashPassword(password) {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(String(password), salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

// An unknown login is checked against this, so it costs the same scrypt work as a wrong password.
const DUMMY_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;

async function verifyPassword(password, stored) {
  const [algo, n, r, p, salt, hash] = String(stored || DUMMY_HASH).split('$');
  if (algo !== 'scrypt' || !hash) return false;
  const want = Buffer.from(hash, 'base64');
  const got = await scrypt(String(password), Buffer.from(salt, 'base64'), want.length, { N: Number(n), r: Number(r), p: Number(p) });
  return crypto.timingSafeEqual(got, want) && Boolean(stored);
}

const randomToken = () => crypto.randomBytes(32).toString('base64url');

function sameText(a, b) {
  const x = Buffer.from(String(a || ''));
  const y = Buffer.from(String(b || ''));
  return x.length === y.length && x.length > 0 && crypto.timingSafeEqual(x, y);
}

const loginFailed = () => new ApiError(401, 'E_LOGIN', 'password', 'login name or password is wrong');

async function login(db, loginName, password, now) {
  const rows = await db.query(`SELECT s.*, m.name AS merchant_name FROM staff s JOIN merchants m ON m.merchant_id = s.merchant_id
    WHERE lower(s.login) = lower($1) AND s.disabled_ms IS NULL`, [loginName]);
  const staff = rows[0];
  const ok = await verifyPassword(password, staff && staff.password_hash);
  if (!staff || !ok) throw loginFailed();
  const token = randomToken();
  const csrf = randomToken();
  await db.query(`INSERT INTO staff_sessions (token_hash, merchant_id, staff_id, csrf, created_ms, expires_ms)
    VALUES ($1, $2, $3, $4, $5, $6)`, [hashKey(token), staff.merchant_id, staff.staff_id, csrf, now, now + SESSION_MS]);
  return { token, csrf, staff, expiresMs: now + SESSION_MS };
}

async function sessionOf(db, token, now) {
  if (typeof token !== 'string' || !token || token.length > 128) return null;
  const rows = await db.query(`SELECT ss.csrf, ss.expires_ms, s.staff_id, s.login, s.name AS staff_name, s.role, m.*
    FROM staff_sessions ss JOIN staff s ON s.merchant_id = ss.merchant_id AND s.staff_id = ss.staff_id
    JOIN merchants m ON m.merchant_id = ss.merchant_id
    WHERE ss.token_hash = $1 AND ss.revoked_ms IS NULL AND ss.expires_ms > $2 AND s.disabled_ms IS NULL`, [hashKey(token), now]);
  return rows[0] || null;
}

const revoke = (db, token, now) => db.query('UPDATE staff_sessions SET revoked_ms = $2 WHERE token_hash = $1 AND revoked_ms IS NULL',
  [hashKey(String(token || '')), now]);

// A key in merchants.api_key_hash (the demo's, the test harness's) acts as the owner; keys the
// owner created act with the role they were given.
async function merchantOfKey(db, key) {
  const h = hashKey(key);
  const rows = await db.query(`SELECT m.*, 'owner' AS auth_role FROM merchants m WHERE m.api_key_hash = $1
    UNION ALL SELECT m.*, k.role AS auth_role FROM api_keys k JOIN merchants m ON m.merchant_id = k.merchant_id
    WHERE k.key_hash = $1 AND k.revoked_ms IS NULL`, [h]);
  return rows[0] || null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

// The onRequest hook of every /api/merchant route: who is asking (session cookie, or x-api-key),
// the CSRF token for a session's writes, and the route's permission for that role. Idempotent:
// several plugins install it.
function merchantAuthenticator({ db, clock }) {
  return async function merchantAuth(req) {
    if (req.staffRole) return;
    const key = req.headers['x-api-key'];
    const cookie = req.cookies && req.cookies[COOKIE];
    let merchant;
    let role;
    if (key) {
      merchant = await merchantOfKey(db, key);
      if (!merchant) throw new ApiError(401, 'E_API_KEY', 'x-api-key', 'unknown API key');
      role = merchant.auth_role;
      delete merchant.auth_role;
    } else if (cookie) {
      const s = await sessionOf(db, cookie, clock());
      if (!s) throw new ApiError(401, 'E_SESSION', '', 'the session has ended; sign in again');
      if (!SAFE_METHODS.has(req.method) && !sameText(req.headers['x-csrf-token'], s.csrf)) {
        throw new ApiError(403, 'E_CSRF', 'x-csrf-token', 'the request lacks the session\'s CSRF token');
      }
      role = s.role;
      req.staff = { staff_id: Number(s.staff_id), login: s.login, name: s.staff_name, role: s.role };
      for (const k of ['csrf', 'expires_ms', 'staff_id', 'login', 'staff_name', 'role']) delete s[k];
      merchant = s;
    } else {
      throw new ApiError(401, 'E_SESSION', '', 'sign in to the merchant console (or send x-api-key)');
    }
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const permission = permissionOf(method, req.routeOptions.url);
    if (!allows(role, permission)) {
      const err = new ApiError(403, 'E_ROLE', '', `this action needs the role ${rolesWith(permission).join(' or ')}`);
      err.errors = [{ code: 'E_ROLE', path: '', message: err.message, roles: rolesWith(permission) }];
      throw err;
    }
    req.merchant = merchant;
    req.staffRole = role;
  };
}

module.exports = {
  COOKIE, SESSION_MS, hashPassword, verifyPassword, login, sessionOf, revoke, merchantOfKey, merchantAuthenticator, randomToken, sameText,
};
