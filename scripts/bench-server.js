// Server benchmark (not a test): places and pays orders through the real server over loopback
// with autocannon, on PGlite and on PostgreSQL, and prints settled orders/s and latency side by
// side; then runs again at half the measured rate to read p99 under a steady load.
//   node scripts/bench-server.js [seconds]   (scripts/bench-server.sh starts PostgreSQL first)
//   PG_BENCH_URL      a PostgreSQL server; each run gets a fresh database on it
//   BENCH_BASELINE    another checkout's web/server.js: measured too, in the same run (before/after)
//   BENCH_CONNECTIONS (16), BENCH_ONLY (pglite | postgres), BENCH_HALF=0 (skip the half-rate run),
//   BENCH_SHARED=1 (half the buyers came through a sharer's link: their orders pay commission)
//   BENCH_NODE_ARGS   extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
'use strict';
const { spawn } = require('child_process');
const autocannon = require('autocannon');
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');

const ROOT = path.join(__dirname, '..');
const SECONDS = Number(process.argv[2] || 10);
const KEY = 'demo-merchant-key';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 16);
const SHARED = process.env.BENCH_SHARED === '1';

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

async function start(server, env) {
  const args = (process.env.BENCH_NODE_ARGS || '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...args, server], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const base = `http://127.0.0.1:${env.PORT}`;
  for (let i = 0; i < 1200; i++) {
    try { if ((await fetch(`${base}/api/health`)).ok) return { child, base }; } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

async function setup(base) {
  const h = { 'content-type': 'application/json', 'x-api-key': KEY };
  await fetch(`${base}/api/merchant/topup`, { method: 'POST', headers: h, body: JSON.stringify({ amount_fen: 9e12, idem_key: 'bench' }) });
  const config = { kind: 'campaign', title: 'bench', start_ms: Date.now() - 1000, end_ms: Date.now() + 86400000,
    commission_per_unit_fen: 100, product: { name: 'b', price_fen: 1000, stock: 10000000 } };
  await fetch(`${base}/api/merchant/programs`, { method: 'POST', headers: h, body: JSON.stringify({ program_id: 9, config }) });
  await fetch(`${base}/api/merchant/programs/9/publish`, { method: 'POST', headers: h, body: '{}' });
  const sessions = [];
  for (let u = 0; u < 64; u++) {
    const r = await fetch(`${base}/api/dev/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ merchant_id: 1, user_id: 50000 + u }) });
    sessions.push((await r.json()).session);
  }
  if (SHARED) {
    // Every other buyer came through one of 8 sharers' links: those orders pay a commission line
    // (ledger entry, wallet upsert, budget move) when paid.
    const login = async (id) => (await (await fetch(`${base}/api/dev/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ merchant_id: 1, user_id: id }) })).json()).session;
    for (let u = 0; u < 64; u += 2) {
      const sharer = await login(40000 + (u % 8));
      const link = await (await fetch(`${base}/api/share/link`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${sharer}` },
        body: JSON.stringify({ program_id: 9, page_url: 'https://shop.example.cn/b' }) })).json();
      await fetch(`${base}/api/share/open`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${sessions[u]}` },
        body: JSON.stringify({ program_id: 9, url: link.url }) });
    }
  }
  return sessions;
}

function cannon(base, sessions, { connections, overallRate }) {
  let n = 0;
  const opts = {
    url: base, connections, duration: SECONDS, ...(overallRate ? { overallRate } : {}),
    requests: [
      {
        method: 'POST', path: '/api/orders',
        setupRequest: (req, ctx) => {
          ctx.session = sessions[n % sessions.length];
          req.headers = { 'content-type': 'application/json', authorization: `Bearer ${ctx.session}` };
          req.body = JSON.stringify({ program_id: 9, units: 1, idem_key: `b${process.pid}-${n++}` });
          return req;
        },
        onResponse: (status, body, ctx) => { ctx.order = status === 200 ? JSON.parse(body).order.order_id : null; },
      },
      {
        method: 'POST',
        setupRequest: (req, ctx) => {
          req.path = `/api/orders/${ctx.order || 0}/pay`;
          req.headers = { 'content-type': 'application/json', authorization: `Bearer ${ctx.session}` };
          req.body = '{}';
          return req;
        },
      },
    ],
  };
  return new Promise((resolve, reject) => autocannon(opts, (err, res) => (err ? reject(err) : resolve(res))));
}

// A fresh database per run, so every run starts from the same empty tables.
async function freshDatabase(name) {
  const { Client } = require('pg');
  const admin = new Client({ connectionString: process.env.PG_BENCH_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(process.env.PG_BENCH_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function measure(label, server, env) {
  const port = await freePort();
  const s = await start(server, { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error', SWEEP_MS: '3600000' });
  try {
    const sessions = await setup(s.base);
    const full = await cannon(s.base, sessions, { connections: CONNECTIONS });
    const settled = full['2xx'] / 2 / SECONDS;
    const half = process.env.BENCH_HALF === '0' ? { latency: {} }
      : await cannon(s.base, sessions, { connections: CONNECTIONS, overallRate: Math.max(1, Math.floor(settled)) });
    return { label, settled: settled.toFixed(0), p50: full.latency.p50, p99: full.latency.p99, errors: full.non2xx + full.errors,
      halfRate: (settled / 2).toFixed(0), halfP50: half.latency.p50, halfP99: half.latency.p99 };
  } finally {
    s.child.kill('SIGTERM');
    await new Promise((r) => (s.child.exitCode !== null ? r() : s.child.once('exit', r)));
  }
}

(async () => {
  const rows = [];
  const servers = [['', path.join(ROOT, 'web', 'server.js')]];
  if (process.env.BENCH_BASELINE) servers.unshift(['before ', path.resolve(process.env.BENCH_BASELINE)]);
  const only = process.env.BENCH_ONLY || '';
  for (const [tag, server] of servers) {
    if (only !== 'postgres') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pglite-'));
      rows.push(await measure(`${tag}PGlite`, server, { DATA_DIR: dir, DATABASE_URL: '' }));
      fs.rmSync(dir, { recursive: true, force: true });
    }
    if (process.env.PG_BENCH_URL && only !== 'pglite') {
      rows.push(await measure(`${tag}PostgreSQL`, server, { DATABASE_URL: await freshDatabase(tag ? 'bench_before' : 'bench') }));
    }
  }
  console.log(`\nsettled orders (place + pay${SHARED ? ', half with a commission line' : ''}), ${SECONDS} s per run, ${CONNECTIONS} connections, ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log('storage            orders/s  p50 ms  p99 ms  non-2xx | at half rate: req/s  p50 ms  p99 ms');
  for (const r of rows) {
    console.log(`${r.label.padEnd(18)} ${String(r.settled).padStart(8)} ${String(r.p50).padStart(7)} ${String(r.p99).padStart(7)} ${String(r.errors).padStart(8)} | ${String(r.halfRate).padStart(19)} ${String(r.halfP50).padStart(7)} ${String(r.halfP99).padStart(7)}`);
  }
})().catch((e) => { console.error(e); process.exit(1); });
