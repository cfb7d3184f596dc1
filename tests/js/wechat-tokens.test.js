// The shared token cache (web/wechat/tokens.js) by itself: many callers on two caches (on
// PostgreSQL two connection pools, as two server processes have) fetch once; a lease whose holder
// died is taken over when it runs out; a failed fetch keeps a still-valid value and frees the
// lease; an expiring value is refreshed before WeChat's expiry.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('crypto');
const { database } = require('./server-harness');
const { openDatabase } = require('../../web/db');
const { createTokenCache, MARGIN_MS } = require('../../web/wechat/tokens');

const DB = process.env.PG_TEST_URL ? ['pglite', 'postgres'] : ['pglite'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (const kind of DB) {
  test(`${kind}: two caches, many callers, one fetch; dead lease taken over; failures keep a valid value`, async () => {
    const db = await database(kind);
    const other = kind === 'postgres' ? await openDatabase({ url: process.env.PG_TEST_URL }) : db;
    try {
      const clock = { now: Date.now() };
      const a = createTokenCache({ db, clock: () => clock.now });
      const b = createTokenCache({ db: other, clock: () => clock.now });
      const appid = `wxtest${crypto.randomBytes(6).toString('hex')}`;
      let fetches = 0;
      const fetcher = async () => {
        fetches++;
        await sleep(150);
        return { value: `T${fetches}`, expires_in: 7200 };
      };
      const got = await Promise.all([...Array(8)].map((_, i) => (i % 2 ? a : b).get(appid, 'access_token', fetcher)));
      assert.equal(fetches, 1);
      assert.deepEqual(new Set(got), new Set(['T1']));

      // Close to WeChat's expiry: refreshed (once) before it.
      clock.now += 7200000 - MARGIN_MS + 1;
      const again = await Promise.all([a.get(appid, 'access_token', fetcher), b.get(appid, 'access_token', fetcher)]);
      assert.equal(fetches, 2);
      assert.ok(again.every((v) => v === 'T1' || v === 'T2'), 'the old value is still good while the new one is fetched');
      assert.equal(await a.get(appid, 'access_token', fetcher), 'T2');

      // A holder that died mid-fetch (lease taken, nothing written): the others wait for the lease to run out, then fetch.
      const dead = `wxdead${crypto.randomBytes(6).toString('hex')}`;
      await db.query("INSERT INTO wechat_tokens (appid, kind, lease_owner, lease_until_ms) VALUES ($1, 'jsapi_ticket', 'gone', $2)", [dead, Date.now() + 400]);
      const t0 = Date.now();
      assert.equal(await b.get(dead, 'jsapi_ticket', async () => ({ value: 'TK', expires_in: 7200 })), 'TK');
      assert.ok(Date.now() - t0 >= 300, 'waited for the dead lease');

      // WeChat fails: a value WeChat still accepts is used, the lease is freed; with no value the error surfaces.
      clock.now += 7200000 - MARGIN_MS + 1;
      const failing = async () => { throw Object.assign(new Error('down'), { code: 'E_WECHAT' }); };
      assert.equal(await a.get(appid, 'access_token', failing), 'T2');
      const [row] = await db.query("SELECT lease_until_ms FROM wechat_tokens WHERE appid = $1 AND kind = 'access_token'", [appid]);
      assert.equal(Number(row.lease_until_ms), 0, 'lease freed for the next try');
      await assert.rejects(a.get(`wxnone${crypto.randomBytes(6).toString('hex')}`, 'access_token', failing), /down/);
      // A refused token is dropped: the next call fetches.
      await a.invalidate(appid, 'access_token', 'T2');
      assert.equal(await b.get(appid, 'access_token', fetcher), 'T3');
    } finally {
      if (other !== db) await other.close();
    }
  });
}
