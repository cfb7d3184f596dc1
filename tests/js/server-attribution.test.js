// The merchant's attribution controls through the server: settings, the mode switch on the
// engine's schedule, auto-unbind, and rebinding or unbinding a customer by hand.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { harness, campaignConfig } = require('./server-harness');

const DB = process.env.PG_TEST_URL ? ['pglite', 'postgres'] : ['pglite'];
const HOUR = 3600000;
const DAY = 24 * HOUR;

// Distribution program 1 with distributors 1 and 2; the harness clock is 12:00 China time.
async function program(h, over = {}) {
  const r = await h.merchant('POST', '/api/merchant/programs', { program_id: 1, config: { kind: 'distribution', depth: 1, rates_bp: [1000], ...over } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  await h.merchant('POST', '/api/merchant/programs/1/publish');
  await h.merchant('PUT', '/api/merchant/products/tea', { name: 'tea', price_fen: 10000 });
  for (const id of [1, 2]) await (await h.login(id))('POST', '/api/me/apply', { program_id: 1 });
}

async function order(h, buyer, key) {
  const b = await h.login(buyer);
  const r = await b('POST', '/api/orders', { program_id: 1, idem_key: key, items: [{ product_id: 'tea', units: 1 }] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.order.attribution.decision;
}

const customer = async (h, id) => (await h.merchant('GET', `/api/merchant/programs/1/customers/${id}`)).body;

for (const kind of DB) {
  test(`${kind}: settings are stored, checked and shown back; the mode changes only by a switch`, async () => {
    const h = await harness(kind);
    await program(h);
    let s = await h.merchant('GET', '/api/merchant/programs/1/attribution');
    assert.equal(s.status, 200, JSON.stringify(s.body));
    assert.deepEqual([s.body.mode, s.body.auto_unbind, s.body.settings], ['relation_first', 'never', { binding_days: 30, share_window_hours: 24, bind_on: 'visit' }]);
    assert.deepEqual([s.body.switch.allowed, s.body.switch.to, s.body.switch.effective_ms], [true, 'sharer_first', Date.UTC(2026, 10, 24, 21, 0, 0)]);
    const put = await h.merchant('PUT', '/api/merchant/programs/1/attribution', { binding_days: 7, share_window_hours: 48 });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    s = await h.merchant('GET', '/api/merchant/programs/1/attribution');
    assert.deepEqual(s.body.settings, { binding_days: 7, share_window_hours: 48, bind_on: 'visit' });
    for (const [body, code, path] of [
      [{ mode: 'sharer_first' }, 'E_LOCKED_FIELD', 'mode'],
      [{ binding_days: 0 }, 'E_RANGE', 'binding_days'],
      [{ share_window_hours: 1.5 }, 'E_NOT_INTEGER', 'share_window_hours'],
      [{ bind_on: 'click' }, 'E_ENUM', 'bind_on'],
      [{ window: 3 }, 'E_UNKNOWN_FIELD', 'window'],
    ]) {
      const r = await h.merchant('PUT', '/api/merchant/programs/1/attribution', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.deepEqual([r.body.errors[0].code, r.body.errors[0].path], [code, path]);
    }
    assert.deepEqual((await h.merchant('GET', '/api/merchant/programs/1/attribution')).body.settings, s.body.settings, 'refusals changed nothing');
    await h.merchant('POST', '/api/merchant/programs', { program_id: 2, config: campaignConfig(h.clock.now) });
    const c = await h.merchant('PUT', '/api/merchant/programs/2/attribution', { binding_days: 3 });
    assert.deepEqual([c.status, c.body.errors[0].code, c.body.errors[0].path], [400, 'E_KIND', 'binding_days']);
    const other = await harness(kind);
    assert.equal((await other.merchant('GET', '/api/merchant/programs/1/attribution')).status, 404, 'not another merchant\'s');
    await h.close();
    await other.close();
  });

  test(`${kind}: a mode switch waits for 05:00 the next day, voids bindings, and the next waits 3 days`, async () => {
    const h = await harness(kind);
    await program(h);
    await h.visit(1, 9, 1);
    assert.equal((await customer(h, 9)).bound_id, 1);
    const sw = await h.merchant('POST', '/api/merchant/programs/1/attribution/mode-switch', { to: 'sharer_first' });
    assert.equal(sw.status, 200, JSON.stringify(sw.body));
    assert.deepEqual([sw.body.decision.reason, sw.body.decision.facts.effective_ms], ['switch_scheduled', Date.UTC(2026, 10, 24, 21, 0, 0)]);
    assert.deepEqual([sw.body.mode, sw.body.pending_switch.to], ['relation_first', 'sharer_first'], 'the old mode applies until then');
    assert.equal((await order(h, 9, 'before')).reason, 'order_bound');
    const soon = await h.merchant('POST', '/api/merchant/programs/1/attribution/mode-switch', { to: 'relation_first' });
    assert.deepEqual([soon.status, soon.body.errors[0].code, soon.body.errors[0].path], [409, 'E_SWITCH_REFUSED_TOO_SOON', 'to']);
    assert.equal(soon.body.errors[0].decision.facts.next_allowed_ms, h.clock.now + 3 * DAY + 1);
    h.clock.now = Date.UTC(2026, 10, 24, 22, 0, 0); // 06:00 China time, the switch is in force
    const s = (await h.merchant('GET', '/api/merchant/programs/1/attribution')).body;
    assert.deepEqual([s.mode, s.pending_switch, s.history.length], ['sharer_first', null, 1]);
    // The binding is void; the visit's share window (24 h) still credits the same sharer.
    assert.equal((await order(h, 9, 'after')).reason, 'order_shared');
    const same = await h.merchant('POST', '/api/merchant/programs/1/attribution/mode-switch', { to: 'sharer_first' });
    assert.equal(same.body.errors[0].code, 'E_SWITCH_REFUSED_TOO_SOON');
    h.clock.now = Date.UTC(2026, 10, 24, 4, 0, 0) + 3 * DAY + 1;
    const back = await h.merchant('POST', '/api/merchant/programs/1/attribution/mode-switch', { to: 'relation_first' });
    assert.equal(back.status, 200, JSON.stringify(back.body));
    const bad = await h.merchant('POST', '/api/merchant/programs/1/attribution/mode-switch', { to: 'first' });
    assert.deepEqual([bad.body.errors[0].code, bad.body.errors[0].path], ['E_ENUM', 'to']);
    await h.close();
  });

  test(`${kind}: switching auto-unbind on makes current bindings expire after the validity`, async () => {
    const h = await harness(kind);
    await program(h);
    await h.merchant('PUT', '/api/merchant/programs/1/attribution', { binding_days: 7 });
    await h.visit(1, 9, 1);
    const r = await h.merchant('PUT', '/api/merchant/programs/1/attribution', { auto_unbind: 'on_expiry' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual([r.body.decision.reason, r.body.auto_unbind], ['auto_unbind_switched', 'on_expiry']);
    h.clock.now += 6 * DAY;
    assert.equal((await order(h, 9, 'a')).reason, 'order_bound');
    h.clock.now += 2 * DAY;
    const d = await order(h, 9, 'b');
    assert.deepEqual([d.reason, d.facts.why], ['order_unattributed', 'binding_expired']);
    await h.close();
  });

  test(`${kind}: the merchant rebinds and unbinds a customer; refusals say why and change nothing`, async () => {
    const h = await harness(kind);
    await program(h);
    await h.visit(1, 9, 1);
    const re = await h.merchant('POST', '/api/merchant/programs/1/customers/9/rebind', { distributor_id: 2 });
    assert.equal(re.status, 200, JSON.stringify(re.body));
    assert.deepEqual([re.body.decision.reason, re.body.decision.facts.previous_distributor_id], ['rebind_done', 1]);
    assert.deepEqual([(await customer(h, 9)).bound_id, (await customer(h, 9)).record.binding.via], [2, 'merchant']);
    const d = await order(h, 9, 'a');
    assert.deepEqual([d.reason, d.facts.distributor_id], ['order_bound', 2]);
    const list = await h.merchant('GET', '/api/merchant/programs/1/customers?bound_id=2');
    assert.deepEqual(list.body.customers.map((c) => Number(c.customer_id)), [9]);
    const cases = [
      ['/api/merchant/programs/1/customers/9/rebind', { distributor_id: 77 }, 400, 'E_UNKNOWN_DISTRIBUTOR', 'distributor_id'],
      ['/api/merchant/programs/1/customers/1/rebind', { distributor_id: 1 }, 409, 'E_REBIND_REFUSED_SELF', 'distributor_id'],
      ['/api/merchant/programs/1/customers/9/rebind', { distributor_id: '2' }, 400, 'E_TYPE', 'distributor_id'],
      ['/api/merchant/programs/1/customers/9/rebind', {}, 400, 'E_REQUIRED', 'distributor_id'],
      ['/api/merchant/programs/5/customers/9/rebind', { distributor_id: 2 }, 404, 'E_NOT_FOUND', 'program_id'],
    ];
    for (const [url, body, status, code, path] of cases) {
      const r = await h.merchant('POST', url, body);
      assert.deepEqual([r.status, r.body.errors[0].code, r.body.errors[0].path], [status, code, path], JSON.stringify([url, body, r.body]));
    }
    assert.equal((await customer(h, 9)).bound_id, 2, 'no refusal changed the binding');
    const un = await h.merchant('POST', '/api/merchant/programs/1/customers/9/unbind', {});
    assert.deepEqual([un.status, un.body.decision.reason, un.body.decision.facts.previous_distributor_id], [200, 'unbind_done', 2]);
    const after = await order(h, 9, 'b');
    assert.deepEqual([after.reason, after.facts.why], ['order_unattributed', 'binding_unbound']);
    assert.equal((await h.merchant('POST', '/api/merchant/programs/1/customers/9/unbind', {})).body.decision.reason, 'unbind_nothing');
    assert.equal((await h.merchant('GET', '/api/merchant/programs/1/customers/404')).status, 404);
    await h.merchant('POST', '/api/merchant/programs', { program_id: 2, config: campaignConfig(h.clock.now) });
    const camp = await h.merchant('POST', '/api/merchant/programs/2/customers/9/unbind', {});
    assert.deepEqual([camp.status, camp.body.errors[0].code], [400, 'E_KIND']);
    // Under sharer_first there are no bindings to set.
    await h.merchant('POST', '/api/merchant/programs/1/attribution/mode-switch', { to: 'sharer_first' });
    h.clock.now += DAY;
    const sf = await h.merchant('POST', '/api/merchant/programs/1/customers/9/rebind', { distributor_id: 1 });
    assert.deepEqual([sf.status, sf.body.errors[0].code], [409, 'E_REBIND_REFUSED_SHARER_FIRST']);
    await h.close();
  });

  test(`${kind}: a campaign's share window is the merchant's setting`, async () => {
    const h = await harness(kind);
    await h.merchant('POST', '/api/merchant/topup', { amount_fen: 100000, idem_key: 't' });
    await h.merchant('POST', '/api/merchant/programs', { program_id: 1, config: campaignConfig(h.clock.now) });
    await h.merchant('POST', '/api/merchant/programs/1/publish');
    const put = await h.merchant('PUT', '/api/merchant/programs/1/attribution', { share_window_hours: 1 });
    assert.deepEqual([put.status, put.body.settings], [200, { share_window_hours: 1 }]);
    await h.visit(1, 20, 10);
    h.clock.now += 2 * HOUR;
    const b = await h.login(20);
    const o = (await b('POST', '/api/orders', { program_id: 1, units: 1, idem_key: 'o' })).body;
    assert.deepEqual([o.order.attribution.decision.reason, o.order.attribution.decision.facts.why], ['order_unattributed', 'share_expired']);
    await h.close();
  });
}
