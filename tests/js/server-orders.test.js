// Orders under concurrency and the settlement shortcuts: the stock and buyer guards of the single
// write, the buyer counters, the preview stored at placement and reused at payment, campaign
// attribution by the engine, and what a commission line says about its order.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { harness, campaignConfig } = require('./server-harness');
const { checkLedger } = require('./crash-invariants');

const DB = process.env.PG_TEST_URL ? ['pglite', 'postgres'] : ['pglite'];
const HOUR = 3600000;

async function campaign(h, over = {}) {
  await h.merchant('POST', '/api/merchant/topup', { amount_fen: 1000000, idem_key: 't' });
  const c = await h.merchant('POST', '/api/merchant/programs', { program_id: 1, config: campaignConfig(h.clock.now, over) });
  assert.equal(c.status, 200, JSON.stringify(c.body));
  assert.equal((await h.merchant('POST', '/api/merchant/programs/1/publish')).status, 200);
}

const codes = (results) => results.filter((r) => r.status !== 200).map((r) => r.body.errors[0].code).sort();

for (const kind of DB) {
  test(`${kind}: parallel orders never take more than the stock, and the gate says why`, async () => {
    const h = await harness(kind);
    await campaign(h, { product: { name: 'P', price_fen: 9900, stock: 3 } });
    const buyers = await Promise.all(Array.from({ length: 8 }, (_, i) => h.login(100 + i)));
    const results = await Promise.all(buyers.map((b, i) => b('POST', '/api/orders', { program_id: 1, units: 1, idem_key: `o${i}` })));
    assert.equal(results.filter((r) => r.status === 200).length, 3);
    for (const c of codes(results)) assert.ok(['G_SOLD_OUT', 'E_PURCHASE_LIMIT'].includes(c), c);
    const [p] = await h.db.query('SELECT stock, buyers FROM programs WHERE merchant_id = $1 AND program_id = 1', [h.merchantId]);
    assert.deepEqual([Number(p.stock), Number(p.buyers)], [0, 3]);
    assert.deepEqual(await checkLedger(h.db.query, h.merchantId), []);
    await h.close();
  });

  test(`${kind}: one buyer's parallel orders stop at the per-user limit`, async () => {
    const h = await harness(kind);
    await campaign(h, { per_user_limit: 2 });
    const me = await h.login(7);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => me('POST', '/api/orders', { program_id: 1, units: 1, idem_key: `o${i}` })));
    assert.equal(results.filter((r) => r.status === 200).length, 2, JSON.stringify(codes(results)));
    for (const c of codes(results)) assert.ok(['G_PURCHASE_LIMIT', 'E_PURCHASE_LIMIT'].includes(c), c);
    const [b] = await h.db.query('SELECT units FROM program_buyers WHERE merchant_id = $1 AND program_id = 1 AND buyer_id = 7', [h.merchantId]);
    assert.equal(Number(b.units), 2);
    await h.close();
  });

  test(`${kind}: a buyer cap counts people, also when they come at once`, async () => {
    const h = await harness(kind);
    await campaign(h, { max_buyers: 2 });
    const buyers = await Promise.all(Array.from({ length: 5 }, (_, i) => h.login(200 + i)));
    const results = await Promise.all(buyers.map((b, i) => b('POST', '/api/orders', { program_id: 1, units: 1, idem_key: `o${i}` })));
    assert.equal(results.filter((r) => r.status === 200).length, 2);
    assert.deepEqual([...new Set(codes(results))], ['G_BUYERS_FULL']);
    const first = buyers[results.findIndex((r) => r.status === 200)];
    assert.equal((await first('POST', '/api/orders', { program_id: 1, units: 1, idem_key: 'again' })).status, 200, 'a buyer is not a new buyer');
    await h.close();
  });

  test(`${kind}: a failed payment gives back the stock and the buyer's place`, async () => {
    const h = await harness(kind);
    await campaign(h, { max_buyers: 1 });
    const a = await h.login(1);
    const b = await h.login(2);
    const o = (await a('POST', '/api/orders', { program_id: 1, units: 2, idem_key: 'o' })).body.order;
    assert.equal((await b('POST', '/api/orders', { program_id: 1, units: 1, idem_key: 'o' })).body.errors[0].code, 'G_BUYERS_FULL');
    const failed = await a('POST', `/api/orders/${o.order_id}/pay`, { outcome: 'fail' });
    assert.deepEqual([failed.status, failed.body.status], [200, 'closed']);
    const [p] = await h.db.query('SELECT stock, buyers FROM programs WHERE merchant_id = $1 AND program_id = 1', [h.merchantId]);
    assert.deepEqual([Number(p.stock), Number(p.buyers)], [10, 0]);
    assert.equal((await b('POST', '/api/orders', { program_id: 1, units: 1, idem_key: 'o' })).status, 200);
    const again = await a('POST', `/api/orders/${o.order_id}/pay`, {});
    assert.deepEqual([again.status, again.body.errors[0].code], [409, 'E_ORDER_STATE']);
    assert.deepEqual(await checkLedger(h.db.query, h.merchantId), []);
    await h.close();
  });

  test(`${kind}: a late callback settles once; a payment settles under the config in force when paid`, async () => {
    const h = await harness(kind);
    const config = { kind: 'distribution', depth: 1, rates_bp: [1000] };
    await h.merchant('POST', '/api/merchant/programs', { program_id: 1, config });
    await h.merchant('POST', '/api/merchant/programs/1/publish');
    await h.merchant('PUT', '/api/merchant/products/tea', { name: 'tea', price_fen: 10000 });
    const d = await h.login(5);
    await d('POST', '/api/me/apply', { program_id: 1 });
    await h.visit(1, 6, 5);
    const buyer = await h.login(6);
    const o1 = (await buyer('POST', '/api/orders', { program_id: 1, idem_key: 'a', items: [{ product_id: 'tea', units: 1 }] })).body;
    const o2 = (await buyer('POST', '/api/orders', { program_id: 1, idem_key: 'b', items: [{ product_id: 'tea', units: 1 }] })).body;
    assert.equal(o1.preview.totals.cash_fen, 1000);
    const late = await buyer('POST', `/api/orders/${o1.order.order_id}/pay`, { outcome: 'late' });
    assert.equal(late.body.status, 'pending');
    // The merchant raises the rate between placing and paying: payment follows the program now.
    const edited = await h.merchant('PUT', '/api/merchant/programs/1', { config: { ...config, rates_bp: [2000] } });
    assert.equal(edited.status, 200);
    const cb = { merchant_id: h.merchantId, ...late.body.callback };
    for (let i = 0; i < 2; i++) {
      const r = await h.app.inject({ method: 'POST', url: '/api/payments/sandbox/callback', payload: cb });
      assert.equal(r.json().status, 'paid');
    }
    await buyer('POST', `/api/orders/${o2.order.order_id}/pay`, {});
    const mine = (await d('GET', '/api/me/commissions')).body;
    assert.deepEqual(mine.lines.map((l) => l.amount).sort(), [2000, 2000]);
    assert.ok(mine.lines.every((l) => l.rules_version === edited.body.rules_version));
    assert.equal(mine.wallet.pending, 4000, 'the callback delivered twice credited once');
    assert.deepEqual(await checkLedger(h.db.query, h.merchantId), []);
    await h.close();
  });

  test(`${kind}: campaign credit follows the engine's share window, and each line says why`, async () => {
    const h = await harness(kind);
    await campaign(h);
    await h.visit(1, 20, 10);
    const visitedAt = h.clock.now;
    h.clock.now += HOUR;
    const buyer = await h.login(20);
    const o1 = (await buyer('POST', '/api/orders', { program_id: 1, units: 1, idem_key: 'a' })).body;
    assert.equal(o1.order.attribution.decision.reason, 'order_campaign_sharer');
    const [rel] = await h.db.query('SELECT updated_ms FROM relations WHERE merchant_id = $1 AND program_id = 1 AND customer_id = 20', [h.merchantId]);
    assert.equal(Number(rel.updated_ms), visitedAt, 'a campaign order leaves the buyer\'s record as the visit left it');
    await buyer('POST', `/api/orders/${o1.order.order_id}/pay`, {});
    h.clock.now += 24 * HOUR; // the default share window is 24 h from the visit
    const o2 = (await buyer('POST', '/api/orders', { program_id: 1, units: 1, idem_key: 'b' })).body;
    assert.deepEqual([o2.order.attribution.decision.reason, o2.order.attribution.decision.facts.why], ['order_unattributed', 'share_expired']);
    assert.equal(o2.preview.totals.cash_fen, 0);
    const replay = (await buyer('POST', '/api/orders', { program_id: 1, units: 1, idem_key: 'b' })).body;
    assert.deepEqual([replay.replayed, replay.order.order_id, replay.preview], [true, o2.order.order_id, o2.preview]);
    const sharer = await h.login(10);
    const { lines } = (await sharer('GET', '/api/me/commissions')).body;
    assert.equal(lines.length, 1);
    const [l] = lines;
    assert.deepEqual([l.program_id, l.product_id, l.order_id, l.amount], [1, null, o1.order.order_id, 990]);
    assert.deepEqual([l.why.reason, l.why.facts.distributor_id, l.why.facts.share.sharer_id], ['order_campaign_sharer', 10, 10]);
    await h.close();
  });

  test(`${kind}: a distribution line carries its program, product and the binding that credited it`, async () => {
    const h = await harness(kind);
    await h.merchant('POST', '/api/merchant/programs', { program_id: 3, config: { kind: 'distribution', depth: 2, rates_bp: [1000, 500] } });
    await h.merchant('POST', '/api/merchant/programs/3/publish');
    await h.merchant('PUT', '/api/merchant/products/cup', { name: 'cup', price_fen: 3900 });
    const a = await h.login(1);
    const b = await h.login(2);
    await a('POST', '/api/me/apply', { program_id: 3 });
    await h.visit(3, 2, 1);
    await b('POST', '/api/me/apply', { program_id: 3 });
    // The customer is bound to B, then opens A's link too: the binding stays, the order goes to B.
    await h.visit(3, 9, 2);
    await h.visit(3, 9, 1);
    const c = await h.login(9);
    const o = (await c('POST', '/api/orders', { program_id: 3, idem_key: 'o', items: [{ product_id: 'cup', units: 2 }] })).body;
    assert.ok(o.ok, JSON.stringify(o));
    await c('POST', `/api/orders/${o.order.order_id}/pay`, {});
    const lineOf = async (who) => (await who('GET', '/api/me/commissions')).body.lines[0];
    const [lb, la] = [await lineOf(b), await lineOf(a)];
    assert.deepEqual([lb.program_id, lb.product_id, lb.level, lb.amount], [3, 'cup', 1, 780]);
    assert.deepEqual([la.level, la.amount], [2, 390]);
    for (const l of [la, lb]) assert.deepEqual([l.why.reason, l.why.facts.distributor_id], ['order_bound', 2]);
    await h.close();
  });
}
