// Parsed program configs, per server process. A config only changes together with its row's
// config_version (every write of `config` bumps it), so an entry keyed by (merchant, program,
// config_version) can never be stale: the query that reads the row sends the version it holds and
// gets the config column back only when the row has moved on. Nothing else of the row is cached.
'use strict';
const { notFound } = require('./errors');

const MAX_ENTRIES = 1000;

const COLUMNS = `merchant_id, program_id, kind, status, stock, buyers, rules_version, config_version, attribution,
  attribution_state, attribution_version, password_hash, created_ms, updated_ms`;

function deepFreeze(v) {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze(v[k]);
  }
  return v;
}

function createProgramCache() {
  const configs = new Map(); // "m:id:version" -> config, least recently stored first
  const latest = new Map();  // "m:id" -> the newest version seen
  const key = (m, id) => `${m}:${id}`;

  // The version this process holds for a program (0: none), to send with the query.
  const heldVersion = (m, id) => latest.get(key(m, id)) || 0;

  // Completes a row read with the config column as `CASE WHEN config_version = <heldVersion>
  // THEN NULL ELSE config END`: its config, from the row or from the cache. Null when the cached
  // config was dropped meanwhile (the caller reads again without the cache).
  function resolve(row) {
    const k = key(row.merchant_id, row.program_id);
    const version = Number(row.config_version);
    const vk = `${k}:${version}`;
    if (row.config != null) {
      configs.delete(vk);
      if (configs.size >= MAX_ENTRIES) configs.delete(configs.keys().next().value);
      configs.set(vk, deepFreeze(row.config));
      if (version >= (latest.get(k) || 0)) latest.set(k, version);
      return row;
    }
    const config = configs.get(vk);
    if (!config) {
      latest.delete(k);
      return null;
    }
    row.config = config;
    return row;
  }

  async function load(q, merchantId, programId, lock = false) {
    for (;;) {
      const rows = await q(`SELECT ${COLUMNS}, CASE WHEN config_version = $3 THEN NULL ELSE config END AS config
                            FROM programs WHERE merchant_id = $1 AND program_id = $2${lock ? ' FOR UPDATE' : ''}`,
      [merchantId, programId, heldVersion(merchantId, programId)]);
      if (!rows.length) throw notFound('program', 'program_id');
      const row = resolve(rows[0]);
      if (row) return row;
    }
  }

  return { load, heldVersion, resolve, COLUMNS };
}

module.exports = { createProgramCache, deepFreeze };
