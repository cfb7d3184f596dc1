// Builds the reference server in-process on PGlite (default) or on PostgreSQL (PG_TEST_URL), with
// a controllable clock. Each test creates its own merchant, so tests share one database.
'use strict';
const crypto = require('crypto');
const { engine } = require('./engine-loader');
const { openDatabase } = require('../../web/db');
const { buildApp } = require('../../web/app');
const { hashKey } = require('../../web/auth');

let shared;
async function database(kind) {
  shared = shared || {};
  if (!shared[kind]) {
    shared[kind] = openDatabase(kind === 'postgres' ? { url: process.env.PG_TEST_URL } : { url: '' });
  }
  return shared[kind];
}

// Unique across the test processes that share one PostgreSQL: time and pid, 100 merchants each.
let nextMerchant = ((Date.now() % 1e6) * 1e5 + (process.pid % 1e5)) * 100;
let staffCount = 0;

async function harness(kind = 'pglite', { mode = 'development', now = Date.UTC(2026, 10, 24, 4, 0, 0), logger = false } = {}) {
  const db = await database(kind);
  const e = await engine();
  const clock = { now };
  const secret = 'test-secret';
  const app = buildApp({ db, engine: e, secret, mode, clock: () => clock.now, logger });
  await app.ready();
  const merchantId = ++nextMerchant;
  const apiKey = crypto.randomBytes(12).toString('hex');
  await db.query(`INSERT INTO merchants (merchant_id, name, api_key_hash, created_ms) VALUES ($1, $2, $3, $4)`,
    [merchantId, `m${merchantId}`, hashKey(apiKey), clock.now]);
  const h = {
    app, db, engine: e, clock, merchantId, apiKey,
    async merchant(method, url, payload) {
      const r = await app.inject({ method, url, payload, headers: { 'x-api-key': apiKey } });
      return { status: r.statusCode, body: r.headers['content-type']?.includes('json') ? r.json() : r.body };
    },
    // A console caller signed in as a new staff member of this merchant with `role`: the session
    // cookie on every call and the CSRF token on writes (`{csrf: false}` leaves it out).
    async staff(role, name = role) {
      const login = `${role}-${merchantId}-${++staffCount}`;
      const made = await h.merchant('POST', '/api/merchant/staff', { login, name, role, password: 'correct horse 1' });
      if (made.status !== 200) throw new Error(`staff: ${JSON.stringify(made.body)}`);
      const r = await app.inject({ method: 'POST', url: '/api/console/login', payload: { login, password: 'correct horse 1' } });
      if (r.statusCode !== 200) throw new Error(`login: ${r.body}`);
      const cookie = r.cookies.find((c) => c.name === 'sid');
      const { csrf } = r.json();
      const call = async (method, url, payload, { csrf: withCsrf = true } = {}) => {
        const headers = { cookie: `sid=${cookie.value}`, ...(withCsrf ? { 'x-csrf-token': csrf } : {}) };
        const res = await app.inject({ method, url, payload, headers });
        return { status: res.statusCode, body: res.headers['content-type']?.includes('json') ? res.json() : res.body };
      };
      return Object.assign(call, { login, csrf, cookie: cookie.value });
    },
    // A user's caller; it signs in again per call, as the tests move the clock across days.
    async login(userId) {
      return async (method, url, payload) => {
        const r = await app.inject({ method: 'POST', url: '/api/dev/login', payload: { merchant_id: merchantId, user_id: userId } });
        const session = r.json().session;
        const res = await app.inject({ method, url, payload, headers: { authorization: `Bearer ${session}` } });
        return { status: res.statusCode, body: res.json() };
      };
    },
    // The visitor opens the sharer's signed link: the visit and its attribution, as the pages do it.
    async visit(programId, visitor, sharer) {
      const s = await h.login(sharer);
      const link = await s('POST', '/api/share/link', { program_id: programId, page_url: 'https://shop.example.cn/p' });
      if (link.status !== 200) throw new Error(`share link: ${JSON.stringify(link.body)}`);
      const v = await h.login(visitor);
      const opened = await v('POST', '/api/share/open', { program_id: programId, url: link.body.url });
      if (!opened.body.attributed) throw new Error(`share open: ${JSON.stringify(opened.body)}`);
      return opened.body;
    },
    close: () => app.close(),
  };
  return h;
}

function campaignConfig(now, over = {}) {
  return {
    kind: 'campaign', title: 'T', start_ms: now - 1000, end_ms: now + 30 * 86400000, commission_per_unit_fen: 990,
    product: { name: 'P', price_fen: 9900, stock: 10 }, ...over,
  };
}

module.exports = { harness, campaignConfig, database };
