// The console's distributors (docs/console.md "Distributors", issue 13): applications approved or
// rejected with a reason the applicant reads, the list and a distributor's page, the grade by
// hand and by itself (the new grade's rate paid on the next order), freeze (nothing new earned,
// no withdrawal, what is earned stays), revoke, groups, the inviter (a cycle refused by the
// engine) and the rebind preview; bad input refused at its field with nothing written. On PGlite
// and, with PG_TEST_URL, on PostgreSQL.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { harness } = require('./server-harness');
const { checkLedger } = require('./crash-invariants');
const ledger = require('../../web/ledger');

const DB = process.env.PG_TEST_URL ? ['pglite', 'postgres'] : ['pglite'];
const codeOf = (r) => r.body.errors && r.body.errors[0].code;
const pathOf = (r) => r.body.errors && r.body.errors[0].path;
const GRADES = [{ id: 'basic', name: '普通' }, { id: 'gold', name: '金牌', rates_bp: [2000], thresholds: { paid_orders: 2 } }];

async function shop(h, { approval = 'auto' } = {}) {
  await h.merchant('PUT', '/api/merchant/settings/application', { approval });
  const c = await h.merchant('POST', '/api/merchant/programs', { program_id: 2, config: { kind: 'distribution', depth: 2, rates_bp: [1000, 500], grades: GRADES } });
  assert.equal(c.status, 200, JSON.stringify(c.body));
  assert.equal((await h.merchant('POST', '/api/merchant/programs/2/publish')).status, 200);
  assert.equal((await h.merchant('PUT', '/api/merchant/products/tea', { name: '茶', price_fen: 10000 })).status, 200);
}

async function apply(h, user, inviter = null) {
  if (inviter != null) await h.visit(2, user, inviter);
  const u = await h.login(user);
  const r = await u('POST', '/api/me/apply', { program_id: 2 });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return u;
}

async function buy(h, buyer, key) {
  const b = await h.login(buyer);
  const o = await b('POST', '/api/orders', { program_id: 2, idem_key: key, items: [{ product_id: 'tea', units: 1 }] });
  assert.equal(o.status, 200, JSON.stringify(o.body));
  const p = await b('POST', `/api/orders/${o.body.order.order_id}/pay`, {});
  assert.equal(p.status, 200, JSON.stringify(p.body));
  return o.body.order.order_id;
}

const linesOf = async (h, orderId) => (await h.merchant('GET', `/api/merchant/orders/${orderId}`)).body.lines
  .map((l) => [l.beneficiary_id, l.level, l.amount]);

for (const kind of DB) {
  test(`${kind}: an application approved or rejected with a reason the applicant reads; a second click answers the first`, async () => {
    const h = await harness(kind);
    await shop(h, { approval: 'manual' });
    const u7 = await apply(h, 7);
    const u8 = await apply(h, 8);
    await h.db.query('UPDATE users SET nickname = $3 WHERE merchant_id = $1 AND user_id = $2', [h.merchantId, 8, '李四']);
    const op = await h.staff('operator');
    let list = await op('GET', '/api/merchant/distributors?status=pending');
    assert.deepEqual(list.body.distributors.map((d) => [d.user_id, d.status_text]), [[8, '待审核'], [7, '待审核']]);
    assert.deepEqual((await op('GET', '/api/merchant/distributors?q=李')).body.distributors.map((d) => d.user_id), [8], 'search by name');
    assert.deepEqual((await op('GET', '/api/merchant/distributors?q=7')).body.distributors.map((d) => d.user_id), [7], 'search by id');
    const page1 = await op('GET', '/api/merchant/distributors?limit=1');
    assert.equal(page1.body.distributors.length, 1);
    const page2 = await op('GET', `/api/merchant/distributors?limit=1&before=${page1.body.next}`);
    assert.deepEqual([page2.body.distributors.length, page2.body.next], [1, null]);
    assert.notEqual(page2.body.distributors[0].user_id, page1.body.distributors[0].user_id);

    // Rejecting needs a reason of 1…200 characters; refused, nothing changes.
    for (const reason of ['', 'x'.repeat(201)]) {
      const r = await op('POST', '/api/merchant/distributors/2/8/reject', { reason });
      assert.deepEqual([r.status, pathOf(r)], [400, 'reason'], JSON.stringify(r.body));
    }
    assert.equal((await u8('GET', '/api/me/distributor?program_id=2')).body.distributor.status, 'pending');
    const rej = await op('POST', '/api/merchant/distributors/2/8/reject', { reason: '资料不全，请补充手机号' });
    assert.equal(rej.status, 200, JSON.stringify(rej.body));
    const seen = (await u8('GET', '/api/me/distributor?program_id=2')).body.distributor;
    assert.deepEqual([seen.status, seen.reject_reason], ['rejected', '资料不全，请补充手机号'], 'the applicant reads why');
    const approveRejected = await op('POST', '/api/merchant/distributors/2/8/approve');
    assert.deepEqual([approveRejected.status, codeOf(approveRejected)], [409, 'E_STATE']);

    const a1 = await op('POST', '/api/merchant/distributors/2/7/approve');
    const a2 = await op('POST', '/api/merchant/distributors/2/7/approve');
    assert.deepEqual([a1.status, a1.body.replayed, a2.status, a2.body.replayed], [200, false, 200, true]);
    assert.equal((await u7('GET', '/api/me/distributor?program_id=2')).body.distributor.status, 'approved');
    // Finance reads but does not decide; a user id of nobody is 404.
    const fin = await h.staff('finance');
    assert.equal((await fin('GET', '/api/merchant/distributors/2/7')).status, 200);
    assert.deepEqual([(await fin('POST', '/api/merchant/distributors/2/7/freeze')).status], [403]);
    assert.equal((await op('POST', '/api/merchant/distributors/2/999/approve')).status, 404);
    list = await op('GET', '/api/merchant/distributors?status=rejected');
    assert.deepEqual(list.body.distributors.map((d) => [d.user_id, d.reject_reason]), [[8, '资料不全，请补充手机号']]);
    await h.close();
  });

  test(`${kind}: grades: an unknown grade refused; by hand recorded; by itself after the orders, and the next order pays the new rate`, async () => {
    const h = await harness(kind);
    await shop(h);
    await apply(h, 1);
    await apply(h, 2, 1);
    // B (2) sells: customers 9 and 10 bound to him.
    await h.visit(2, 9, 2);
    await h.visit(2, 10, 2);
    const bad = await h.merchant('PUT', '/api/merchant/distributors/2/1/grade', { grade: 'diamond' });
    assert.deepEqual([bad.status, codeOf(bad), pathOf(bad)], [400, 'E_UNKNOWN_GRADE', 'grade']);
    assert.equal((await h.merchant('GET', '/api/merchant/distributors/2/1')).body.grade.history.length, 0, 'nothing written');

    const first = await buy(h, 9, 'a');
    assert.deepEqual(await linesOf(h, first), [[2, 1, 1000], [1, 2, 500]], 'basic grade: 10%');
    let page = (await h.merchant('GET', '/api/merchant/distributors/2/2')).body;
    assert.deepEqual([page.distributor.grade, page.grade.stats.paid_orders, page.grade.progress.next.grade], ['basic', 1, 'gold']);
    await buy(h, 10, 'b');
    page = (await h.merchant('GET', '/api/merchant/distributors/2/2')).body;
    assert.equal(page.distributor.grade, 'gold', 'upgraded by itself after the second paid order');
    assert.deepEqual(page.grade.history.map((x) => [x.from, x.to, x.by, x.why]), [['basic', 'gold', 'auto', 'grade_upgraded']]);
    const me = await h.login(2);
    assert.equal((await me('GET', '/api/me/distributor?program_id=2')).body.distributor.grade_name, '金牌');
    const third = await buy(h, 9, 'c');
    assert.deepEqual(await linesOf(h, third), [[2, 1, 2000], [1, 2, 500]], "the new grade's rate on the next order");
    // The page's figures: customers, team, orders, commission by state.
    assert.deepEqual([page.customers.count, page.orders.count, page.inviter.user_id], [2, 2, 1]);
    assert.equal((await h.merchant('GET', '/api/merchant/distributors/2/1')).body.team.count, 1);

    // By hand: a demotion is kept (no automatic upgrade over it) and recorded.
    const hand = await h.merchant('PUT', '/api/merchant/distributors/2/2/grade', { grade: 'basic' });
    assert.equal(hand.status, 200, JSON.stringify(hand.body));
    await buy(h, 10, 'd');
    page = (await h.merchant('GET', '/api/merchant/distributors/2/2')).body;
    assert.deepEqual([page.distributor.grade, page.grade.manual, page.grade.history[0].by], ['basic', true, 'merchant']);
    assert.deepEqual(await checkLedger(h.db.query, h.merchantId), []);
    await h.close();
  });

  test(`${kind}: an order completed by the sweep (no route of the distributor's ran) upgrades him when his record is read`, async () => {
    const h = await harness(kind);
    await h.merchant('PUT', '/api/merchant/settings/shop', { ships: false, auto_complete_days: 1 });
    const grades = [{ id: 'basic', name: '普通' }, { id: 'gold', name: '金牌', rates_bp: [2000], thresholds: { completed_orders: 1 } }];
    await h.merchant('POST', '/api/merchant/programs', { program_id: 2, config: { kind: 'distribution', depth: 1, rates_bp: [1000], grades } });
    await h.merchant('POST', '/api/merchant/programs/2/publish');
    await h.merchant('PUT', '/api/merchant/products/tea', { name: '茶', price_fen: 10000 });
    const me = await apply(h, 1);
    await h.visit(2, 9, 1);
    await buy(h, 9, 'a');
    assert.equal((await me('GET', '/api/me/distributor?program_id=2')).body.distributor.grade, 'basic');
    h.clock.now += 2 * 86400000;
    assert.equal((await h.merchant('POST', '/api/merchant/release')).body.completed, 1);
    const d = (await me('GET', '/api/me/distributor?program_id=2')).body.distributor;
    assert.deepEqual([d.grade, d.stats.completed_orders], ['gold', 1]);
    assert.deepEqual((await h.merchant('GET', '/api/merchant/distributors/2/1')).body.grade.history.map((x) => [x.to, x.by]), [['gold', 'auto']]);
    await h.close();
  });

  test(`${kind}: a frozen distributor earns nothing new and cannot withdraw; what he earned stays; unfrozen he earns again`, async () => {
    const h = await harness(kind);
    await shop(h);
    await apply(h, 1);
    await h.visit(2, 9, 1);
    const earned = await buy(h, 9, 'a');
    assert.deepEqual(await linesOf(h, earned), [[1, 1, 1000]]);
    const me = await h.login(1);
    const before = (await me('GET', '/api/me/wallet')).body.wallet;
    const f1 = await h.merchant('POST', '/api/merchant/distributors/2/1/freeze');
    const f2 = await h.merchant('POST', '/api/merchant/distributors/2/1/freeze');
    assert.deepEqual([f1.status, f1.body.distributor.status, f2.body.replayed], [200, 'frozen', true]);
    const none = await buy(h, 9, 'b');
    assert.deepEqual(await linesOf(h, none), [], 'nothing new while frozen');
    assert.deepEqual((await me('GET', '/api/me/wallet')).body.wallet, before, 'what he earned stays');
    // With money available (a fixture), he still may not take it out.
    await h.db.tx((q) => ledger.post(q, h.merchantId, 1, [['available', 5000]], 'fixture', h.clock.now));
    const w = await me('POST', '/api/me/withdrawals', { amount_fen: 100, method: 'wechat_transfer', idem_key: 'w' });
    assert.deepEqual([w.status, codeOf(w)], [403, 'E_FROZEN'], JSON.stringify(w.body));
    assert.equal((await h.db.query('SELECT COUNT(*)::int AS n FROM withdrawals WHERE merchant_id = $1', [h.merchantId]))[0].n, 0);
    const unf = await h.merchant('POST', '/api/merchant/distributors/2/1/unfreeze');
    assert.equal(unf.body.distributor.status, 'approved');
    const again = await buy(h, 9, 'c');
    assert.deepEqual(await linesOf(h, again), [[1, 1, 1000]], 'the binding was kept while frozen');
    assert.equal((await me('POST', '/api/me/withdrawals', { amount_fen: 100, method: 'wechat_transfer', idem_key: 'w2' })).status, 200);
    // Revoked: no longer a distributor, lines stay.
    const rev = await h.merchant('POST', '/api/merchant/distributors/2/1/revoke');
    assert.equal(rev.body.distributor.status, 'revoked');
    assert.deepEqual(await linesOf(h, earned), [[1, 1, 1000]]);
    assert.deepEqual(await linesOf(h, await buy(h, 9, 'd')), []);
    assert.deepEqual((await h.merchant('POST', '/api/merchant/distributors/2/1/unfreeze')).status, 409);
    await h.close();
  });

  test(`${kind}: the inviter set by the merchant, a cycle refused by the engine with its reason; groups; the rebind preview writes nothing`, async () => {
    const h = await harness(kind);
    await shop(h);
    await apply(h, 1);
    await apply(h, 2, 1);
    await apply(h, 3, 2);
    await apply(h, 4);
    // 1 <- 2 <- 3: 3 as 1's inviter would be a cycle.
    const cyc = await h.merchant('PUT', '/api/merchant/distributors/2/1/inviter', { inviter_id: 3 });
    assert.deepEqual([cyc.status, codeOf(cyc), pathOf(cyc)], [409, 'E_INVITER_REFUSED_CYCLE', 'inviter_id'], JSON.stringify(cyc.body));
    assert.match(cyc.body.errors[0].message_zh, /不能把/);
    const self = await h.merchant('PUT', '/api/merchant/distributors/2/1/inviter', { inviter_id: 1 });
    assert.deepEqual([self.status, pathOf(self)], [409, 'inviter_id']);
    const nobody = await h.merchant('PUT', '/api/merchant/distributors/2/1/inviter', { inviter_id: 99 });
    assert.deepEqual([nobody.status, codeOf(nobody), pathOf(nobody)], [400, 'E_UNKNOWN_DISTRIBUTOR', 'inviter_id']);
    assert.equal((await h.merchant('GET', '/api/merchant/distributors/2/1')).body.distributor.inviter_id, null, 'nothing written');
    // Correcting 3's inviter from 2 to 4, and 1 under 4.
    const fix = await h.merchant('PUT', '/api/merchant/distributors/2/3/inviter', { inviter_id: 4 });
    assert.deepEqual([fix.status, fix.body.decision.reason, fix.body.distributor.inviter_id], [200, 'inviter_set', 4], JSON.stringify(fix.body));
    assert.equal((await h.merchant('PUT', '/api/merchant/distributors/2/1/inviter', { inviter_id: 4 })).status, 200);
    assert.equal((await h.merchant('PUT', '/api/merchant/distributors/2/4/inviter', { inviter_id: 2 })).status, 409, '2 is under 1, under 4');

    // Groups: a name of 200 characters refused at name, nothing written; membership; filter.
    const long = await h.merchant('POST', '/api/merchant/groups', { name: '组'.repeat(200) });
    assert.deepEqual([long.status, pathOf(long)], [400, 'name']);
    assert.deepEqual((await h.merchant('GET', '/api/merchant/groups')).body.groups, []);
    const g = (await h.merchant('POST', '/api/merchant/groups', { name: '华东区' })).body.group;
    const dup = await h.merchant('POST', '/api/merchant/groups', { name: '华东区' });
    assert.deepEqual([dup.status, codeOf(dup), pathOf(dup)], [409, 'E_DUPLICATE', 'name']);
    const badMember = await h.merchant('PUT', '/api/merchant/distributors/2/3/groups', { group_ids: [g.group_id, 987654] });
    assert.deepEqual([badMember.status, pathOf(badMember)], [400, 'group_ids.1']);
    const put = await h.merchant('PUT', '/api/merchant/distributors/2/3/groups', { group_ids: [g.group_id] });
    assert.deepEqual(put.body.distributor.group_ids, [g.group_id]);
    assert.deepEqual((await h.merchant('GET', `/api/merchant/distributors?group_id=${g.group_id}`)).body.distributors.map((d) => d.user_id), [3]);
    assert.equal((await h.merchant('PUT', `/api/merchant/groups/${g.group_id}`, { name: '华南区' })).body.group.name, '华南区');
    assert.equal((await h.merchant('DELETE', `/api/merchant/groups/${g.group_id}`)).status, 200);
    assert.deepEqual((await h.merchant('GET', '/api/merchant/distributors/2/3')).body.distributor.group_ids, []);

    // Rebind preview: the engine's decision, nothing kept; then the rebind itself.
    await h.visit(2, 9, 1);
    const prev = await h.merchant('POST', '/api/merchant/programs/2/customers/9/rebind?preview=1', { distributor_id: 3 });
    assert.deepEqual([prev.status, prev.body.preview, prev.body.decision.reason], [200, true, 'rebind_done'], JSON.stringify(prev.body));
    assert.equal(typeof prev.body.why_text, 'string');
    assert.equal((await h.merchant('GET', '/api/merchant/programs/2/customers/9')).body.bound_id, 1, 'the preview wrote nothing');
    const done = await h.merchant('POST', '/api/merchant/programs/2/customers/9/rebind', { distributor_id: 3 });
    assert.deepEqual([done.body.preview, (await h.merchant('GET', '/api/merchant/programs/2/customers/9')).body.bound_id], [false, 3]);
    const unPrev = await h.merchant('POST', '/api/merchant/programs/2/customers/9/unbind?preview=1', {});
    assert.deepEqual([unPrev.body.decision.reason, (await h.merchant('GET', '/api/merchant/programs/2/customers/9')).body.bound_id], ['unbind_done', 3]);
    await h.close();
  });
}
