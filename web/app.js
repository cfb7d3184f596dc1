// The reference server: a Fastify app over the storage of db.js and the WASM engine. It keeps no
// state of its own between requests (everything is in the database), so several can run behind a
// load balancer; the time-driven sweeps are idempotent and safe to run on every instance.
'use strict';
const crypto = require('crypto');
const Fastify = require('fastify');
const { ApiError, bad } = require('./errors');
const { verifySession } = require('./auth');
const { merchantAuthenticator } = require('./console-auth');
const { SandboxPayments } = require('./payments');
const { isRetryable } = require('./db');
const { createProgramCache } = require('./program-cache');
const { createShareSigner } = require('../bindings/share-node');

const AMOUNT = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER };
const ID = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER };
const IDEM_KEY = { type: 'string', minLength: 1, maxLength: 64 };

// ajv keyword -> our stable codes; the path is the field's JSON path.
function schemaProblem(v) {
  const field = (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
  const where = (k) => (field ? `${field}.${k}` : k);
  switch (v.keyword) {
    case 'required': return { code: 'E_REQUIRED', path: where(v.params.missingProperty), message: 'is required' };
    case 'additionalProperties':
      return { code: 'E_UNKNOWN_FIELD', path: where(v.params.additionalProperty), message: 'unknown field' };
    case 'type':
      return v.params.type === 'integer' && typeof v.data === 'number'
        ? { code: 'E_NOT_INTEGER', path: field, message: 'expected a whole number' }
        : { code: 'E_TYPE', path: field, message: `expected ${v.params.type}` };
    case 'minimum': case 'maximum': case 'minLength': case 'maxLength':
      return { code: v.keyword === 'minimum' && v.data < 0 ? 'E_NEGATIVE' : 'E_RANGE', path: field, message: v.message };
    case 'enum': return { code: 'E_ENUM', path: field, message: `must be one of ${v.params.allowedValues.join(', ')}` };
    default: return { code: 'E_INVALID', path: field, message: v.message };
  }
}

function buildApp({ db, engine, secret, mode = 'development', clock = () => Date.now(), logger = false }) {
  const app = Fastify({
    logger,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true, useDefaults: true, verbose: true } },
  });
  const payments = new SandboxPayments(`${secret}:payments`);
  // Share tokens are signed with a key derived from the server secret; rotating adds a key id.
  const shareKey = crypto.createHmac('sha256', secret).update('share-key-1').digest();
  const signer = createShareSigner(engine, { keys: { 1: shareKey }, currentKeyId: 1, maxAgeMs: 30 * 86400000 });
  const ctx = { db, engine, secret, mode, clock, payments, signer, schema: { AMOUNT, ID, IDEM_KEY } };
  ctx.programs = createProgramCache();
  ctx.attribution = require('./attribution')(ctx);
  ctx.gates = require('./gates')(ctx);
  ctx.orders = require('./orders')(ctx);

  // One transaction per request that writes. It runs again when it lost a race: a unique
  // violation (a concurrent retry of the same idempotent request won, so the handler now finds
  // its stored result), a deadlock, or a row it decided on that changed (db.Retry).
  ctx.tx = async (fn) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await db.tx(fn);
      } catch (e) {
        if (!isRetryable(e)) throw e;
        if (attempt < 5) continue;
        throw new ApiError(409, 'E_BUSY', '', 'too many concurrent changes; try again');
      }
    }
  };

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof ApiError) {
      return reply.code(err.status).send({ ok: false, errors: err.errors || [{ code: err.code, path: err.path, message: err.message }] });
    }
    if (err.validation) {
      return reply.code(400).send({ ok: false, errors: err.validation.map(schemaProblem) });
    }
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) {
      return reply.code(400).send({ ok: false, errors: [{ code: 'E_JSON_PARSE', path: '', message: 'body is not valid JSON' }] });
    }
    if (err.statusCode && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ ok: false, errors: [{ code: 'E_REQUEST', path: '', message: err.message }] });
    }
    req.log.error(err);
    return reply.code(500).send({ ok: false, errors: [{ code: 'E_INTERNAL', path: '', message: 'internal error' }] });
  });

  // Merchant requests carry the console's session cookie (and CSRF token) or an x-api-key; each
  // route's permission is checked against the role (web/console-auth.js, web/permissions.js).
  ctx.merchantAuth = merchantAuthenticator({ db, clock });
  // The session alone identifies the user: it is signed by us and only issued for an existing
  // merchant (merchants are never deleted), so the hot paths skip reading the merchant row;
  // handlers that need its settings or role name call ctx.loadMerchant(req).
  ctx.userAuth = async (req) => {
    const h = req.headers.authorization || '';
    const s = verifySession(secret, h.startsWith('Bearer ') ? h.slice(7) : '', clock());
    req.merchant = { merchant_id: s.merchantId };
    req.userId = s.userId;
  };
  ctx.loadMerchant = async (req) => {
    if (req.merchant.name !== undefined) return req.merchant;
    const rows = await db.query('SELECT * FROM merchants WHERE merchant_id = $1', [req.merchant.merchant_id]);
    if (!rows.length) throw new ApiError(401, 'E_SESSION', 'authorization', 'unknown merchant');
    req.merchant = rows[0];
    return req.merchant;
  };

  // Every route as "METHOD /pattern", for the test that each merchant route names its permission.
  const routeTable = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (r) => {
    for (const m of [].concat(r.method)) if (m !== 'HEAD') routeTable.push(`${m} ${r.url}`);
  });
  app.register(require('@fastify/cookie'));
  // Only the routes that ask for it are limited (the console's login); in memory per process.
  app.register(require('@fastify/rate-limit'), { global: false });
  app.get('/api/health', async () => ({ ok: true, engine: engine.version().engine, db: db.kind }));
  app.register(require('./routes/console'), { ctx });
  app.register(require('./routes/merchant'), { ctx });
  app.register(require('./routes/user'), { ctx });
  app.register(require('./routes/share'), { ctx });
  app.register(require('./routes/attribution'), { ctx });
  app.register(require('./routes/settings'), { ctx });
  app.register(require('./routes/wechat'), { ctx });
  return app;
}

module.exports = { buildApp, bad };
