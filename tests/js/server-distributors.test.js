// Distributor applications through the server (SPEC 9): the merchant's conditions, enforced with
// every unmet one as a reason; automatic or merchant approval; the role name; my record.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { harness, campaignConfig } = require('./server-harness');

const DB = process.env.PG_TEST_URL ? ['pglite', 'postgres'] : ['pglite'];

async function setup(h) {
  await h.merchant('POST', '/api/merchant/topup', { amount_fen: 1000000, idem_key: 't' });
  await h.merchant('POST', '/api/merchant/programs', { program_id: 1, config: campaignConfig(h.clock.now, { product: { name: 'P', price_fen: 3000, stock: 100 } }) });
  await h.merchant('POST', '/api/merchant/programs/1/publish');
  const grades = [{ id: 'basic', name: '普通' }, { id: 'gold', name: '金牌', rates_bp: [1500], thresholds: { paid_orders: 5 } }];
  await h.merchant('POST', '/api/merchant/programs', { program_id: 2, config: { kind: 'distribution', depth: 1, rates_bp: [1000], grades } });
  await h.merchant('POST', '/api/merchant/programs/2/publish');
}

async function buy(h, user, key) {
  const u = await h.login(user);
  const o = (await u('POST', '/api/orders', { program_id: 1, units: 1, idem_key: key })).body.order;
  await u('POST', `/api/orders/${o.order_id}/pay`, {});
  return o;
}

for (const kind of DB) {
  test(`${kind}: every unmet condition is a reason; met, the application waits for the merchant`, async () => {
    const h = await harness(kind);
    await setup(h);
    let s = await h.merchant('GET', '/api/merchant/settings/application');
    assert.deepEqual([s.body.role_name, s.body.approval, s.body.conditions], ['推广员', 'auto', {}]);
    const conditions = { phone_bound: true, min_spent_fen: 5000, min_orders: 2, tag: 'vip' };
    s = await h.merchant('PUT', '/api/merchant/settings/application', { role_name: '微客', approval: 'manual', conditions });
    assert.equal(s.status, 200, JSON.stringify(s.body));
    assert.deepEqual([s.body.role_name, s.body.approval, s.body.conditions], ['微客', 'manual', conditions]);

    const me = await h.login(7);
    const refused = await me('POST', '/api/me/apply', { program_id: 2 });
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body.errors.map((e) => e.code), ['E_APPLY_PHONE', 'E_APPLY_SPENT', 'E_APPLY_ORDERS', 'E_APPLY_TAG']);
    assert.deepEqual([refused.body.errors[1].current, refused.body.errors[1].target, refused.body.errors[1].missing], [0, 5000, 5000]);
    let mine = (await me('GET', '/api/me/distributor?program_id=2')).body;
    assert.deepEqual([mine.role_name, mine.distributor, mine.application.unmet.length], ['微客', null, 4], 'a refused application wrote nothing');

    // Two paid orders of 3000, one refunded by 2000: spent is 4000, still short; a third order.
    await me('POST', '/api/me/profile', { phone_bound: true });
    assert.deepEqual((await h.merchant('PUT', '/api/merchant/users/7/tags', { tags: ['vip', 'staff'] })).body.tags, ['vip', 'staff']);
    const o = await buy(h, 7, 'a');
    await buy(h, 7, 'b');
    await h.merchant('POST', `/api/merchant/orders/${o.order_id}/refund`, { amount_fen: 2000, idem_key: 'r' });
    const short = await me('POST', '/api/me/apply', { program_id: 2 });
    assert.deepEqual(short.body.errors.map((e) => [e.code, e.current]), [['E_APPLY_SPENT', 4000]]);
    await buy(h, 7, 'c');
    const applied = await me('POST', '/api/me/apply', { program_id: 2 });
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    assert.deepEqual([applied.body.distributor.status, applied.body.role_name], ['pending', '微客']);
    mine = (await me('GET', '/api/me/distributor?program_id=2')).body;
    assert.deepEqual([mine.distributor.status, mine.application.unmet], ['pending', []]);
    const pending = await h.merchant('GET', '/api/merchant/distributors?program_id=2&status=pending');
    assert.deepEqual(pending.body.distributors.map((d) => Number(d.user_id)), [7]);
    assert.equal((await h.merchant('POST', '/api/merchant/distributors/2/7/approve')).status, 200);
    mine = (await me('GET', '/api/me/distributor?program_id=2')).body.distributor;
    assert.deepEqual([mine.status, mine.grade, mine.grade_name, mine.inviter_id, mine.program_id, mine.created_ms],
      ['approved', 'basic', '普通', null, 2, h.clock.now]);
    await h.close();
  });

  test(`${kind}: automatic approval, the inviter fixed at applying, and bad settings refused`, async () => {
    const h = await harness(kind);
    await setup(h);
    const a = await h.login(1);
    assert.equal((await a('POST', '/api/me/apply', { program_id: 2 })).body.distributor.status, 'approved');
    await h.visit(2, 8, 1);
    const b = await h.login(8);
    assert.equal((await b('POST', '/api/me/apply', { program_id: 2 })).body.distributor.inviter_id, 1);
    assert.equal((await b('GET', '/api/me/distributor?program_id=2')).body.distributor.inviter_id, 1);
    // A's grade figures: B invited (and, as a customer, still bound to A), customer 9 bound, two
    // orders through A (one completed, one half refunded).
    await h.merchant('PUT', '/api/merchant/products/tea', { name: 'tea', price_fen: 10000 });
    await h.visit(2, 9, 1);
    const c = await h.login(9);
    const orders = [];
    for (const k of ['x', 'y']) {
      const o = (await c('POST', '/api/orders', { program_id: 2, idem_key: k, items: [{ product_id: 'tea', units: 1 }] })).body.order;
      await c('POST', `/api/orders/${o.order_id}/pay`, {});
      orders.push(o.order_id);
    }
    await h.merchant('POST', `/api/merchant/orders/${orders[0]}/complete`);
    await h.merchant('POST', `/api/merchant/orders/${orders[1]}/refund`, { amount_fen: 5000, idem_key: 'r' });
    const stats = (await a('GET', '/api/me/distributor?program_id=2')).body.distributor.stats;
    assert.deepEqual(stats, { bound_customers: 2, invited_distributors: 1, paid_orders: 2, paid_fen: 15000, deal_fen: 20000, completed_orders: 1 });
    const status = h.engine.gradeStatus((await h.merchant('GET', '/api/merchant/programs')).body.programs.find((p) => p.program_id === 2).config, null, stats);
    assert.deepEqual(status.next.thresholds.map((t) => [t.metric, t.current]), [['paid_orders', 2]], 'the engine takes them as they are');
    const before = (await h.merchant('GET', '/api/merchant/settings/application')).body;
    for (const [body, code, path] of [
      [{ conditions: { min_spent_fen: -1 } }, 'E_NEGATIVE', 'conditions.min_spent_fen'],
      [{ conditions: { min_orders: 1.5 } }, 'E_NOT_INTEGER', 'conditions.min_orders'],
      [{ conditions: { phone: true } }, 'E_UNKNOWN_FIELD', 'conditions.phone'],
      [{ role_name: '' }, 'E_RANGE', 'role_name'],
      [{ approval: 'later' }, 'E_ENUM', 'approval'],
    ]) {
      const r = await h.merchant('PUT', '/api/merchant/settings/application', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.deepEqual([r.body.errors[0].code, r.body.errors[0].path], [code, path]);
    }
    assert.deepEqual((await h.merchant('GET', '/api/merchant/settings/application')).body, before, 'refusals changed nothing');
    const tags = await h.merchant('PUT', '/api/merchant/users/8/tags', { tags: ['a', 'a'] });
    assert.equal(tags.status, 400);
    const missing = await b('GET', '/api/me/distributor');
    assert.deepEqual([missing.status, missing.body.errors[0].code, missing.body.errors[0].path], [400, 'E_REQUIRED', 'program_id']);
    assert.equal((await b('GET', '/api/me/distributor?program_id=9')).status, 404);
    await h.close();
  });
}
