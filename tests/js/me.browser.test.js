// The distributor centre in headless Chromium against the real server: commission lines grouped
// and filtered by program, each line saying why this person got it (the attribution decision
// stored with the order, in the engine's words), the grade counting only the program's own lines,
// and the distributor record from the server. Lines from a server that does not send program_id
// or why yet are completed by the test from what it knows (the order ids of each program and the
// decision the order answer carried), so the page's use of those fields is tested either way.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { startServer, launch, watch } = require('./pages-harness');
const { dist, engine } = require('./engine-loader');

const { explainZh } = require(path.join(dist, 'engine.js'));
const CAMPAIGN = 1001; // the demo campaign (title 新品茶礼 · 分享赚佣金)
const PROGRAM = 2001; // the demo distribution program: 10 % / 5 %, grades 普通推广员 / 金牌推广员 (10 paid orders)

test('distributor centre: lines by program, why each was earned, grade from the program alone', { timeout: 180000 }, async (t) => {
  const server = await startServer();
  const ui = await launch();
  const errors = [];
  t.after(async () => { await ui.close(); await server.stop(); });
  const ok = (r) => { assert.ok(r.status === 200, JSON.stringify(r.body)); return r.body; };
  const pageUrl = `${server.base}/activity.html`;
  const join = async (who, via, program) => {
    if (via) {
      const link = ok(await server.user(via, 'POST', '/api/share/link', { program_id: program, page_url: pageUrl }));
      assert.equal(ok(await server.user(who, 'POST', '/api/share/open', { program_id: program, url: link.url })).attributed, true);
    }
  };

  // 102 invites 101; customer 201 comes through 101's link and buys in the distribution program;
  // customer 202 comes through 101's campaign link and buys in the campaign.
  await join(102, null, PROGRAM);
  ok(await server.user(102, 'POST', '/api/me/apply', { program_id: PROGRAM }));
  await join(101, 102, PROGRAM);
  ok(await server.user(101, 'POST', '/api/me/apply', { program_id: PROGRAM }));
  await join(201, 101, PROGRAM);
  const dOrder = ok(await server.user(201, 'POST', '/api/orders', { program_id: PROGRAM, idem_key: 'd1', items: [{ product_id: 'tea-250', units: 1 }] })).order;
  assert.equal(ok(await server.user(201, 'POST', `/api/orders/${dOrder.order_id}/pay`, {})).status, 'paid');
  await join(202, 101, CAMPAIGN);
  const cOrder = ok(await server.user(202, 'POST', '/api/orders', { program_id: CAMPAIGN, idem_key: 'c1', units: 1 })).order;
  assert.equal(ok(await server.user(202, 'POST', `/api/orders/${cOrder.order_id}/pay`, {})).status, 'paid');
  const decision = dOrder.attribution && dOrder.attribution.decision;
  assert.equal(decision && decision.reason, 'order_bound', 'the order answer carries the attribution decision');

  const programOf = { [dOrder.order_id]: PROGRAM, [cOrder.order_id]: CAMPAIGN };
  const raw = ok(await server.user(101, 'GET', '/api/me/commissions')).lines;
  const serverHasFields = raw.length > 0 && raw.every((l) => l.program_id != null);

  // Completes what an older server leaves out; a server that sends the fields is used as it is.
  async function complete(page, record) {
    await page.route('**/api/me/commissions', async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      for (const l of body.lines) {
        if (l.program_id == null) l.program_id = programOf[l.order_id];
        if (l.why == null && Number(l.order_id) === Number(dOrder.order_id)) l.why = decision;
      }
      await route.fulfill({ response: res, json: body });
    });
    if (record) await page.route((url) => url.pathname === '/api/me/distributor', (route) => route.fulfill({ json: { ok: true, distributor: record } }));
  }

  const ctx = await ui.phone();
  const page = watch(await ctx.newPage(), errors);
  await complete(page, serverHasFields ? null : { program_id: PROGRAM, user_id: 101, inviter_id: 102, status: 'approved', grade: '' });
  await page.goto(`${server.base}/me.html?user=101&program=${PROGRAM}`);
  await page.waitForSelector('body[data-ready="1"]');
  assert.equal(await page.getAttribute('body', 'data-distributor'), 'approved', 'the record comes from the server');
  assert.match(await page.textContent('#apply-text'), /邀请人：用户 102/);

  // Program chips: all, then each program by its title; each line names its program under 全部.
  const chips = await page.$$eval('#program-chips button', (b) => b.map((x) => [x.dataset.program, x.textContent]));
  assert.deepEqual(chips.map((c) => c[0]).sort(), ['', String(CAMPAIGN), String(PROGRAM)].sort());
  assert.deepEqual(Object.fromEntries(chips), { '': '全部活动', [CAMPAIGN]: '新品茶礼 · 分享赚佣金', [PROGRAM]: `分销计划 ${PROGRAM}` });
  const dLine = `.line[data-order="${dOrder.order_id}"]`;
  const cLine = `.line[data-order="${cOrder.order_id}"]`;
  assert.match(await page.textContent(`${cLine} .line-title`), /新品茶礼/);
  await ui.shot(page, 'me-programs', { at: '#tab-commissions' });
  await page.click(`#program-chips [data-program="${PROGRAM}"]`);
  assert.deepEqual(await page.$$eval('.line', (l) => l.map((x) => x.dataset.program)), [String(PROGRAM)]);
  await page.click(`#program-chips [data-program="${CAMPAIGN}"]`);
  assert.deepEqual(await page.$$eval('.line', (l) => l.map((x) => x.dataset.program)), [String(CAMPAIGN)]);
  await page.click('#program-chips [data-program=""]');
  assert.equal(await page.$$eval('.line', (l) => l.length), 2);

  // Why: the stored decision in the engine's words (bound since …), then basis and rule; a line
  // without a decision keeps the sentence about who bought.
  const why = await page.textContent(`${dLine} .why`);
  const said = explainZh(decision, { viewer: 101, role: '推广员' });
  assert.ok(why.startsWith(said), `${why} / ${said}`);
  assert.match(said, /绑定了您/);
  assert.match(why, /按实付金额的 10%/);
  const cWhy = await page.textContent(`${cLine} .why`);
  assert.match(cWhy, /好友通过您分享的链接购买|通过其分享链接进入/);

  // Grade: only this program's level-1 lines count (1 order, not the campaign's too).
  await page.click('[data-tab="grade"]');
  await page.waitForSelector('#grade-text');
  assert.equal(await page.getAttribute('.progress[data-metric="paid_orders"]', 'data-current'), '1');
  assert.equal(await page.$$eval('#grade .note', (n) => n.length), 0);
  assert.match(await page.textContent('#grade-text'), /普通推广员/);
  await ui.shot(page, 'me-grade-program');

  // The inviter's line: the same decision, and that he is the inviter (level 2).
  const inviter = watch(await ctx.newPage(), errors);
  await complete(inviter, serverHasFields ? null : { program_id: PROGRAM, user_id: 102, inviter_id: null, status: 'approved', grade: '' });
  await inviter.goto(`${server.base}/me.html?user=102&program=${PROGRAM}`);
  await inviter.waitForSelector('body[data-ready="1"]');
  assert.match(await inviter.textContent(`${dLine} .why`), /您是其邀请人，得第 2 级佣金/);
  assert.equal(await inviter.isHidden('#program-chips'), true, 'one program: no chips');

  // The withdraw form previews as the user types, with the merchant's settings (a 1 % fee, at
  // least ¥0.10, here) through the engine's previewWithdrawal, as the server will.
  const e = await engine();
  const settings = { methods: ['wechat_transfer', 'red_packet'], threshold_fen: 100, min_fen: 100, max_fen: 2000000, period: 'day', max_per_period: 5,
    fee: { rate_bp: 100, min_fen: 10, max_fen: null } };
  const walletPage = watch(await ctx.newPage(), errors);
  await walletPage.route((url) => url.pathname === '/api/me/wallet', async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    await route.fulfill({ response: res, json: { ...body, wallet: { ...body.wallet, available: 50000 }, settings } });
  });
  await walletPage.goto(`${server.base}/me.html?user=101&program=${PROGRAM}&tab=withdraw`);
  await walletPage.waitForSelector('#methods input');
  const expect = (amount) => e.previewWithdrawal({ settings, available_fen: 50000, amount_fen: amount, method: 'wechat_transfer', now_ms: Date.now(), history: [] });
  await walletPage.fill('#w-amount', '100');
  await walletPage.waitForFunction(() => /实际到账/.test(document.querySelector('#w-preview').textContent));
  const p100 = expect(10000);
  assert.equal(await walletPage.textContent('#w-preview'), `手续费 ${p100.fee_text}，实际到账 ${p100.net_text}，需在微信中确认收款`);
  assert.equal(p100.fee_text, '¥1.00');
  await walletPage.fill('#w-amount', '600');
  await walletPage.waitForFunction(() => document.querySelector('#w-amount-error').textContent !== '');
  assert.equal(await walletPage.textContent('#w-amount-error'), '可提现余额不足');
  await walletPage.click('#w-all');
  const all = expect(50000);
  assert.equal(await walletPage.inputValue('#w-amount'), all.max_amount_text.replace('¥', ''));
  assert.match(await walletPage.textContent('#w-preview'), new RegExp(`实际到账 ${all.net_text.replace('.', '\\.')}`));
  await ui.shot(walletPage, 'me-withdraw-fee', { at: '#withdraw-form' });
  await walletPage.close();

  // Not a distributor yet: the merchant's conditions this user misses, amounts as engine texts;
  // the apply button waits for them.
  const newcomer = watch(await ctx.newPage(), errors);
  await newcomer.route((url) => url.pathname === '/api/me/distributor', (route) => route.fulfill({ json: { ok: true, role_name: '推广员', distributor: null,
    application: { approval: 'manual', conditions: { min_spent_fen: 10000, min_orders: 2 }, unmet: [
      { code: 'E_APPLY_SPENT', path: 'conditions.min_spent_fen', message: 'spend', current: 3000, target: 10000, missing: 7000 },
      { code: 'E_APPLY_ORDERS', path: 'conditions.min_orders', message: 'orders', current: 1, target: 2, missing: 1 }] } } }));
  await newcomer.goto(`${server.base}/me.html?user=203&program=${PROGRAM}`);
  await newcomer.waitForSelector('body[data-ready="1"]');
  assert.deepEqual(await newcomer.$$eval('#apply-unmet li', (li) => li.map((x) => x.textContent)),
    ['累计消费满 ¥100.00 才能申请，还差 ¥70.00', '累计下单满 2 笔才能申请，还差 1 笔']);
  assert.equal(await newcomer.isDisabled('#apply'), true);
  await ui.shot(newcomer, 'me-apply-conditions');

  // An older server (no program_id, no why, no distributor route): the page still works, the
  // grade says its count may include other programs.
  if (!serverHasFields) {
    const plain = watch(await ctx.newPage(), errors);
    await plain.goto(`${server.base}/me.html?user=101&program=${PROGRAM}&tab=grade`);
    await plain.waitForSelector('#grade-text');
    assert.equal(await plain.isHidden('#program-chips'), true);
    assert.equal(await plain.$$eval('#grade .note', (n) => n.length), 1);
    assert.match(await plain.textContent(`${dLine} .why`), /您的客户购买（第 1 级）/);
  }
  assert.deepEqual(errors, []);
});
