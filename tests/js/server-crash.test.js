// Crash test: a load of orders, payments, completions, refunds and withdrawals against the real
// server process; kill -9 in the middle; restart on the same data; retry every request with its
// idempotency key; then prove from the ledger that nothing was lost or counted twice.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('child_process');
const net = require('net');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { checkLedger } = require('./crash-invariants');
const { openDatabase } = require('../../web/db');

const ROOT = path.join(__dirname, '..', '..');
const KEY = 'demo-merchant-key';
const PAGE = 'https://shop.example.cn/c';

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function start(env) {
  const child = spawn(process.execPath, [path.join(ROOT, 'web', 'server.js')], { env: { ...process.env, ...env, SWEEP_MS: '3600000' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${env.PORT}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${log}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) return { child, base, log: () => log };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not start: ${log}`);
}

function client(base) {
  const sessions = new Map();
  async function call(method, url, body, headers = {}) {
    const r = await fetch(base + url, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: await r.json() };
  }
  return {
    merchant: (method, url, body) => call(method, url, body, { 'x-api-key': KEY }),
    async user(id, method, url, body) {
      if (!sessions.has(id)) sessions.set(id, (await call('POST', '/api/dev/login', { merchant_id: 1, user_id: id })).body.session);
      return call(method, url, body, { authorization: `Bearer ${sessions.get(id)}` });
    },
  };
}

// One customer's journey; every request is logged so it can be retried after the crash.
async function journey(c, i, log, stop) {
  const sharer = 100 + (i % 4);
  const buyer = 1000 + i;
  const step = async (who, method, url, body) => {
    const entry = { who, method, url, body };
    log.push(entry);
    const r = who === 'm' ? await c.merchant(method, url, body) : await c.user(who, method, url, body);
    entry.status = r.status;
    entry.response = r.body;
    return r;
  };
  const link = await step(sharer, 'POST', '/api/share/link', { program_id: 7, page_url: PAGE });
  await step(buyer, 'POST', '/api/share/open', { program_id: 7, url: link.body.url });
  for (let n = 0; !stop.now; n++) {
    const o = await step(buyer, 'POST', '/api/orders', { program_id: 7, units: 1 + (n % 2), idem_key: `o${i}-${n}` });
    if (o.status !== 200) continue;
    const id = o.body.order.order_id;
    await step(buyer, 'POST', `/api/orders/${id}/pay`, { outcome: n % 5 === 4 ? 'twice' : 'succeed' });
    await step('m', 'POST', `/api/merchant/orders/${id}/complete`, {});
    if (n % 3 === 1) await step('m', 'POST', `/api/merchant/orders/${id}/refund`, { amount_fen: 4000, idem_key: `r${i}-${n}` });
    await step(sharer, 'POST', '/api/me/withdrawals', { amount_fen: 150, method: 'bank', idem_key: `w${i}-${n}`, payee: { name: '张三', bank: '招商银行', card_no: '6225880012345678' } });
  }
}

async function run(dbEnv, verifyWith) {
  const port = await freePort();
  const env = { PORT: String(port), HOST: '127.0.0.1', ...dbEnv };
  let s = await start(env);
  let c = client(s.base);
  const config = { kind: 'campaign', title: 'crash', start_ms: Date.now() - 1000, end_ms: Date.now() + 86400000,
    commission_per_unit_fen: 300, product: { name: 'x', price_fen: 9900, stock: 1000 }, hold_days: 0, refund_policy: 'proportional' };
  assert.equal((await c.merchant('POST', '/api/merchant/programs', { program_id: 7, config })).status, 200);
  assert.equal((await c.merchant('POST', '/api/merchant/programs/7/publish', {})).status, 200);
  // A withdrawal fee, so the books also have to account for what the merchant kept.
  assert.equal((await c.merchant('PUT', '/api/merchant/settings/withdrawal', { settings: { fee: { rate_bp: 100, min_fen: 1 } } })).status, 200);
  const log = [];
  const stop = { now: false };
  // Requests cut off by the kill reject; the journeys end there.
  const load = Array.from({ length: 8 }, (_, i) => journey(c, i, log, stop).catch(() => {}));
  // Kill once the load is well under way (PGlite is slower than PostgreSQL, so count, not time).
  const isAck = (e) => e.status === 200 && !e.url.startsWith('/api/share');
  for (let t = 0; t < 600 && log.filter(isAck).length < 60; t++) await new Promise((r) => setTimeout(r, 50));
  s.child.kill('SIGKILL');
  stop.now = true;
  await Promise.all(load);
  const acked = log.filter(isAck);
  assert.ok(acked.length > 20, `the load got going before the kill (${acked.length} acknowledged requests)`);

  s = await start(env);
  c = client(s.base);
  // Retry everything with the same keys: acknowledged requests must return their first result.
  for (const e of log) {
    if (e.url.startsWith('/api/share')) continue;
    const r = e.who === 'm' ? await c.merchant(e.method, e.url, e.body) : await c.user(e.who, e.method, e.url, e.body);
    if (e.status !== 200) continue;
    if (e.url === '/api/orders') assert.equal(r.body.order.order_id, e.response.order.order_id, 'a retried order is the same order');
    if (e.url === '/api/me/withdrawals') assert.equal(r.body.withdrawal.withdrawal_id, e.response.withdrawal.withdrawal_id);
    if (e.url.endsWith('/refund')) assert.deepEqual(r.body, e.response, 'a retried refund returns its first result');
    if (e.url.endsWith('/pay') && r.status === 409) assert.equal(r.body.errors[0].code, 'E_ORDER_STATE', 'a paid order is not paid again');
  }
  s.child.kill('SIGTERM');
  await new Promise((r) => s.child.once('exit', r));
  const db = await verifyWith();
  const problems = await checkLedger(db.query, 1);
  const [{ n }] = await db.query(`SELECT COUNT(*)::int AS n FROM orders WHERE merchant_id = 1 AND program_id = 7`);
  await db.close();
  assert.deepEqual(problems, []);
  const acknowledgedOrders = new Set(acked.filter((e) => e.url === '/api/orders').map((e) => e.response.order.order_id));
  assert.ok(n >= acknowledgedOrders.size, 'no acknowledged order was lost');
}

test('kill -9 under load on PGlite: the ledger stays whole', { timeout: 240000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crash-pglite-'));
  try {
    await run({ DATA_DIR: dir, DATABASE_URL: '' }, () => openDatabase({ url: '', dataDir: dir }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('kill -9 under load on PostgreSQL: the ledger stays whole', { timeout: 240000, skip: !process.env.PG_TEST_URL && 'PG_TEST_URL not set' }, async () => {
  const { Client } = require('pg');
  const admin = new Client({ connectionString: process.env.PG_TEST_URL });
  await admin.connect();
  const name = `crash_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = process.env.PG_TEST_URL.replace(/\/[^/]*$/, `/${name}`);
  await run({ DATABASE_URL: url }, () => openDatabase({ url }));
});
