// The merchant console's program, campaign-operation, money and order features (docs/console.md,
// sections Programs, Money, Orders), on PGlite and, with PG_TEST_URL, on PostgreSQL.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { harness, campaignConfig } = require('./server-harness');
const { checkLedger } = require('./crash-invariants');

const DB = process.env.PG_TEST_URL ? ['pglite', 'postgres'] : ['pglite'];
const SHARE = 990; // campaignConfig's commission per unit

async function books(h) {
  assert.deepEqual(await checkLedger(h.db.query, h.merchantId), []);
}

for (const kind of DB) {
  test(`${kind}: a draft's stock edited by PUT is what publishing freezes and sells`, async () => {
    const h = await harness(kind);
    await h.merchant('POST', '/api/merchant/topup', { amount_fen: 1000000, idem_key: 't' });
    const config = campaignConfig(h.clock.now, { product: { name: 'P', price_fen: 9900, stock: 200 } });
    assert.equal((await h.merchant('POST', '/api/merchant/programs', { program_id: 1, config })).status, 200);
    const put = await h.merchant('PUT', '/api/merchant/programs/1', { config: { ...config, product: { ...config.product, stock: 20 } } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const pub = await h.merchant('POST', '/api/merchant/programs/1/publish');
    assert.equal(pub.status, 200, JSON.stringify(pub.body));
    assert.equal(pub.body.frozen_fen, 20 * SHARE, 'frozen for the stock the draft says now');
    const [p] = await h.db.query('SELECT stock FROM programs WHERE merchant_id = $1 AND program_id = 1', [h.merchantId]);
    assert.equal(Number(p.stock), 20, 'sells the stock the draft says now');
    const bal = (await h.merchant('GET', '/api/merchant/balance')).body;
    assert.deepEqual([bal.balance, bal.frozen], [1000000 - 20 * SHARE, 20 * SHARE]);
    await books(h);
    await h.close();
  });
}
