// The console's sign-in (POST /api/console/login, logout, me) and what only the owner manages:
// staff accounts and integration API keys (docs/console.md).
'use strict';
const auth = require('../console-auth');
const { hashKey } = require('../auth');
const { ROLES, ROLE_NAMES } = require('../permissions');
const { ApiError, conflict, notFound } = require('../errors');

const LOGIN = { type: 'string', minLength: 1, maxLength: 64 };
const PASSWORD = { type: 'string', minLength: 1, maxLength: 128 };
const NEW_LOGIN = { type: 'string', minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9_.@-]+$' };
const NEW_PASSWORD = { type: 'string', minLength: 8, maxLength: 128 };
const NAME = { type: 'string', minLength: 1, maxLength: 32, pattern: '\\S' };
const ROLE = { type: 'string', enum: ROLE_NAMES };

module.exports = async function consoleRoutes(app, { ctx }) {
  const { db, clock } = ctx;
  const production = ctx.mode === 'production';
  const body = (properties, required = Object.keys(properties)) => ({
    body: { type: 'object', properties, required, additionalProperties: false },
  });
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'strict', secure: production };
  const view = (staff, merchant, csrf) => ({
    ok: true,
    staff: { staff_id: Number(staff.staff_id), login: staff.login, name: staff.name, role: staff.role },
    merchant: { merchant_id: Number(merchant.merchant_id), name: merchant.name },
    csrf,
    permissions: ROLES[staff.role],
  });

  app.addHook('onRequest', async (req) => {
    if (req.url.startsWith('/api/merchant/')) await ctx.merchantAuth(req);
  });

  app.post('/api/console/login', {
    schema: body({ login: LOGIN, password: PASSWORD }),
    config: {
      rateLimit: {
        max: 10,
        timeWindow: 60000,
        hook: 'preHandler',
        keyGenerator: (req) => `${req.ip}|${String((req.body && req.body.login) || '').toLowerCase()}`,
        errorResponseBuilder: (req, c) => Object.assign(
          new ApiError(429, 'E_RATE_LIMIT', 'login', `too many sign-in attempts; try again in ${Math.ceil(c.ttl / 1000)} s`),
          { retry_after_s: Math.ceil(c.ttl / 1000) }),
      },
    },
  }, async (req, reply) => {
    const s = await auth.login(db, req.body.login, req.body.password, clock());
    reply.setCookie(auth.COOKIE, s.token, { ...cookieOptions, maxAge: Math.floor(auth.SESSION_MS / 1000) });
    return view(s.staff, { merchant_id: s.staff.merchant_id, name: s.staff.merchant_name }, s.csrf);
  });

  app.post('/api/console/logout', async (req, reply) => {
    const token = req.cookies[auth.COOKIE];
    if (token) {
      const s = await auth.sessionOf(db, token, clock());
      // Logging out is a write: a page of another site must not end the session either.
      if (s && !auth.sameText(req.headers['x-csrf-token'], s.csrf)) throw new ApiError(403, 'E_CSRF', 'x-csrf-token', 'CSRF token missing');
      await auth.revoke(db, token, clock());
    }
    reply.clearCookie(auth.COOKIE, cookieOptions);
    return { ok: true };
  });

  app.get('/api/console/me', async (req) => {
    const s = await auth.sessionOf(db, req.cookies[auth.COOKIE], clock());
    if (!s) throw new ApiError(401, 'E_SESSION', '', 'not signed in');
    return view({ staff_id: s.staff_id, login: s.login, name: s.staff_name, role: s.role }, s, s.csrf);
  });

  app.get('/api/merchant/staff', async (req) => {
    const rows = await db.query(`SELECT staff_id, login, name, role, created_ms, disabled_ms FROM staff
      WHERE merchant_id = $1 ORDER BY staff_id`, [req.merchant.merchant_id]);
    return { ok: true, staff: rows.map((r) => ({ ...r, staff_id: Number(r.staff_id) })) };
  });

  app.post('/api/merchant/staff', { schema: body({ login: NEW_LOGIN, name: NAME, role: ROLE, password: NEW_PASSWORD }) }, async (req) => {
    const hash = await auth.hashPassword(req.body.password);
    try {
      const [row] = await db.query(`INSERT INTO staff (merchant_id, login, name, role, password_hash, created_ms)
        VALUES ($1, $2, $3, $4, $5, $6) RETURNING staff_id, login, name, role, created_ms`,
      [req.merchant.merchant_id, req.body.login, req.body.name.trim(), req.body.role, hash, clock()]);
      return { ok: true, staff: { ...row, staff_id: Number(row.staff_id) } };
    } catch (e) {
      if (e.code === '23505' || /duplicate key/.test(String(e.message))) throw conflict('E_DUPLICATE', 'this login name is taken', 'login');
      throw e;
    }
  });

  app.get('/api/merchant/api-keys', async (req) => {
    const rows = await db.query(`SELECT key_id, label, role, prefix, created_ms, revoked_ms FROM api_keys
      WHERE merchant_id = $1 ORDER BY key_id DESC`, [req.merchant.merchant_id]);
    return { ok: true, keys: rows.map((r) => ({ ...r, key_id: Number(r.key_id) })) };
  });

  app.post('/api/merchant/api-keys', { schema: body({ label: NAME, role: ROLE }) }, async (req) => {
    const key = `sk_${auth.randomToken()}`;
    const [row] = await db.query(`INSERT INTO api_keys (merchant_id, key_hash, prefix, label, role, created_ms)
      VALUES ($1, $2, $3, $4, $5, $6) RETURNING key_id`,
    [req.merchant.merchant_id, hashKey(key), key.slice(0, 8), req.body.label.trim(), req.body.role, clock()]);
    return { ok: true, key_id: Number(row.key_id), key, prefix: key.slice(0, 8) };
  });

  app.delete('/api/merchant/api-keys/:key_id', {
    schema: { params: { type: 'object', properties: { key_id: { type: 'string', pattern: '^[0-9]{1,16}$' } } } },
  }, async (req) => {
    const rows = await db.query(`UPDATE api_keys SET revoked_ms = COALESCE(revoked_ms, $3) WHERE merchant_id = $1 AND key_id = $2
      RETURNING key_id, revoked_ms`, [req.merchant.merchant_id, Number(req.params.key_id), clock()]);
    if (!rows.length) throw notFound('API key', 'key_id');
    return { ok: true, key_id: Number(rows[0].key_id), revoked_ms: Number(rows[0].revoked_ms) };
  });
};
