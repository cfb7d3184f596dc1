// A campaign that ends while some of its orders are placed but not yet paid (WeChat Pay gives the
// buyer minutes): the end keeps those orders' budget shares frozen, and paying or closing such an
// order afterwards settles its share at once (commission paid out, the rest back to the balance).
// Invariant, checked after every step: no program's frozen budget is ever negative, and once a
// campaign has ended and all its orders are paid or closed nothing stays frozen and the merchant's
// top-ups are exactly balance + paid out.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { harness, campaignConfig } = require('./server-harness');
const { checkLedger } = require('./crash-invariants');
const { SandboxPayments } = require('../../web/payments');

const DB = process.env.PG_TEST_URL ? ['pglite', 'postgres'] : ['pglite'];
const TOPUP = 100000;
const SHARE = 990; // campaignConfig's commission per unit

async function campaign(h, id, over = {}) {
  const c = await h.merchant('POST', '/api/merchant/programs', { program_id: id, config: campaignConfig(h.clock.now, over) });
  assert.equal(c.status, 200, JSON.stringify(c.body));
  const p = await h.merchant('POST', `/api/merchant/programs/${id}/publish`);
  assert.equal(p.status, 200, JSON.stringify(p.body));
}

// The program's own budget accounts, from the merchant ledger.
async function programBooks(h, id) {
  const rows = await h.db.query(`SELECT account, COALESCE(SUM(delta), 0) AS total FROM merchant_ledger
                                 WHERE merchant_id = $1 AND program_id = $2 GROUP BY account`, [h.merchantId, id]);
  const out = { balance: 0, frozen: 0, paid_out: 0 };
  for (const r of rows) out[r.account] = Number(r.total);
  return out;
}

// The merchant's books and the invariant: every program's frozen >= 0, top-ups = balance + frozen + paid out.
async function books(h, programIds) {
  const m = (await h.merchant('GET', '/api/merchant/balance')).body;
  for (const id of programIds) {
    const p = await programBooks(h, id);
    assert.ok(p.frozen >= 0, `program ${id}: frozen ${p.frozen} is negative`);
  }
  assert.equal(m.balance + m.frozen + m.paid_out, TOPUP, JSON.stringify(m));
  assert.deepEqual(await checkLedger(h.db.query, h.merchantId), []);
  // The figures (the answer carries their money texts too).
  return { ok: m.ok, balance: m.balance, frozen: m.frozen, paid_out: m.paid_out };
}

// A signed provider notification for a payment, as the sandbox provider sends it.
const notification = (providerRef, status) => new SandboxPayments('test-secret:payments').callback(providerRef, status);

const callback = (h, cb) => h.app.inject({ method: 'POST', url: '/api/payments/sandbox/callback', payload: { merchant_id: h.merchantId, ...cb } })
  .then((r) => r.json());

async function order(h, programId, buyerId, units, sharer = null) {
  if (sharer != null) await h.visit(programId, buyerId, sharer);
  const b = await h.login(buyerId);
  const r = await b('POST', '/api/orders', { program_id: programId, units, idem_key: `o${programId}-${buyerId}` });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return { id: r.body.order.order_id, pay: (outcome) => b('POST', `/api/orders/${r.body.order.order_id}/pay`, outcome ? { outcome } : {}) };
}

for (const kind of DB) {
  test(`${kind}: orders unpaid at the end keep their share frozen; paid or failed later, it is settled then`, async () => {
    const h = await harness(kind);
    await h.merchant('POST', '/api/merchant/topup', { amount_fen: TOPUP, idem_key: 't' });
    await campaign(h, 1);
    const a = await order(h, 1, 20, 2, 10); // through a sharer, paid after the end
    const b = await order(h, 1, 21, 1); // no sharer, paid after the end
    const c = await order(h, 1, 22, 1, 10); // through a sharer, payment fails after the end
    const d = await order(h, 1, 23, 1); // no sharer, paid before the end: its share waits for the end
    const e = await order(h, 1, 24, 1, 11); // through a sharer, paid before the end
    assert.equal((await d.pay()).body.status, 'paid');
    assert.equal((await e.pay()).body.status, 'paid');
    assert.deepEqual(await programBooks(h, 1), { balance: -9900, frozen: 9900 - SHARE, paid_out: SHARE });
    await books(h, [1]);

    const ended = await h.merchant('POST', '/api/merchant/programs/1/end');
    assert.equal(ended.status, 200, JSON.stringify(ended.body));
    // Returned: the 4 units left in stock and d's unattributed unit. Kept: a, b and c (4 units).
    assert.deepEqual([ended.body.returned_fen, ended.body.held_fen], [5 * SHARE, 4 * SHARE]);
    assert.equal((await programBooks(h, 1)).frozen, 4 * SHARE);
    await books(h, [1]);
    const late = await h.login(25);
    assert.equal((await late('POST', '/api/orders', { program_id: 1, units: 1, idem_key: 'x' })).body.errors[0].code, 'E_PHASE');

    // Paid through a sharer: the commission leaves frozen for paid out, as before the end.
    assert.equal((await a.pay()).body.status, 'paid');
    assert.deepEqual(await programBooks(h, 1), { balance: -9900 + 5 * SHARE, frozen: 2 * SHARE, paid_out: 3 * SHARE });
    assert.equal((await (await h.login(10))('GET', '/api/me/wallet')).body.wallet.pending, 2 * SHARE);
    await books(h, [1]);
    // Paid without one: nothing will return its share later, so it returns now.
    assert.equal((await b.pay()).body.status, 'paid');
    assert.deepEqual(await programBooks(h, 1), { balance: -9900 + 6 * SHARE, frozen: SHARE, paid_out: 3 * SHARE });
    await books(h, [1]);
    // A failed payment closes the order; its whole share returns.
    assert.equal((await c.pay('fail')).body.status, 'closed');
    assert.deepEqual(await programBooks(h, 1), { balance: -9900 + 7 * SHARE, frozen: 0, paid_out: 3 * SHARE });
    const m = await books(h, [1]);
    assert.deepEqual(m, { ok: true, balance: TOPUP - 3 * SHARE, frozen: 0, paid_out: 3 * SHARE });
    // Paying again changes nothing.
    assert.equal((await a.pay()).body.errors[0].code, 'E_ORDER_STATE');
    assert.deepEqual(await books(h, [1]), m);
    await h.close();
  });

  test(`${kind}: after the end, late notifications and payments under an edited config settle the kept share too`, async () => {
    const h = await harness(kind);
    await h.merchant('POST', '/api/merchant/topup', { amount_fen: TOPUP, idem_key: 't' });
    await campaign(h, 1);
    const a = await order(h, 1, 20, 1, 10); // late notification: succeeded
    const b = await order(h, 1, 21, 2); // late notification: failed
    const c = await order(h, 1, 22, 1, 10); // paid after the config was edited (the engine is asked again)
    const d = await order(h, 1, 23, 3); // the same, no sharer
    const la = await a.pay('late');
    const lb = await b.pay('late');
    assert.deepEqual([la.body.status, lb.body.status], ['pending', 'pending']);

    const ended = await h.merchant('POST', '/api/merchant/programs/1/end');
    assert.deepEqual([ended.body.returned_fen, ended.body.held_fen], [3 * SHARE, 7 * SHARE]);
    const edited = await h.merchant('PUT', '/api/merchant/programs/1', { config: campaignConfig(h.clock.now, { title: 'after the end' }) });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));

    assert.equal((await callback(h, la.body.callback)).status, 'paid');
    assert.equal((await callback(h, la.body.callback)).status, 'paid', 'delivered twice, applied once');
    const failed = await callback(h, notification(lb.body.callback.provider_ref, 'failed'));
    assert.equal(failed.status, 'closed', JSON.stringify(failed));
    assert.equal((await c.pay()).body.status, 'paid');
    assert.equal((await d.pay()).body.status, 'paid');
    // Both paid after the edit: their lines were computed again, under the config in force.
    const lines = (await (await h.login(10))('GET', '/api/me/commissions')).body.lines;
    assert.deepEqual(lines.map((l) => [l.order_id, l.amount, l.rules_version]).sort(),
      [[a.id, SHARE, edited.body.rules_version], [c.id, SHARE, edited.body.rules_version]].sort());
    assert.deepEqual(await programBooks(h, 1), { balance: -9900 + 8 * SHARE, frozen: 0, paid_out: 2 * SHARE });
    assert.deepEqual(await books(h, [1]), { ok: true, balance: TOPUP - 2 * SHARE, frozen: 0, paid_out: 2 * SHARE });
    await h.close();
  });

  test(`${kind}: an end racing payments and failures never leaves frozen negative or stranded`, async () => {
    const h = await harness(kind);
    await h.merchant('POST', '/api/merchant/topup', { amount_fen: TOPUP, idem_key: 't' });
    const ids = [1, 2, 3, 4, 5, 6];
    for (const id of ids) {
      await campaign(h, id, { product: { name: 'P', price_fen: 9900, stock: 6 } });
      const orders = [await order(h, id, 100 + id, 1, 10), await order(h, id, 200 + id, 2), await order(h, id, 300 + id, 1, 11),
        await order(h, id, 400 + id, 1), await order(h, id, 500 + id, 1, 12)];
      // Interleaved differently each round: the end starts once the first `at` of the payments
      // are through and runs alongside the others.
      const units = [1, 2, 1, 1, 1];
      const pays = [orders[0].pay(), orders[1].pay(), orders[2].pay('fail'), orders[3].pay('fail'), orders[4].pay('late')];
      const at = id % 6;
      const end = Promise.all(pays.slice(0, at)).then(() => h.merchant('POST', `/api/merchant/programs/${id}/end`));
      const results = await Promise.all(pays);
      const ended = (await end).body;
      for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(ended.status, 'ended', JSON.stringify(ended));
      // Kept: at least the late one (still unpaid), at most those not surely settled before.
      const most = units.reduce((s, u, j) => s + (j >= at || j === 4 ? u * SHARE : 0), 0);
      assert.ok(ended.held_fen >= SHARE && ended.held_fen <= most, JSON.stringify({ at, ended }));
      // Whatever the order, once the others are settled only the late order's share is frozen.
      const [{ open }] = await h.db.query(`SELECT COALESCE(SUM(units), 0) AS open FROM orders WHERE merchant_id = $1 AND program_id = $2
                                           AND status = 'created'`, [h.merchantId, id]);
      assert.equal(Number(open), 1);
      assert.equal((await programBooks(h, id)).frozen, SHARE, `program ${id}`);
      await books(h, ids);
      const late = results.find((r) => r.body.status === 'pending').body.callback;
      assert.equal((await callback(h, late)).status, 'paid');
      // Paid: [0] and [4] through a sharer (paid out), [1] without (returned); failed: [2] and [3] (returned).
      assert.deepEqual(await programBooks(h, id), { balance: -2 * SHARE, frozen: 0, paid_out: 2 * SHARE }, `program ${id}`);
      await books(h, ids);
    }
    const m = await books(h, ids);
    assert.deepEqual([m.frozen, m.paid_out, m.balance], [0, ids.length * 2 * SHARE, TOPUP - ids.length * 2 * SHARE]);
    await h.close();
  });
}

// The two orders in which an end and a payment can meet on PostgreSQL, forced: a test connection
// holds the order's row lock, the requests are started one by one, each only once the previous
// one waits for that row (so they queue in that order), then the row is released. "End first,
// then the one-statement payment" is the case that needs the payment to see, from a statement
// that started before the end committed, the share the end kept.
async function inTurn(h, orderId, requests) {
  const { Client } = require('pg');
  const holder = new Client({ connectionString: process.env.PG_TEST_URL });
  const watcher = new Client({ connectionString: process.env.PG_TEST_URL }); // outside the holder's transaction: live activity
  await holder.connect();
  await watcher.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM orders WHERE merchant_id = $1 AND order_id = $2 FOR UPDATE', [h.merchantId, orderId]);
    const { rows: [{ pid }] } = await holder.query('SELECT pg_backend_pid() AS pid');
    const queue = [pid];
    const started = [];
    for (const request of requests) {
      started.push(request());
      for (let i = 0; ; i++) {
        const { rows } = await watcher.query(`SELECT pid FROM pg_stat_activity WHERE pg_blocking_pids(pid) && $1::int[] AND NOT pid = ANY($1::int[])`, [queue]);
        if (rows.length) {
          queue.push(...rows.map((r) => r.pid));
          break;
        }
        if (i >= 3000) throw new Error('the request never waited for the order row');
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    await holder.query('COMMIT');
    return await Promise.all(started);
  } finally {
    await holder.end();
    await watcher.end();
  }
}

if (process.env.PG_TEST_URL) {
  test('postgres: an end and a payment queued on the same order, in either order, settle the share once', async () => {
    const h = await harness('postgres');
    await h.merchant('POST', '/api/merchant/topup', { amount_fen: TOPUP, idem_key: 't' });
    const end = (id) => () => h.merchant('POST', `/api/merchant/programs/${id}/end`);
    const cases = [
      // [name, sharer, outcome, end first, held by the end, program books at the close]
      ['end, then paid through a sharer', 10, null, true, 2 * SHARE, { balance: -2 * SHARE, frozen: 0, paid_out: 2 * SHARE }],
      ['end, then paid without a sharer', null, null, true, 2 * SHARE, { balance: 0, frozen: 0, paid_out: 0 }],
      ['paid through a sharer, then end', 10, null, false, 0, { balance: -2 * SHARE, frozen: 0, paid_out: 2 * SHARE }],
      ['paid without a sharer, then end', null, null, false, 0, { balance: 0, frozen: 0, paid_out: 0 }],
      ['end, then payment failed', 10, 'fail', true, 2 * SHARE, { balance: 0, frozen: 0, paid_out: 0 }],
      ['payment failed, then end', 10, 'fail', false, 0, { balance: 0, frozen: 0, paid_out: 0 }],
    ];
    const ids = cases.map((_, i) => 11 + i);
    for (const [i, [name, sharer, outcome, endFirst, held, close]] of cases.entries()) {
      const id = ids[i];
      await campaign(h, id);
      const o = await order(h, id, 20 + i, 2, sharer);
      const pay = () => o.pay(outcome);
      const [first, second] = await inTurn(h, o.id, endFirst ? [end(id), pay] : [pay, end(id)]);
      const [ended, paid] = endFirst ? [first, second] : [second, first];
      assert.equal(ended.status, 200, `${name}: ${JSON.stringify(ended.body)}`);
      assert.equal(paid.body.status, outcome === 'fail' ? 'closed' : 'paid', `${name}: ${JSON.stringify(paid.body)}`);
      assert.deepEqual([ended.body.held_fen, ended.body.returned_fen], [held, 10 * SHARE - held - (endFirst ? 0 : close.paid_out)], name);
      assert.deepEqual(await programBooks(h, id), close, name);
      await books(h, ids);
    }
    await h.close();
  });
}
