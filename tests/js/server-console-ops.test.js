// The merchant console's program, campaign-operation, money and order features (docs/console.md,
// sections Programs, Money, Orders), on PGlite and, with PG_TEST_URL, on PostgreSQL.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { harness, campaignConfig } = require('./server-harness');
const { checkLedger } = require('./crash-invariants');

const DB = process.env.PG_TEST_URL ? ['pglite', 'postgres'] : ['pglite'];
const SHARE = 990; // campaignConfig's commission per unit

const DAY = 86400000;
const { explainZh, formatCst } = require('../../bindings/engine');

async function books(h) {
  assert.deepEqual(await checkLedger(h.db.query, h.merchantId), []);
}

const codeOf = (r) => r.body.errors && r.body.errors[0].code;
const pathOf = (r) => r.body.errors && r.body.errors[0].path;

async function topup(h, amount = 1000000, key = 't') {
  const r = await h.merchant('POST', '/api/merchant/topup', { amount_fen: amount, idem_key: key });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

// A published campaign (server-assigned id), returned with its id.
async function campaign(h, over = {}) {
  const c = await h.merchant('POST', '/api/merchant/programs', { config: campaignConfig(h.clock.now, over) });
  assert.equal(c.status, 200, JSON.stringify(c.body));
  const p = await h.merchant('POST', `/api/merchant/programs/${c.body.program_id}/publish`);
  assert.equal(p.status, 200, JSON.stringify(p.body));
  return c.body.program_id;
}

// An order of `units` by `buyer`, through `sharer`'s link when given; paid unless pay is false.
async function order(h, programId, buyer, units = 1, { sharer = null, pay = true, key = `o${programId}-${buyer}` } = {}) {
  if (sharer != null) await h.visit(programId, buyer, sharer);
  const b = await h.login(buyer);
  const r = await b('POST', '/api/orders', { program_id: programId, units, idem_key: key });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  if (pay) assert.equal((await b('POST', `/api/orders/${r.body.order.order_id}/pay`, {})).body.status, 'paid');
  return r.body.order.order_id;
}

const nickname = (h, userId, name) => h.db.query(`INSERT INTO users (merchant_id, user_id, nickname, created_ms) VALUES ($1, $2, $3, $4)
  ON CONFLICT (merchant_id, user_id) DO UPDATE SET nickname = EXCLUDED.nickname`, [h.merchantId, userId, name, h.clock.now]);

const ledgerRows = async (h) => Number((await h.db.query('SELECT COUNT(*)::int AS n FROM merchant_ledger WHERE merchant_id = $1', [h.merchantId]))[0].n);

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

  test(`${kind}: a draft saved before the fix (its stock column behind its config) publishes what its config says`, async () => {
    const h = await harness(kind);
    await topup(h);
    const c = await h.merchant('POST', '/api/merchant/programs', { config: campaignConfig(h.clock.now, { product: { name: 'P', price_fen: 9900, stock: 20 } }) });
    await h.db.query('UPDATE programs SET stock = 200 WHERE merchant_id = $1 AND program_id = $2', [h.merchantId, c.body.program_id]);
    const pub = await h.merchant('POST', `/api/merchant/programs/${c.body.program_id}/publish`);
    assert.equal(pub.body.frozen_fen, 20 * SHARE);
    assert.equal((await h.merchant('GET', `/api/merchant/programs/${c.body.program_id}`)).body.program.stock, 20);
    await books(h);
    await h.close();
  });

  test(`${kind}: the server assigns the next free program id; an explicit id and a create key still work`, async () => {
    const h = await harness(kind);
    const cfg = campaignConfig(h.clock.now);
    const a = await h.merchant('POST', '/api/merchant/programs', { config: cfg });
    assert.deepEqual([a.status, a.body.program_id, a.body.status], [200, 1, 'draft']);
    const b = await h.merchant('POST', '/api/merchant/programs', { program_id: 7, config: cfg });
    assert.equal(b.body.program_id, 7);
    const dup = await h.merchant('POST', '/api/merchant/programs', { program_id: 7, config: cfg });
    assert.deepEqual([dup.status, codeOf(dup)], [409, 'E_DUPLICATE']);
    // Two clicks at once with one key make one draft.
    const twice = await Promise.all([0, 1].map(() => h.merchant('POST', '/api/merchant/programs', { config: cfg, idem_key: 'new-1' })));
    assert.deepEqual(twice.map((r) => r.body.program_id), [8, 8]);
    assert.deepEqual(twice.map((r) => r.body.replayed).sort(), [false, true]);
    // Without a key, parallel creations each get their own id.
    const par = await Promise.all([0, 1, 2].map(() => h.merchant('POST', '/api/merchant/programs', { config: cfg })));
    assert.deepEqual(par.map((r) => r.body.program_id).sort(), [10, 11, 9]);
    const [{ n }] = await h.db.query('SELECT COUNT(*)::int AS n FROM programs WHERE merchant_id = $1', [h.merchantId]);
    assert.equal(n, 6);
    await h.close();
  });

  test(`${kind}: the program list filters and carries its figures with the engine's money texts; detail and copy`, async () => {
    const h = await harness(kind);
    await topup(h);
    const id = await campaign(h, { title: '双十一 爆款', product: { name: '茶', price_fen: 9900, stock: 10 } });
    await order(h, id, 20, 2, { sharer: 10 });
    await order(h, id, 21, 1);
    await order(h, id, 22, 1, { pay: false });
    const dist = await h.merchant('POST', '/api/merchant/programs', { config: { kind: 'distribution', depth: 1, rates_bp: [1000] } });
    await h.merchant('PUT', `/api/merchant/programs/${id}/password`, { password: 'x1' });
    const all = (await h.merchant('GET', '/api/merchant/programs')).body.programs;
    assert.deepEqual(all.map((p) => p.program_id), [dist.body.program_id, id], 'newest first');
    const p = all.find((x) => x.program_id === id);
    assert.deepEqual([p.kind, p.status, p.title, p.stock, p.sold_units, p.buyers, p.commission_paid_fen, p.frozen_fen, p.has_password],
      ['campaign', 'published', '双十一 爆款', 6, 3, 3, 2 * SHARE, (10 - 2) * SHARE, true]);
    const [paidText, frozenText] = h.engine.formatMoney([2 * SHARE, 8 * SHARE]).texts;
    assert.deepEqual([p.commission_paid_text, p.frozen_text], [paidText, frozenText]);
    assert.deepEqual([p.start_ms, p.end_ms], [h.clock.now - 1000, h.clock.now + 30 * DAY]);
    assert.equal(p.period_text, `${formatCst(p.start_ms, true)} – ${formatCst(p.end_ms, true)}`);
    const filtered = async (qs) => (await h.merchant('GET', `/api/merchant/programs?${qs}`)).body.programs.map((x) => x.program_id);
    assert.deepEqual(await filtered('status=draft'), [dist.body.program_id]);
    assert.deepEqual(await filtered('kind=campaign'), [id]);
    assert.deepEqual(await filtered(`q=${encodeURIComponent('爆款')}`), [id]);
    assert.deepEqual(await filtered('q=%25'), [], 'the title search is text, not a pattern');
    assert.equal(codeOf(await h.merchant('GET', '/api/merchant/programs?status=gone')), 'E_ENUM');
    const one = await h.merchant('GET', `/api/merchant/programs/${id}`);
    assert.equal(one.status, 200);
    assert.deepEqual([one.body.program.program_id, one.body.program.config.title, one.body.program.rules_version], [id, '双十一 爆款', p.rules_version]);
    assert.equal((await h.merchant('GET', '/api/merchant/programs/999')).status, 404);
    // Copy: a new draft with the config, titled as a copy; the password stays behind.
    const copy = await h.merchant('POST', `/api/merchant/programs/${id}/copy`, { idem_key: 'c1' });
    assert.equal(copy.status, 200, JSON.stringify(copy.body));
    const again = await h.merchant('POST', `/api/merchant/programs/${id}/copy`, { idem_key: 'c1' });
    assert.deepEqual([again.body.program_id, again.body.replayed], [copy.body.program_id, true], 'a double click copies once');
    const c = (await h.merchant('GET', `/api/merchant/programs/${copy.body.program_id}`)).body.program;
    assert.deepEqual([c.status, c.title, c.stock, c.has_password, c.config.product.stock, c.sold_units, c.frozen_fen],
      ['draft', '双十一 爆款（副本）', 10, false, 10, 0, 0]);
    // A title at the engine's limit (128 bytes) is shortened so that the copy's title is valid.
    const long = await h.merchant('POST', '/api/merchant/programs', { config: campaignConfig(h.clock.now, { title: '茶'.repeat(42) }) });
    const longCopy = await h.merchant('POST', `/api/merchant/programs/${long.body.program_id}/copy`);
    assert.equal(longCopy.status, 200, JSON.stringify(longCopy.body));
    assert.equal((await h.merchant('GET', `/api/merchant/programs/${longCopy.body.program_id}`)).body.program.title, `${'茶'.repeat(38)}（副本）`);
    const untitled = await h.merchant('POST', '/api/merchant/programs', { config: { kind: 'distribution', depth: 1, rates_bp: [1000] } });
    const copy2 = await h.merchant('POST', `/api/merchant/programs/${untitled.body.program_id}/copy`);
    assert.equal(copy2.status, 200, JSON.stringify(copy2.body));
    assert.equal((await h.merchant('GET', `/api/merchant/programs/${copy2.body.program_id}`)).body.program.title, null);
    await books(h);
    await h.close();
  });

  test(`${kind}: a password-protected campaign publishes only once its password is set`, async () => {
    const h = await harness(kind);
    await topup(h);
    const c = await h.merchant('POST', '/api/merchant/programs', { config: campaignConfig(h.clock.now, { password_protected: true }) });
    const id = c.body.program_id;
    const refused = await h.merchant('POST', `/api/merchant/programs/${id}/publish`);
    assert.deepEqual([refused.status, codeOf(refused), pathOf(refused)], [400, 'E_PASSWORD_REQUIRED', 'password']);
    assert.deepEqual((await h.merchant('GET', '/api/merchant/balance')).body.frozen, 0, 'nothing frozen');
    await h.merchant('PUT', `/api/merchant/programs/${id}/password`, { password: 'open-sesame' });
    const ok = await h.merchant('POST', `/api/merchant/programs/${id}/publish`);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    await h.close();
  });

  test(`${kind}: a draft's stock changes keep the config's stock in step; publishing twice is refused`, async () => {
    const h = await harness(kind);
    await topup(h);
    const c = await h.merchant('POST', '/api/merchant/programs', { config: campaignConfig(h.clock.now) });
    const id = c.body.program_id;
    const s = await h.merchant('POST', `/api/merchant/programs/${id}/stock`, { delta: 5 });
    assert.deepEqual([s.status, s.body.stock, s.body.frozen_change_fen], [200, 15, 0]);
    assert.equal((await h.merchant('GET', `/api/merchant/programs/${id}`)).body.program.config.product.stock, 15);
    const pubs = await Promise.all([0, 1].map(() => h.merchant('POST', `/api/merchant/programs/${id}/publish`)));
    assert.deepEqual(pubs.map((r) => r.status).sort(), [200, 409]);
    assert.equal(codeOf(pubs.find((r) => r.status === 409)), 'E_STATE');
    assert.equal(pubs.find((r) => r.status === 200).body.frozen_fen, 15 * SHARE);
    await books(h);
    await h.close();
  });

  test(`${kind}: end preview says what the end does and writes nothing; ending twice is refused`, async () => {
    const h = await harness(kind);
    await topup(h);
    const id = await campaign(h);
    await order(h, id, 20, 2, { sharer: 10 });
    await order(h, id, 21, 1);
    await order(h, id, 22, 3, { pay: false });
    const rows = await ledgerRows(h);
    const pre = await h.merchant('GET', `/api/merchant/programs/${id}/end-preview`);
    assert.equal(pre.status, 200, JSON.stringify(pre.body));
    assert.deepEqual([pre.body.returned_fen, pre.body.held_fen, pre.body.open_orders], [(10 - 2 - 3) * SHARE, 3 * SHARE, 1]);
    assert.deepEqual([pre.body.returned_text, pre.body.held_text], h.engine.formatMoney([5 * SHARE, 3 * SHARE]).texts);
    assert.equal(await ledgerRows(h), rows, 'the preview wrote nothing');
    const [{ held }] = await h.db.query('SELECT COUNT(*)::int AS held FROM orders WHERE merchant_id = $1 AND end_held_fen IS NOT NULL', [h.merchantId]);
    assert.equal(held, 0);
    const ends = await Promise.all([0, 1].map(() => h.merchant('POST', `/api/merchant/programs/${id}/end`)));
    const ok = ends.find((r) => r.status === 200);
    assert.deepEqual(ends.map((r) => r.status).sort(), [200, 409]);
    assert.equal(codeOf(ends.find((r) => r.status === 409)), 'E_STATE');
    assert.deepEqual([ok.body.returned_fen, ok.body.held_fen, ok.body.open_orders], [pre.body.returned_fen, pre.body.held_fen, 1]);
    const again = await h.merchant('POST', `/api/merchant/programs/${id}/end`);
    assert.deepEqual([again.status, codeOf(again)], [409, 'E_STATE']);
    assert.equal(codeOf(await h.merchant('GET', `/api/merchant/programs/${id}/end-preview`)), 'E_STATE');
    await books(h);
    await h.close();
  });

  test(`${kind}: stock preview runs the change's own rules; stock changes with a key apply once; below the unsold stock is E_STOCK`, async () => {
    const h = await harness(kind);
    await topup(h, 10 * SHARE + 3 * SHARE);
    const id = await campaign(h);
    await order(h, id, 20, 4);
    const pv = async (delta) => (await h.merchant('GET', `/api/merchant/programs/${id}/stock-preview?delta=${delta}`)).body;
    let r = await pv(3);
    assert.deepEqual([r.stock_after, r.frozen_change_fen, r.balance_after_fen, r.refused], [9, 3 * SHARE, 0, null]);
    assert.deepEqual([r.frozen_change_text, r.balance_after_text], h.engine.formatMoney([3 * SHARE, 0]).texts);
    r = await pv(4);
    assert.equal(r.refused.code, 'E_BUDGET_SHORT', JSON.stringify(r));
    r = await pv(-7);
    assert.deepEqual([r.refused.code, r.refused.path], ['E_STOCK', 'delta']);
    r = await pv(-6);
    assert.deepEqual([r.stock_after, r.frozen_change_fen, r.balance_after_fen, r.refused], [0, -6 * SHARE, 9 * SHARE, null]);
    assert.deepEqual(r.frozen_change_text, `-${h.engine.formatMoney([6 * SHARE]).texts[0]}`);
    assert.equal(codeOf(await h.merchant('GET', `/api/merchant/programs/${id}/stock-preview?delta=abc`)), 'E_INVALID');
    const rows = await ledgerRows(h);
    assert.equal(rows, await ledgerRows(h));
    const below = await h.merchant('POST', `/api/merchant/programs/${id}/stock`, { delta: -7 });
    assert.deepEqual([below.status, codeOf(below)], [400, 'E_STOCK']);
    const short = await h.merchant('POST', `/api/merchant/programs/${id}/stock`, { delta: 4 });
    assert.deepEqual([short.status, codeOf(short)], [409, 'E_BUDGET_SHORT']);
    // A double click with one key: one change, the second answers it.
    const twice = await Promise.all([0, 1].map(() => h.merchant('POST', `/api/merchant/programs/${id}/stock`, { delta: 3, idem_key: 's1' })));
    assert.deepEqual(twice.map((x) => [x.status, x.body.stock, x.body.frozen_change_fen]), [[200, 9, 3 * SHARE], [200, 9, 3 * SHARE]]);
    assert.deepEqual(twice.map((x) => x.body.replayed).sort(), [false, true]);
    const mismatch = await h.merchant('POST', `/api/merchant/programs/${id}/stock`, { delta: 2, idem_key: 's1' });
    assert.deepEqual([mismatch.status, codeOf(mismatch), pathOf(mismatch)], [409, 'E_IDEM_MISMATCH', 'idem_key']);
    const down = await h.merchant('POST', `/api/merchant/programs/${id}/stock`, { delta: -2 });
    assert.deepEqual([down.body.stock, down.body.frozen_change_fen], [7, -2 * SHARE]);
    await books(h);
    await h.merchant('POST', `/api/merchant/programs/${id}/end`);
    const ended = await h.merchant('POST', `/api/merchant/programs/${id}/stock`, { delta: 1 });
    assert.deepEqual([ended.status, codeOf(ended)], [409, 'E_STATE']);
    await books(h);
    await h.close();
  });

  test(`${kind}: a campaign past its end_ms ends by itself, once, also with several sweeps at once`, async () => {
    const h = await harness(kind);
    await topup(h);
    const id = await campaign(h, { end_ms: h.clock.now + DAY });
    const other = await campaign(h);
    await order(h, id, 20, 2, { sharer: 10 });
    await order(h, id, 21, 1, { pay: false });
    let r = await h.merchant('POST', '/api/merchant/release');
    assert.equal(r.body.ended, 0, 'not due yet');
    h.clock.now += DAY;
    const sweeps = await Promise.all([0, 1, 2].map(() => h.merchant('POST', '/api/merchant/release')));
    assert.deepEqual(sweeps.map((x) => x.status), [200, 200, 200]);
    assert.equal(sweeps.reduce((n, x) => n + x.body.ended, 0), 1, JSON.stringify(sweeps.map((x) => x.body)));
    const p = (await h.merchant('GET', `/api/merchant/programs/${id}`)).body.program;
    assert.deepEqual([p.status, p.frozen_fen], ['ended', SHARE], 'the unpaid order keeps its share');
    assert.equal((await h.merchant('GET', `/api/merchant/programs/${other}`)).body.program.status, 'published');
    r = await h.merchant('POST', '/api/merchant/release');
    assert.equal(r.body.ended, 0, 'idempotent');
    const [{ n }] = await h.db.query(`SELECT COUNT(*)::int AS n FROM merchant_ledger WHERE merchant_id = $1 AND ref = $2`, [h.merchantId, `end:${id}`]);
    assert.equal(n, 2, 'one end: one frozen and one balance row');
    await books(h);
    await h.close();
  });

  test(`${kind}: a top-up replay answers the first top-up; another amount under its key is E_IDEM_MISMATCH`, async () => {
    const h = await harness(kind);
    const first = await topup(h, 5000, 'k1');
    assert.deepEqual([first.amount_fen, first.balance, first.replayed, first.balance_text], [5000, 5000, false, h.engine.formatMoney([5000]).texts[0]]);
    await topup(h, 700, 'k2');
    const replay = await topup(h, 5000, 'k1');
    assert.deepEqual(replay, { ...first, replayed: true }, 'the stored first result, not the balance now');
    const other = await h.merchant('POST', '/api/merchant/topup', { amount_fen: 5001, idem_key: 'k1' });
    assert.deepEqual([other.status, codeOf(other), pathOf(other)], [409, 'E_IDEM_MISMATCH', 'idem_key']);
    const par = await Promise.all([0, 1, 2].map(() => h.merchant('POST', '/api/merchant/topup', { amount_fen: 100, idem_key: 'k3' })));
    assert.deepEqual(par.map((x) => x.body.replayed).sort(), [false, true, true]);
    const bal = (await h.merchant('GET', '/api/merchant/balance')).body;
    assert.deepEqual([bal.balance, bal.frozen, bal.paid_out], [5800, 0, 0]);
    assert.deepEqual([bal.balance_text, bal.frozen_text, bal.paid_out_text], h.engine.formatMoney([5800, 0, 0]).texts);
    const [{ n }] = await h.db.query('SELECT COUNT(*)::int AS n FROM topups WHERE merchant_id = $1', [h.merchantId]);
    assert.equal(n, 3);
    await books(h);
    await h.close();
  });

  test(`${kind}: the balance statement: one entry per ref, its kind, program title, running balance, keyset pages`, async () => {
    const h = await harness(kind);
    await topup(h, 100000, 'a');
    const id = await campaign(h, { title: '活动甲' });
    await h.merchant('POST', `/api/merchant/programs/${id}/stock`, { delta: 2 });
    await h.merchant('POST', `/api/merchant/programs/${id}/stock`, { delta: -1 });
    await order(h, id, 20, 1, { sharer: 10 });
    await topup(h, 300, 'b');
    await h.merchant('POST', `/api/merchant/programs/${id}/end`);
    const all = (await h.merchant('GET', '/api/merchant/balance/statement')).body;
    assert.equal(all.next, null);
    assert.deepEqual(all.entries.map((e) => e.kind), ['return', 'topup', 'payout', 'release', 'freeze', 'freeze', 'topup']);
    const [ret, top2, payout, release, freeze2, publish, top1] = all.entries;
    assert.deepEqual([publish.balance_delta_fen, publish.frozen_delta_fen, publish.program_id, publish.program_title], [-10 * SHARE, 10 * SHARE, id, '活动甲']);
    assert.deepEqual([freeze2.balance_delta_fen, release.balance_delta_fen], [-2 * SHARE, SHARE]);
    assert.deepEqual([payout.balance_delta_fen, payout.frozen_delta_fen, payout.paid_out_delta_fen], [0, -SHARE, SHARE]);
    assert.deepEqual([top1.balance_after_fen, publish.balance_after_fen, top2.balance_after_fen], [100000, 100000 - 10 * SHARE, 100300 - 11 * SHARE]);
    assert.deepEqual([ret.balance_delta_fen, ret.balance_after_fen], [10 * SHARE, 100300 - SHARE]);
    assert.equal(ret.balance_after_fen, (await h.merchant('GET', '/api/merchant/balance')).body.balance);
    assert.deepEqual([publish.balance_delta_text, publish.balance_after_text], [`-${h.engine.formatMoney([10 * SHARE]).texts[0]}`, h.engine.formatMoney([100000 - 10 * SHARE]).texts[0]]);
    assert.equal(top1.program_id, null);
    assert.ok(all.entries.every((e, i) => i === 0 || e.entry_id < all.entries[i - 1].entry_id), 'newest first');
    // Pages of 2: every entry once, in the same order, with the same running balances.
    const paged = [];
    let before;
    for (let n = 0; n < 10; n++) {
      const page = (await h.merchant('GET', `/api/merchant/balance/statement?limit=2${before ? `&before=${before}` : ''}`)).body;
      paged.push(...page.entries);
      if (page.next == null) break;
      before = page.next;
    }
    assert.deepEqual(paged, all.entries);
    assert.equal(codeOf(await h.merchant('GET', '/api/merchant/balance/statement?limit=0')), 'E_RANGE');
    await h.close();
  });

  test(`${kind}: the order list: every filter, keyset pages, texts`, async () => {
    const h = await harness(kind);
    await topup(h);
    const a = await campaign(h, { title: '甲' });
    const b = await campaign(h, { title: '乙' });
    await nickname(h, 30, '小王');
    const t0 = h.clock.now;
    const o1 = await order(h, a, 30, 1, { sharer: 10 });
    h.clock.now += 1000;
    const o2 = await order(h, a, 31, 2);
    h.clock.now += 1000;
    const o3 = await order(h, b, 30, 1, { sharer: 11 });
    const o4 = await order(h, b, 32, 1, { pay: false });
    const b33 = await h.login(33);
    const o5 = (await b33('POST', '/api/orders', { program_id: a, units: 1, idem_key: 'x' })).body.order.order_id;
    await b33('POST', `/api/orders/${o5}/pay`, { outcome: 'fail' });
    await h.merchant('POST', `/api/merchant/orders/${o2}/ship`, {});
    await h.merchant('POST', `/api/merchant/orders/${o3}/complete`);
    await h.merchant('POST', `/api/merchant/orders/${o1}/refund`, { amount_fen: 100, idem_key: 'r' });
    const ids = async (qs) => {
      const r = await h.merchant('GET', `/api/merchant/orders${qs ? `?${qs}` : ''}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.orders.map((o) => o.order_id);
    };
    assert.deepEqual(await ids(''), [o5, o4, o3, o2, o1]);
    assert.deepEqual(await ids(`program_id=${a}`), [o5, o2, o1]);
    assert.deepEqual(await ids('status=created'), [o4]);
    assert.deepEqual(await ids('status=paid'), [o1]);
    assert.deepEqual(await ids('status=shipped'), [o2]);
    assert.deepEqual(await ids('status=completed'), [o3]);
    assert.deepEqual(await ids('status=closed'), [o5]);
    assert.deepEqual(await ids('status=refunded'), [o1]);
    assert.deepEqual(await ids('buyer_id=30'), [o3, o1]);
    assert.deepEqual(await ids('distributor_id=10'), [o1]);
    assert.deepEqual(await ids('distributor_id=11'), [o3]);
    assert.deepEqual(await ids(`paid_from=${t0 + 1000}`), [o3, o2]);
    assert.deepEqual(await ids(`paid_from=${t0}&paid_to=${t0 + 1000}`), [o1]);
    assert.deepEqual(await ids(`program_id=${a}&status=shipped&buyer_id=31`), [o2]);
    const first = (await h.merchant('GET', '/api/merchant/orders?limit=2')).body;
    assert.deepEqual([first.orders.map((o) => o.order_id), first.next], [[o5, o4], o4]);
    const second = (await h.merchant('GET', `/api/merchant/orders?limit=2&before=${first.next}`)).body;
    assert.deepEqual([second.orders.map((o) => o.order_id), second.next], [[o3, o2], o2]);
    const last = (await h.merchant('GET', `/api/merchant/orders?limit=2&before=${second.next}`)).body;
    assert.deepEqual([last.orders.map((o) => o.order_id), last.next], [[o1], null]);
    const row = last.orders[0];
    assert.deepEqual([row.program_title, row.buyer_name, row.status, row.status_text, row.units, row.paid_fen, row.refunded_fen],
      ['甲', '小王', 'paid', '待发货（部分退款）', 1, 9900, 100]);
    assert.deepEqual([row.paid_text, row.refunded_text], h.engine.formatMoney([9900, 100]).texts);
    assert.equal(row.created_text, formatCst(t0, true));
    const shipped = second.orders.find((o) => o.order_id === o2);
    assert.deepEqual([shipped.status, shipped.shipped, shipped.status_text, shipped.shipped_ms, shipped.complete_due_ms], ['paid', true, '已发货', h.clock.now, h.clock.now + 7 * DAY]);
    assert.equal(codeOf(await h.merchant('GET', '/api/merchant/orders?limit=101')), 'E_RANGE');
    assert.equal(codeOf(await h.merchant('GET', '/api/merchant/orders?status=lost')), 'E_ENUM');
    assert.equal(codeOf(await h.merchant('GET', '/api/merchant/orders?buyer_id=-1')), 'E_INVALID');
    await h.close();
  });

  test(`${kind}: an order's detail: items with names, buyer, why (explainZh), lines in Chinese, payments, refunds`, async () => {
    const h = await harness(kind);
    await h.merchant('POST', '/api/merchant/programs', { program_id: 3, config: { kind: 'distribution', depth: 2, rates_bp: [1000, 500] } });
    await h.merchant('POST', '/api/merchant/programs/3/publish');
    await h.merchant('PUT', '/api/merchant/products/cup', { name: '马克杯', price_fen: 3900 });
    await h.merchant('PUT', '/api/merchant/products/tea', { name: '乌龙茶', price_fen: 10000 });
    const a = await h.login(1);
    const b = await h.login(2);
    await a('POST', '/api/me/apply', { program_id: 3 });
    await h.visit(3, 2, 1);
    await b('POST', '/api/me/apply', { program_id: 3 });
    await h.visit(3, 9, 2);
    await nickname(h, 9, '顾客九');
    await nickname(h, 2, '阿二');
    const c = await h.login(9);
    const o = (await c('POST', '/api/orders', { program_id: 3, idem_key: 'o', items: [{ product_id: 'cup', units: 2 }, { product_id: 'tea', units: 1 }] })).body;
    await c('POST', `/api/orders/${o.order.order_id}/pay`, {});
    await h.merchant('POST', `/api/merchant/orders/${o.order.order_id}/refund`, { amount_fen: 1000, item_index: 1, idem_key: 'r1' });
    const d = await h.merchant('GET', `/api/merchant/orders/${o.order.order_id}`);
    assert.equal(d.status, 200, JSON.stringify(d.body));
    const { order: od, buyer, why, why_text: whyText, lines, payments, refunds } = d.body;
    assert.deepEqual(od.items.map((i) => [i.product_id, i.name, i.units, i.paid_fen, i.refunded_fen, i.refundable_fen]),
      [['cup', '马克杯', 2, 7800, 0, 7800], ['tea', '乌龙茶', 1, 10000, 1000, 9000]]);
    assert.equal(od.items[1].refundable_text, h.engine.formatMoney([9000]).texts[0]);
    assert.deepEqual(buyer, { user_id: 9, nickname: '顾客九' });
    assert.equal(why.reason, 'order_bound');
    assert.equal(whyText, explainZh(why, { names: { 2: '阿二', 9: '顾客九' }, role: '推广员' }));
    assert.match(whyText, /阿二/);
    assert.deepEqual(lines.map((l) => [l.item_index, l.beneficiary_id, l.level, l.amount, l.clawed, l.state, l.state_text]),
      [[0, 2, 1, 780, 0, 'pending', '待结算'], [0, 1, 2, 390, 0, 'pending', '待结算'], [1, 2, 1, 1000, 100, 'pending', '待结算'], [1, 1, 2, 500, 50, 'pending', '待结算']]);
    assert.equal(lines[0].beneficiary_name, '阿二');
    assert.equal(lines[0].amount_text, h.engine.formatMoney([780]).texts[0]);
    assert.deepEqual(payments.map((p) => [p.amount_fen, p.status]), [[17800, 'succeeded']]);
    assert.deepEqual(refunds.map((r) => [r.item_index, r.amount_fen]), [[1, 1000]]);
    assert.equal((await h.merchant('GET', '/api/merchant/orders/999999999')).status, 404);
    const other = await harness(kind);
    assert.equal((await other.merchant('GET', `/api/merchant/orders/${o.order.order_id}`)).status, 404, 'another merchant sees no order of this one');
    await other.close();
    await h.close();
  });

  test(`${kind}: the refund preview is the refund's own plan and writes nothing; above what is left is E_REFUND_EXCEEDS`, async () => {
    const h = await harness(kind);
    const config = { kind: 'distribution', depth: 1, rates_bp: [1000], refund_policy: 'proportional', hold_days: 0 };
    await h.merchant('POST', '/api/merchant/programs', { program_id: 1, config });
    await h.merchant('POST', '/api/merchant/programs/1/publish');
    await h.merchant('PUT', '/api/merchant/products/tea', { name: 'tea', price_fen: 10000 });
    const d = await h.login(5);
    await d('POST', '/api/me/apply', { program_id: 1 });
    await h.visit(1, 6, 5);
    const buyer = await h.login(6);
    const o1 = (await buyer('POST', '/api/orders', { program_id: 1, idem_key: 'a', items: [{ product_id: 'tea', units: 2 }] })).body.order.order_id;
    await buyer('POST', `/api/orders/${o1}/pay`, {});
    // Completed with no hold: the line is available, the distributor withdraws part of it, so a
    // claw-back takes from available and leaves a debt.
    await h.merchant('POST', `/api/merchant/orders/${o1}/complete`);
    await h.merchant('POST', '/api/merchant/release');
    const w = await d('POST', '/api/me/withdrawals', { amount_fen: 1500, method: 'red_packet', idem_key: 'w' });
    assert.equal(w.status, 200, JSON.stringify(w.body));
    const before = await h.db.query('SELECT COUNT(*)::int AS n FROM ledger WHERE merchant_id = $1', [h.merchantId]);
    const pv = await h.merchant('GET', `/api/merchant/orders/${o1}/refund-preview?amount_fen=15000`);
    assert.equal(pv.status, 200, JSON.stringify(pv.body));
    assert.deepEqual([pv.body.refund_fen, pv.body.refundable_fen], [15000, 20000]);
    assert.deepEqual(pv.body.lines.map((l) => [l.clawback, l.from_line, l.debt, l.forgiven]), [[1500, 500, 1000, 0]]);
    assert.equal(pv.body.lines[0].debt_text, h.engine.formatMoney([1000]).texts[0]);
    assert.deepEqual(await h.db.query('SELECT COUNT(*)::int AS n FROM ledger WHERE merchant_id = $1', [h.merchantId]), before, 'nothing written');
    const [{ refunded }] = await h.db.query('SELECT refunded_fen AS refunded FROM orders WHERE merchant_id = $1 AND order_id = $2', [h.merchantId, o1]);
    assert.equal(Number(refunded), 0);
    // A double click with one key refunds once; the refund answers what the preview said.
    const rs = await Promise.all([0, 1].map(() => h.merchant('POST', `/api/merchant/orders/${o1}/refund`, { amount_fen: 15000, idem_key: 'r1' })));
    for (const r of rs) assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(rs[0].body.lines, rs[1].body.lines);
    assert.deepEqual(rs[0].body.lines.map(({ line_id, beneficiary_id, clawback, from_line, debt, forgiven }) => ({ line_id, beneficiary_id, clawback, from_line, debt, forgiven })),
      pv.body.lines.map(({ line_id, beneficiary_id, clawback, from_line, debt, forgiven }) => ({ line_id, beneficiary_id, clawback, from_line, debt, forgiven })));
    const [{ n }] = await h.db.query('SELECT COUNT(*)::int AS n FROM refunds WHERE merchant_id = $1', [h.merchantId]);
    assert.equal(n, 1);
    const over = await h.merchant('GET', `/api/merchant/orders/${o1}/refund-preview?amount_fen=5001`);
    assert.deepEqual([over.status, codeOf(over), pathOf(over)], [400, 'E_REFUND_EXCEEDS', 'amount_fen']);
    const overReal = await h.merchant('POST', `/api/merchant/orders/${o1}/refund`, { amount_fen: 5001, idem_key: 'r2' });
    assert.deepEqual([overReal.status, codeOf(overReal)], [400, 'E_REFUND_EXCEEDS']);
    assert.equal(codeOf(await h.merchant('GET', `/api/merchant/orders/${o1}/refund-preview?amount_fen=1&item_index=3`)), 'E_RANGE');
    assert.equal(codeOf(await h.merchant('GET', `/api/merchant/orders/${o1}/refund-preview`)), 'E_REQUIRED');
    await books(h);
    await h.close();
  });

  test(`${kind}: shipping, automatic completion after the shop's days (holds start), and bulk completion`, async () => {
    const h = await harness(kind);
    await topup(h);
    const id = await campaign(h, { product: { name: 'P', price_fen: 9900, stock: 50 } });
    const o1 = await order(h, id, 20, 1, { sharer: 10 });
    const o2 = await order(h, id, 21, 1);
    const o3 = await order(h, id, 22, 1, { pay: false });
    let s = await h.merchant('GET', '/api/merchant/settings/shop');
    assert.deepEqual(s.body.settings, { auto_complete_days: 7, ships: true });
    for (const bad of [{ auto_complete_days: 0 }, { auto_complete_days: 31 }, { auto_complete_days: 2.5 }, { ships: 'no' }, { other: 1 }]) {
      const r = await h.merchant('PUT', '/api/merchant/settings/shop', bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
    }
    s = await h.merchant('PUT', '/api/merchant/settings/shop', { auto_complete_days: 3 });
    assert.deepEqual(s.body.settings, { auto_complete_days: 3, ships: true });
    const shipTwice = await Promise.all([0, 1].map(() => h.merchant('POST', `/api/merchant/orders/${o1}/ship`, {})));
    assert.deepEqual(shipTwice.map((r) => [r.status, r.body.shipped_ms, r.body.complete_due_ms]), [[200, h.clock.now, h.clock.now + 3 * DAY], [200, h.clock.now, h.clock.now + 3 * DAY]]);
    assert.deepEqual(shipTwice.map((r) => r.body.replayed).sort(), [false, true]);
    const notPaid = await h.merchant('POST', `/api/merchant/orders/${o3}/ship`, {});
    assert.deepEqual([notPaid.status, codeOf(notPaid)], [409, 'E_ORDER_STATE']);
    h.clock.now += 3 * DAY - 1;
    assert.equal((await h.merchant('POST', '/api/merchant/release')).body.completed, 0);
    h.clock.now += 1;
    const sweeps = await Promise.all([0, 1].map(() => h.merchant('POST', '/api/merchant/release')));
    assert.equal(sweeps[0].body.completed + sweeps[1].body.completed, 1, 'the shipped order, once');
    const detail = (await h.merchant('GET', `/api/merchant/orders/${o1}`)).body;
    assert.deepEqual([detail.order.status, detail.order.completed_ms], ['completed', h.clock.now]);
    assert.deepEqual([detail.lines[0].state, detail.lines[0].state_text, detail.lines[0].hold_until_ms], ['frozen', '冻结中', h.clock.now + 7 * DAY], 'the hold starts');
    assert.equal((await h.merchant('GET', `/api/merchant/orders/${o2}`)).body.order.status, 'paid', 'not shipped: waits');
    // A shop that does not ship: paid orders are due auto_complete_days after their payment.
    s = await h.merchant('PUT', '/api/merchant/settings/shop', { ships: false });
    assert.deepEqual(s.body.settings, { auto_complete_days: 3, ships: false });
    const o4 = await order(h, id, 23, 1);
    const due = (await h.merchant('GET', `/api/merchant/orders/${o4}`)).body.order;
    assert.deepEqual([due.status_text, due.complete_due_ms], ['已付款', h.clock.now + 3 * DAY]);
    const o2due = (await h.merchant('GET', `/api/merchant/orders/${o2}`)).body.order.complete_due_ms;
    assert.ok(o2due <= h.clock.now, 'an order paid before the switch is due from its payment');
    assert.equal((await h.merchant('POST', '/api/merchant/release')).body.completed, 1);
    h.clock.now += 3 * DAY;
    assert.equal((await h.merchant('POST', '/api/merchant/release')).body.completed, 1);
    // Bulk: done, and each refused order with its reason.
    const o5 = await order(h, id, 24, 1);
    const bulk = await h.merchant('POST', '/api/merchant/orders/complete', { order_ids: [o5, o3, o1, 987654321] });
    assert.equal(bulk.status, 200, JSON.stringify(bulk.body));
    assert.deepEqual(bulk.body.done, [o5, o1]);
    assert.deepEqual(bulk.body.failed.map((f) => [f.order_id, f.code]), [[o3, 'E_ORDER_STATE'], [987654321, 'E_NOT_FOUND']]);
    assert.ok(bulk.body.failed.every((f) => f.message));
    assert.equal(codeOf(await h.merchant('POST', '/api/merchant/orders/complete', { order_ids: Array.from({ length: 101 }, (_, i) => i + 1) })), 'E_INVALID');
    assert.equal(codeOf(await h.merchant('POST', '/api/merchant/orders/complete', { order_ids: [] })), 'E_INVALID');
    await books(h);
    await h.close();
  });

  test(`${kind}: the server's sweep ends campaigns past their end and completes due orders, and again changes nothing`, async () => {
    const h = await harness(kind);
    const { sweep } = require('../../web/server');
    const { createProgramCache } = require('../../web/program-cache');
    await topup(h);
    const id = await campaign(h, { end_ms: h.clock.now + 2 * DAY });
    const o = await order(h, id, 20, 1, { sharer: 10 });
    await h.merchant('POST', `/api/merchant/orders/${o}/ship`, {});
    h.clock.now += 7 * DAY;
    const programs = createProgramCache();
    await Promise.all([0, 1].map(() => sweep(h.db, h.engine, programs, () => h.clock.now, [h.merchantId])));
    const p = (await h.merchant('GET', `/api/merchant/programs/${id}`)).body.program;
    assert.deepEqual([p.status, p.frozen_fen], ['ended', 0]);
    const d = (await h.merchant('GET', `/api/merchant/orders/${o}`)).body;
    assert.deepEqual([d.order.status, d.lines[0].state], ['completed', 'frozen']);
    const rows = await ledgerRows(h);
    await sweep(h.db, h.engine, programs, () => h.clock.now, [h.merchantId]);
    assert.equal(await ledgerRows(h), rows);
    await books(h);
    await h.close();
  });
}
