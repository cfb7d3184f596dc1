// Storage: PGlite (Postgres in WASM, in a data folder) by default, a real PostgreSQL server when
// DATABASE_URL is set. Both get the same SQL and the same migrations; the server only ever sees
// `query(sql, params) -> rows` and `tx(fn)`, where fn receives a query function bound to one
// transaction.
'use strict';
const fs = require('fs');
const path = require('path');

const MIGRATIONS = path.join(__dirname, 'db');

async function openPglite(dataDir) {
  const { PGlite } = require('@electric-sql/pglite');
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const pg = dataDir ? new PGlite(dataDir) : new PGlite();
  await pg.waitReady;
  // PGlite runs one transaction at a time, which is what serialises concurrent requests here.
  const query = async (sql, params = []) => (await pg.query(sql, params)).rows;
  return {
    kind: 'pglite',
    query,
    tx: (fn) => pg.transaction((t) => fn(async (sql, params = []) => (await t.query(sql, params)).rows)),
    exec: (sql) => pg.exec(sql),
    close: () => pg.close(),
  };
}

async function openPostgres(url) {
  const pg = require('pg');
  // int8 and numeric sums arrive as strings; every amount is <= 2^53-1 by the schema's checks.
  pg.types.setTypeParser(20, (v) => Number(v));
  pg.types.setTypeParser(1700, (v) => Number(v));
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.PG_POOL || 16) });
  // Every statement is a named prepared statement: each connection parses and plans it once,
  // then only binds and executes (the SQL texts are a fixed set, so the map stays small).
  const names = new Map();
  const prepared = (text, values) => {
    let name = names.get(text);
    if (!name) {
      name = `s${names.size + 1}`;
      names.set(text, name);
    }
    return { name, text, values };
  };
  return {
    kind: 'postgres',
    query: async (sql, params = []) => (await pool.query(prepared(sql, params))).rows,
    tx: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(async (sql, params = []) => (await client.query(prepared(sql, params))).rows);
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    exec: (sql) => pool.query(sql),
    close: () => pool.end(),
  };
}

// A migration's statements: split at a ';' that ends a line, except inside a $$-quoted body
// (a function's statements end lines too).
function statements(sql) {
  const out = [];
  let quoted = false;
  let start = 0;
  const re = /\$\$|;[ \t]*(?:\r?\n|$)/g;
  for (let m; (m = re.exec(sql));) {
    if (m[0] === '$$') quoted = !quoted;
    else if (!quoted) {
      out.push(sql.slice(start, m.index));
      start = m.index + m[0].length;
    }
  }
  out.push(sql.slice(start));
  return out.map((s) => s.trim()).filter(Boolean);
}

async function migrate(db) {
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_ms BIGINT NOT NULL)');
  const done = new Set((await db.query('SELECT name FROM schema_migrations')).map((r) => r.name));
  for (const file of fs.readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql')).sort()) {
    if (done.has(file)) continue;
    const sql = fs.readFileSync(path.join(MIGRATIONS, file), 'utf8');
    await db.tx(async (q) => {
      // Whole file in one transaction: a crash mid-migration leaves nothing half-applied.
      for (const stmt of statements(sql)) await q(stmt);
      await q('INSERT INTO schema_migrations (name, applied_ms) VALUES ($1, $2)', [file, Date.now()]);
    });
  }
}

async function openDatabase({ url = process.env.DATABASE_URL, dataDir } = {}) {
  const db = url ? await openPostgres(url) : await openPglite(dataDir);
  await migrate(db);
  return db;
}

// True for a unique-constraint violation (two requests raced on the same idempotency key).
function isUniqueViolation(e) {
  return e && (e.code === '23505' || /duplicate key/.test(String(e.message)));
}

// Thrown inside a transaction when a row it decided on changed under it (a compare-and-set that
// matched nothing): the transaction rolls back and runs again on fresh rows.
class Retry extends Error {
  constructor(what) {
    super(`changed concurrently: ${what}`);
    this.retry = true;
  }
}

// CHECK constraints that guard a decision taken on rows read earlier (stock not below zero, a
// buyer's units moved only from the value the gate saw): their violation means "decide again".
const GUARDS = new Set(['programs_stock_check', 'program_buyers_units_check']);

// Worth running the whole transaction again: a raced idempotency key, a deadlock between two
// wallets, a guard that caught a concurrent change, or a Retry.
function isRetryable(e) {
  if (!e) return false;
  if (e.retry === true || isUniqueViolation(e) || e.code === '40P01' || e.code === '40001') return true;
  return e.code === '23514' && GUARDS.has(e.constraint);
}

module.exports = { openDatabase, isUniqueViolation, isRetryable, Retry, statements };
