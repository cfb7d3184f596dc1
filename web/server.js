// The demo / reference server: the API of app.js, the pages, and the engine module, on PGlite in
// web/data by default or on PostgreSQL when DATABASE_URL is set.
//   PORT (8080), HOST (127.0.0.1), DATABASE_URL, DATA_DIR (web/data/pglite), NODE_ENV=production
//   (then SECRET is required and the development login is off), ENGINE_DIST (build/wasm/dist),
//   WORKERS (1): with PostgreSQL, that many server processes share the port (node:cluster); each is
//   a full stateless server, as several machines behind a load balancer would be.
'use strict';
const cluster = require('cluster');
const path = require('path');
const crypto = require('crypto');
const { openDatabase, isRetryable } = require('./db');
const { createProgramCache } = require('./program-cache');
const campaignEnd = require('./campaign-end');
const { buildApp } = require('./app');
const { seedDemo, DEMO } = require('./demo');
const settle = require('./settle');
const withdraw = require('./withdraw');

const root = path.join(__dirname, '..');
const dist = process.env.ENGINE_DIST || path.join(root, 'build', 'wasm', 'dist');
const production = process.env.NODE_ENV === 'production';

// One transaction, run again when it lost a race (a deadlock with a payment, a raced key).
async function retrying(db, fn) {
  for (let n = 0; ; n++) {
    try {
      return await db.tx(fn);
    } catch (e) {
      if (!isRetryable(e) || n >= 5) throw e;
    }
  }
}

// merchantIds: only these merchants (a test's own, in a database other tests share).
async function sweep(db, engine, programs, clock, merchantIds = null) {
  // Campaigns end, orders complete, holds end and night-queued red packets go out by time, not
  // by a person. Each step finds its rows again under their locks, so several processes may
  // sweep at once.
  const merchants = merchantIds ? merchantIds.map((m) => ({ merchant_id: m })) : await db.query('SELECT merchant_id FROM merchants');
  const tx = (fn) => retrying(db, fn);
  for (const { merchant_id: m } of merchants) {
    await campaignEnd.endDue(db.query, tx, engine, programs, m, clock());
    await settle.completeDue(db.query, tx, programs, m, clock());
    await tx((q) => settle.releaseDue(q, m, clock()));
    await tx((q) => withdraw.sendQueued(q, m, clock()));
  }
}

const secretOf = () => process.env.SECRET || crypto.createHash('sha256').update(`dev:${root}`).digest('hex');
const openDb = () => openDatabase({ url: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR || path.join(__dirname, 'data', 'pglite') });

async function serve(seed) {
  const secret = secretOf();
  const { loadEngine } = require(path.join(dist, 'engine.js'));
  const engine = await loadEngine();
  const db = await openDb();
  if (seed && !production) await seedDemo(db, engine);
  const clock = () => Date.now();
  const app = buildApp({ db, engine, secret, mode: production ? 'production' : 'development', clock, logger: { level: process.env.LOG_LEVEL || 'warn' } });
  app.register(require('./static'), { dist });
  const port = Number(process.env.PORT || 8080);
  const host = process.env.HOST || '127.0.0.1';
  await app.listen({ port, host });
  const programs = createProgramCache();
  const timer = setInterval(() => sweep(db, engine, programs, clock).catch((e) => app.log.error(e)), Number(process.env.SWEEP_MS || 60000));
  const stop = async () => {
    clearInterval(timer);
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return { host, port, kind: db.kind };
}

async function main() {
  if (production && !process.env.SECRET) throw new Error('SECRET must be set in production');
  const workers = process.env.DATABASE_URL ? Math.max(1, Number(process.env.WORKERS || 1)) : 1;
  if (workers === 1) {
    const { host, port, kind } = await serve(true);
    console.log(`demo on http://${host}:${port}/  (${kind}${production ? '' : `, demo merchant ${DEMO.merchant_id}, API key ${DEMO.api_key}`})`);
    return;
  }
  if (cluster.isWorker) {
    await serve(false);
    process.send('listening');
    return;
  }
  // The primary migrates and seeds once, then only keeps the workers running.
  const db = await openDb();
  if (!production) {
    const { loadEngine } = require(path.join(dist, 'engine.js'));
    await seedDemo(db, await loadEngine());
  }
  await db.close();
  let stopping = false;
  let up = 0;
  const fork = () => {
    const w = cluster.fork();
    w.on('message', (m) => {
      if (m === 'listening' && ++up === workers) {
        console.log(`demo on http://${process.env.HOST || '127.0.0.1'}:${process.env.PORT || 8080}/  (postgres, ${workers} workers)`);
      }
    });
    w.on('exit', (code) => { if (!stopping && code !== 0) fork(); });
  };
  for (let i = 0; i < workers; i++) fork();
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers)) w.kill('SIGTERM');
    let left = Object.keys(cluster.workers).length;
    if (!left) process.exit(0);
    cluster.on('exit', () => { if (--left === 0) process.exit(0); });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

// Run as a program (scripts/run.sh, and every cluster worker); required, it only lends its sweep.
if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

module.exports = { sweep };
