// The demo / reference server: the API of app.js, the pages, and the engine module, on PGlite in
// web/data by default or on PostgreSQL when DATABASE_URL is set.
//   PORT (8080), HOST (127.0.0.1), DATABASE_URL, DATA_DIR (web/data/pglite), NODE_ENV=production
//   (then SECRET is required and the development login is off), ENGINE_DIST (build/wasm/dist).
'use strict';
const path = require('path');
const crypto = require('crypto');
const { openDatabase } = require('./db');
const { buildApp } = require('./app');
const { seedDemo, DEMO } = require('./demo');
const settle = require('./settle');
const withdraw = require('./withdraw');

const root = path.join(__dirname, '..');
const dist = process.env.ENGINE_DIST || path.join(root, 'build', 'wasm', 'dist');
const production = process.env.NODE_ENV === 'production';

async function sweep(db, clock) {
  // Holds end and night-queued red packets go out by time, not by a person.
  const merchants = await db.query('SELECT merchant_id FROM merchants');
  for (const { merchant_id: m } of merchants) {
    await db.tx((q) => settle.releaseDue(q, m, clock()));
    await db.tx((q) => withdraw.sendQueued(q, m, clock()));
  }
}

async function main() {
  if (production && !process.env.SECRET) throw new Error('SECRET must be set in production');
  const secret = process.env.SECRET || crypto.createHash('sha256').update(`dev:${root}`).digest('hex');
  const { loadEngine } = require(path.join(dist, 'engine.js'));
  const engine = await loadEngine();
  const db = await openDatabase({ url: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR || path.join(__dirname, 'data', 'pglite') });
  if (!production) await seedDemo(db, engine);
  const clock = () => Date.now();
  const app = buildApp({ db, engine, secret, mode: production ? 'production' : 'development', clock, logger: { level: process.env.LOG_LEVEL || 'warn' } });
  app.register(require('./static'), { dist });
  const port = Number(process.env.PORT || 8080);
  const host = process.env.HOST || '127.0.0.1';
  await app.listen({ port, host });
  const timer = setInterval(() => sweep(db, clock).catch((e) => app.log.error(e)), Number(process.env.SWEEP_MS || 60000));
  const stop = async () => {
    clearInterval(timer);
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  console.log(`demo on http://${host}:${port}/  (${db.kind}${production ? '' : `, demo merchant ${DEMO.merchant_id}, API key ${DEMO.api_key}`})`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
