// The official account's global access token and jsapi_ticket, shared by every server process
// through the wechat_tokens row. Refreshed by one process at a time: the one whose conditional
// UPDATE takes the lease (lease_until_ms in the past) fetches; the others use the stored value
// while it is still valid, else wait for the row to change. The fetch happens outside any
// transaction (PGlite runs one transaction at a time, and a slow WeChat must not hold a row
// lock), and the lease expires by itself if its holder dies.
'use strict';
const crypto = require('crypto');

const MARGIN_MS = 5 * 60000; // refresh this long before WeChat's expiry
const LEASE_MS = 15000;
const WAIT_STEP_MS = 100;

function createTokenCache({ db, clock = () => Date.now(), owner = `${process.pid}-${crypto.randomBytes(4).toString('hex')}` }) {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  // fetcher() -> {value, expires_in (seconds)}; returns the value to use now.
  async function get(appid, kind, fetcher, { force = false } = {}) {
    // Token expiry runs on the server's clock, leases on real time (a lease is about processes).
    const deadline = Date.now() + LEASE_MS + 5000;
    for (;;) {
      const now = clock();
      const real = Date.now();
      const [row] = await db.query('SELECT value, expires_ms, lease_until_ms FROM wechat_tokens WHERE appid = $1 AND kind = $2', [appid, kind]);
      if (!row) {
        await db.query('INSERT INTO wechat_tokens (appid, kind) VALUES ($1, $2) ON CONFLICT DO NOTHING', [appid, kind]);
        continue;
      }
      const fresh = row.value && Number(row.expires_ms) - MARGIN_MS > now;
      if (fresh && !force) return row.value;
      const [lease] = await db.query(`UPDATE wechat_tokens SET lease_owner = $3, lease_until_ms = $4
                                      WHERE appid = $1 AND kind = $2 AND lease_until_ms <= $5 AND expires_ms = $6 RETURNING 1 AS ok`,
      [appid, kind, owner, real + LEASE_MS, real, Number(row.expires_ms)]);
      if (lease) {
        let got;
        try {
          got = await fetcher();
        } catch (e) {
          await db.query('UPDATE wechat_tokens SET lease_until_ms = 0 WHERE appid = $1 AND kind = $2 AND lease_owner = $3', [appid, kind, owner]);
          // WeChat may be down: a value still inside WeChat's own validity beats none.
          if (row.value && Number(row.expires_ms) > now && !force) return row.value;
          throw e;
        }
        const at = clock();
        await db.query(`UPDATE wechat_tokens SET value = $3, expires_ms = $4, refreshed_ms = $5, fetches = fetches + 1, lease_until_ms = 0
                        WHERE appid = $1 AND kind = $2`, [appid, kind, got.value, at + Number(got.expires_in) * 1000, at]);
        return got.value;
      }
      // Another process holds the lease (or just refreshed): use a still-valid value, else wait.
      if (row.value && Number(row.expires_ms) > now && !force) return row.value;
      force = false; // someone else is refreshing (that is what the forced caller wanted)
      if (Date.now() > deadline) throw Object.assign(new Error(`wechat ${kind} refresh timed out`), { code: 'E_WECHAT_TIMEOUT' });
      await sleep(WAIT_STEP_MS);
    }
  }

  // Forget a value WeChat refused (errcode 40001 / 42001): the next get() fetches.
  async function invalidate(appid, kind, value) {
    await db.query('UPDATE wechat_tokens SET expires_ms = 0 WHERE appid = $1 AND kind = $2 AND value = $3', [appid, kind, value]);
  }

  return { get, invalidate, owner };
}

module.exports = { createTokenCache, MARGIN_MS };
