// Console benchmark (not a test): the merchant console's list and detail endpoints through the
// real server over loopback, signed in as the demo owner, on a fresh PostgreSQL database: first as
// the demo seeds it, then with a big merchant's orders filled in by SQL (1,000,000 orders by
// default, half of them with commission lines), side by side: p50 / p99 per endpoint.
//   node scripts/bench-console.js [seconds per endpoint]   (scripts/bench-console.sh starts PostgreSQL)
//   PG_BENCH_URL   a PostgreSQL server; the run gets a fresh database on it
//   BENCH_ORDERS   (1000000) orders to fill in; BENCH_CONNECTIONS (4)
'use strict';
const { spawn } = require('child_process');
const autocannon = require('autocannon');
const path = require('path');
const net = require('net');
const { Client } = require('pg');

const ROOT = path.join(__dirname, '..');
const SECONDS = Number(process.argv[2] || 5);
const ORDERS = Number(process.env.BENCH_ORDERS || 1000000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 4);
const DAY = 86400000;

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

async function start(env) {
  const child = spawn(process.execPath, [path.join(ROOT, 'web', 'server.js')], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const base = `http://127.0.0.1:${env.PORT}`;
  for (let i = 0; i < 1200; i++) {
    try { if ((await fetch(`${base}/api/health`)).ok) return { child, base }; } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

// The big merchant, through the project's own schema: 100k customers, 20k distributors' lines,
// orders over 180 days in every state (5 % open, 10 % closed, 45 % paid of which a third shipped,
// 40 % completed, 5 % with a refund), one commission line on every other paid order.
async function fill(url, now) {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fillWith(c, now);
  } finally {
    await c.end();
  }
}

// Rows go in without the triggers of migration 011 (one running sum updated a million times in
// one transaction is slow), and the sums are rebuilt from them afterwards.
async function fillWith(c, now) {
  await c.query('SET session_replication_role = replica');
  const [{ rules_version: rv }] = (await c.query('SELECT rules_version FROM programs WHERE merchant_id = 1 AND program_id = 2001')).rows;
  await c.query(`INSERT INTO users (merchant_id, user_id, nickname, created_ms)
    SELECT 1, 100000 + g, '顾客' || g, $1 FROM generate_series(0, 99999) g ON CONFLICT DO NOTHING`, [now]);
  const cols = (await c.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'orders'`)).rows.map((r) => r.column_name);
  const shipped = cols.includes('shipped_ms');
  await c.query(`INSERT INTO orders (merchant_id, program_id, buyer_id, status, units, paid_fen, refunded_fen, items, attribution, idem_key,
      created_ms, paid_ms, completed_ms${shipped ? ', shipped_ms' : ''})
    SELECT 1, CASE WHEN g % 2 = 0 THEN 1001 ELSE 2001 END, 100000 + (g::bigint * 7919) % 100000, s.status, 1, 9900,
      CASE WHEN g % 20 = 3 AND s.status IN ('paid', 'completed') THEN 4900 ELSE 0 END,
      CASE WHEN g % 2 = 0 THEN '[{"units":1,"paid_fen":9900}]'::jsonb ELSE '[{"product_id":"tea-250","units":1,"paid_fen":9900}]'::jsonb END,
      '{}'::jsonb, 'bench-' || g, t.created, CASE WHEN s.status IN ('paid', 'completed') THEN t.created + 60000 END,
      CASE WHEN s.status = 'completed' THEN t.created + 5 * $2::bigint END
      ${shipped ? ", CASE WHEN s.status = 'completed' OR (s.status = 'paid' AND g % 3 = 0) THEN t.created + $2::bigint END" : ''}
    FROM generate_series(1, $3) g,
      LATERAL (SELECT (ARRAY['created','closed','closed','paid','paid','paid','paid','paid','paid','paid','paid','paid',
        'completed','completed','completed','completed','completed','completed','completed','completed'])[g % 20 + 1] AS status) s,
      LATERAL (SELECT $1::bigint - (($3 - g)::bigint * 180 * $2::bigint) / $3 AS created) t`, [now, DAY, ORDERS]);
  await c.query(`INSERT INTO commission_lines (merchant_id, order_id, item_index, beneficiary_id, role, level, reward, basis, rate_bp,
      rule, amount, state, rules_version, created_ms)
    SELECT 1, order_id, 0, 300000 + order_id % 20000, 'distributor', 1, 'cash', 'rate', 1000, 'rate', 990,
      CASE WHEN status = 'completed' THEN 'available' ELSE 'pending' END, $1, paid_ms
    FROM orders WHERE merchant_id = 1 AND status IN ('paid', 'completed') AND order_id % 2 = 0`, [rv]);
  await c.query('SET session_replication_role = origin');
  await c.query('SELECT sums_rebuild()');
  await c.query('ANALYZE');
  const [{ min, max }] = (await c.query('SELECT MIN(order_id)::bigint AS min, MAX(order_id)::bigint AS max FROM orders WHERE merchant_id = 1')).rows;
  return { min: Number(min), max: Number(max) };
}

async function signIn(base) {
  const r = await fetch(`${base}/api/console/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: 'demo', password: 'demo-owner-2026' }) });
  const cookie = (r.headers.get('set-cookie') || '').split(';')[0];
  if (!r.ok || !cookie) throw new Error(`sign-in failed: ${r.status}`);
  return cookie;
}

function endpoints(now, range) {
  const mid = Math.floor((range.min + range.max) / 2);
  const pick = () => range.min + Math.floor(Math.random() * (range.max - range.min + 1));
  return [
    ['orders, newest page', () => '/api/merchant/orders?limit=20'],
    ['orders, status paid', () => '/api/merchant/orders?status=paid&limit=20'],
    ['orders, one program', () => '/api/merchant/orders?program_id=2001&limit=20'],
    ['orders, paid in one week', () => `/api/merchant/orders?paid_from=${now - 100 * DAY}&paid_to=${now - 93 * DAY}&limit=20`],
    ['orders, one buyer', () => `/api/merchant/orders?buyer_id=${100000 + Math.floor(Math.random() * 100000)}&limit=20`],
    ['orders, one distributor', () => `/api/merchant/orders?distributor_id=${300000 + Math.floor(Math.random() * 20000)}&limit=20`],
    ['orders, page deep in the list', () => `/api/merchant/orders?before=${mid}&limit=20`],
    ['order detail', () => `/api/merchant/orders/${pick()}`],
    ['programs list', () => '/api/merchant/programs'],
    ['balance statement', () => '/api/merchant/balance/statement?limit=50'],
  ];
}

function measure(base, cookie, pathOf) {
  return new Promise((resolve, reject) => {
    autocannon({
      url: base, connections: CONNECTIONS, duration: SECONDS,
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: pathOf(), headers: { cookie } }) }],
    }, (err, r) => (err ? reject(err) : resolve({ p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average, non2xx: r.non2xx })));
  });
}

async function main() {
  const url = process.env.PG_BENCH_URL;
  if (!url) throw new Error('PG_BENCH_URL is not set (scripts/bench-console.sh starts a PostgreSQL)');
  const name = `bench_console_${process.pid}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const dbUrl = url.replace(/\/[^/]*$/, `/${name}`);
  const port = await freePort();
  const { child, base } = await start({ PORT: String(port), DATABASE_URL: dbUrl, SWEEP_MS: '3600000', NODE_ENV: 'development' });
  const rows = [];
  try {
    const now = Date.now();
    const cookie = await signIn(base);
    const empty = {};
    for (const [label, pathOf] of endpoints(now, { min: 1, max: 1 })) empty[label] = await measure(base, cookie, pathOf);
    const t0 = Date.now();
    const range = await fill(dbUrl, now);
    const filled = Date.now() - t0;
    for (const [label, pathOf] of endpoints(now, range)) {
      const big = await measure(base, cookie, pathOf);
      rows.push([label, empty[label], big]);
    }
    console.log(`\nconsole endpoints on PostgreSQL, ${CONNECTIONS} connections, ${SECONDS} s each; filled ${ORDERS} orders in ${(filled / 1000).toFixed(0)} s\n`);
    console.log('| endpoint | empty p50 ms | empty p99 ms | big p50 ms | big p99 ms | big req/s | non-2xx |');
    console.log('| --- | --: | --: | --: | --: | --: | --: |');
    for (const [label, e, b] of rows) console.log(`| ${label} | ${e.p50} | ${e.p99} | ${b.p50} | ${b.p99} | ${Math.round(b.rps)} | ${b.non2xx} |`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
