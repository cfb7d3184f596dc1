// The money flow through the reference server: budget freeze, orders, payment callbacks,
// commission lines from the engine, holds released by time, refunds and claw-back, withdrawals.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { harness, campaignConfig } = require('./server-harness');

const DB = process.env.PG_TEST_URL ? ['pglite', 'postgres'] : ['pglite'];
const DAY = 86400000;

async function publishedCampaign(h, over = {}, balance = 100000) {
  await h.merchant('POST', '/api/merchant/topup', { amount_fen: balance, idem_key: 't1' });
  const c = await h.merchant('POST', '/api/merchant/programs', { program_id: 1, config: campaignConfig(h.clock.now, over) });
  assert.equal(c.status, 200, JSON.stringify(c.body));
  return h.merchant('POST', '/api/merchant/programs/1/publish');
}

// The visitor came through the sharer's link to campaign 1.
const visit = (h, visitor, sharer) => h.visit(1, visitor, sharer);

for (const kind of DB) {
  test(`${kind}: publishing freezes stock x commission and refuses a short balance`, async () => {
    const h = await harness(kind);
    const short = await publishedCampaign(h, {}, 9899);
    assert.equal(short.status, 409);
    assert.equal(short.body.errors[0].code, 'E_BUDGET_SHORT');
    await h.merchant('POST', '/api/merchant/topup', { amount_fen: 1, idem_key: 't2' });
    const ok = await h.merchant('POST', '/api/merchant/programs/1/publish');
    assert.equal(ok.status, 200);
    assert.equal(ok.body.frozen_fen, 9900);
    const bal = await h.merchant('GET', '/api/merchant/balance');
    assert.deepEqual([bal.body.balance, bal.body.frozen], [0, 9900]);
    await h.close();
  });

  test(`${kind}: a campaign sale through a sharer pays the sharer, holds, releases by time, withdraws`, async () => {
    const h = await harness(kind);
    assert.equal((await publishedCampaign(h)).status, 200);
    await visit(h, 20, 10);
    const buyer = await h.login(20);
    const placed = await buyer('POST', '/api/orders', { program_id: 1, units: 2, idem_key: 'o1' });
    assert.equal(placed.status, 200, JSON.stringify(placed.body));
    assert.equal(placed.body.order.paid_fen, 19800);
    assert.equal(placed.body.preview.totals.cash_fen, 1980);
    const again = await buyer('POST', '/api/orders', { program_id: 1, units: 2, idem_key: 'o1' });
    assert.equal(again.body.order.order_id, placed.body.order.order_id, 'a retried order is the same order');
    const orderId = placed.body.order.order_id;
    const paid = await buyer('POST', `/api/orders/${orderId}/pay`, { outcome: 'twice' });
    assert.equal(paid.body.status, 'paid');
    const sharer = await h.login(10);
    let mine = await sharer('GET', '/api/me/commissions');
    assert.equal(mine.body.wallet.pending, 1980, 'a double callback credits once');
    assert.equal(mine.body.lines.length, 1);
    assert.equal((await h.merchant('POST', `/api/merchant/orders/${orderId}/complete`)).status, 200);
    mine = await sharer('GET', '/api/me/commissions');
    assert.deepEqual([mine.body.wallet.pending, mine.body.wallet.frozen, mine.body.wallet.available], [0, 1980, 0]);
    h.clock.now += 7 * DAY;
    mine = await sharer('GET', '/api/me/commissions');
    assert.ok(mine.body.wallet, JSON.stringify(mine.body));
    assert.deepEqual([mine.body.wallet.frozen, mine.body.wallet.available], [0, 1980], 'hold days release by time');
    const w = await sharer('POST', '/api/me/withdrawals', { amount_fen: 1980, method: 'red_packet', idem_key: 'w1' });
    assert.equal(w.status, 200, JSON.stringify(w.body));
    const w2 = await sharer('POST', '/api/me/withdrawals', { amount_fen: 1980, method: 'red_packet', idem_key: 'w1' });
    assert.equal(w2.body.withdrawal.withdrawal_id, w.body.withdrawal.withdrawal_id, 'a retried withdrawal is the same one');
    const approved = await h.merchant('POST', `/api/merchant/withdrawals/${w.body.withdrawal.withdrawal_id}/approve`);
    assert.equal(approved.body.withdrawal.status, 'paid'); // 12:00 China time: packets go out
    mine = await sharer('GET', '/api/me/wallet');
    assert.deepEqual([mine.body.wallet.available, mine.body.wallet.withdrawing, mine.body.wallet.withdrawn], [0, 0, 1980]);
    const bal = await h.merchant('GET', '/api/merchant/balance');
    assert.deepEqual([bal.body.frozen, bal.body.paid_out], [10 * 990 - 1980, 1980]);
    await h.close();
  });

  test(`${kind}: a refund on a proportional program claws back, and after withdrawal it becomes debt`, async () => {
    const h = await harness(kind);
    await h.merchant('POST', '/api/merchant/topup', { amount_fen: 100000, idem_key: 't' });
    await h.merchant('POST', '/api/merchant/programs', { program_id: 1, config: campaignConfig(h.clock.now, { refund_policy: 'proportional' }) });
    await h.merchant('POST', '/api/merchant/programs/1/publish');
    await visit(h, 20, 10);
    const buyer = await h.login(20);
    const o = (await buyer('POST', '/api/orders', { program_id: 1, units: 2, idem_key: 'o' })).body.order;
    await buyer('POST', `/api/orders/${o.order_id}/pay`, {});
    await h.merchant('POST', `/api/merchant/orders/${o.order_id}/complete`);
    h.clock.now += 7 * DAY;
    const sharer = await h.login(10);
    await sharer('POST', '/api/me/withdrawals', { amount_fen: 1500, method: 'bank', idem_key: 'w', payee: { name: '张三', bank: '招商银行', card_no: '6225880012345678' } });
    // Half refunded: half the line (990) comes back; 480 is still available, 510 becomes debt.
    const r = await h.merchant('POST', `/api/merchant/orders/${o.order_id}/refund`, { amount_fen: 9900, idem_key: 'r1' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.lines.map((l) => [l.clawback, l.from_line, l.debt]), [[990, 480, 510]]);
    const replay = await h.merchant('POST', `/api/merchant/orders/${o.order_id}/refund`, { amount_fen: 9900, idem_key: 'r1' });
    assert.deepEqual(replay.body, r.body, 'a retried refund returns the first result');
    const over = await h.merchant('POST', `/api/merchant/orders/${o.order_id}/refund`, { amount_fen: 9901, idem_key: 'r2' });
    assert.equal(over.body.errors[0].code, 'E_REFUND_EXCEEDS');
    const rest = await h.merchant('POST', `/api/merchant/orders/${o.order_id}/refund`, { amount_fen: 9900, idem_key: 'r3' });
    assert.equal(rest.body.lines[0].clawback, 990, 'a full refund takes back exactly the line');
    const wallet = (await sharer('GET', '/api/me/wallet')).body.wallet;
    assert.deepEqual([wallet.available, wallet.debt, wallet.withdrawing], [0, 1500, 1500]);
    await h.close();
  });
}
