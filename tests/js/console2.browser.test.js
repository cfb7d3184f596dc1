// The merchant console, part 2 (issue 13), in headless Chromium against the real server at
// 1280×800 and 390×844, on every database of DATABASES: 推广员 (two applications under merchant
// approval: one approved, one rejected with a reason the applicant reads; a grade set by hand,
// freeze; the inviter cycle refused with the engine's reason; a customer rebound after the
// engine's preview; 分组管理), 提现 (a bank withdrawal with its payee, masked in the list and in full
// on 收款账户, approved, the payout file downloaded and opened with exceljs, confirmed with a
// reference; another rejected with a reason), 数据 (a date range, the chart's canvas and the
// numbers beside it, an export downloaded and parsed), 设置 › 分销设置 (withdrawal settings refused
// at the field, attribution's switch times). On every screen: nothing wider than the viewport, no
// "undefined", NaN, null or raw code. Screenshots in build/screenshots/console2-*.png.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const ExcelJS = require('exceljs');
const { startServer, launch, watch, SHOTS, DATABASES } = require('./pages-harness');

const PROGRAM = 2001; // the demo distribution program: grades 普通推广员 / 金牌推广员
const NOHOLD = 3001; // a program of this test without a hold: commission is withdrawable once the order completes
const OWNER = { login: 'demo', password: 'demo-owner-2026' };
const VIEWPORTS = [
  { name: 'desktop', options: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'UTC', acceptDownloads: true } },
  { name: 'phone', options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'UTC', acceptDownloads: true } },
];
const BAD_TEXT = /undefined|NaN|null|E_[A-Z_]{2,}|W_[A-Z_]{2,}|\[object/;
const NAMES = { 101: '王小明', 102: '周推广', 201: '李买家', 202: '钱买家', 501: '张申请', 502: '赵申请' };
const CARD = '6225880112345678';

async function seed(server) {
  const ok = (r) => { assert.equal(r.status, 200, JSON.stringify(r.body)); return r.body; };
  for (const [id, nickname] of Object.entries(NAMES)) {
    ok(await (async () => {
      const r = await fetch(`${server.base}/api/dev/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ merchant_id: 1, user_id: Number(id), nickname }) });
      return { status: r.status, body: await r.json() };
    })());
  }
  const pageUrl = `${server.base}/activity.html`;
  const join = async (who, via, program) => {
    const link = ok(await server.user(via, 'POST', '/api/share/link', { program_id: program, page_url: pageUrl }));
    ok(await server.user(who, 'POST', '/api/share/open', { program_id: program, url: link.url }));
  };
  // 3001: no hold, so 101's commission is available once the order completes.
  // Its second grade is reached with one paid order: 101 upgrades by himself on 202's order.
  ok(await server.merchant('POST', '/api/merchant/programs', { program_id: NOHOLD, config: { kind: 'distribution', depth: 1, rates_bp: [1000], hold_days: 0,
    refund_policy: 'proportional', grades: [{ id: 'basic', name: '普通推广员' }, { id: 'star', name: '明星推广员', rates_bp: [1500], thresholds: { paid_orders: 1 } }] } }));
  ok(await server.merchant('POST', `/api/merchant/programs/${NOHOLD}/publish`));
  ok(await server.user(101, 'POST', '/api/me/apply', { program_id: NOHOLD }));
  await join(202, 101, NOHOLD);
  const o = ok(await server.user(202, 'POST', '/api/orders', { program_id: NOHOLD, idem_key: 'n1', items: [{ product_id: 'tea-250', units: 2 }] })).order;
  ok(await server.user(202, 'POST', `/api/orders/${o.order_id}/pay`, { outcome: 'succeed' }));
  ok(await server.merchant('POST', `/api/merchant/orders/${o.order_id}/complete`));
  ok(await server.merchant('POST', '/api/merchant/release'));
  // Two withdrawals: ¥15.00 to a bank card, ¥3.00 to Alipay.
  const bank = ok(await server.user(101, 'POST', '/api/me/withdrawals', { amount_fen: 1500, method: 'bank', idem_key: 'w-bank',
    payee: { name: '王小明', bank: '招商银行杭州分行', card_no: CARD } })).withdrawal;
  const alipay = ok(await server.user(101, 'POST', '/api/me/withdrawals', { amount_fen: 300, method: 'alipay', idem_key: 'w-ali',
    payee: { name: '王小明', account: 'xiaoming@example.com' } })).withdrawal;
  // 2001 under automatic approval: 102, then 101 through 102's link (102 is 101's inviter); 201
  // is 101's customer.
  ok(await server.user(102, 'POST', '/api/me/apply', { program_id: PROGRAM }));
  await join(101, 102, PROGRAM);
  ok(await server.user(101, 'POST', '/api/me/apply', { program_id: PROGRAM }));
  await join(201, 101, PROGRAM);
  const d = ok(await server.user(201, 'POST', '/api/orders', { program_id: PROGRAM, idem_key: 'd1', items: [{ product_id: 'cup', units: 1 }] })).order;
  ok(await server.user(201, 'POST', `/api/orders/${d.order_id}/pay`, { outcome: 'succeed' }));
  // From now on the merchant approves: 501 and 502 apply.
  ok(await server.merchant('PUT', '/api/merchant/settings/application', { approval: 'manual' }));
  for (const u of [501, 502]) assert.equal(ok(await server.user(u, 'POST', '/api/me/apply', { program_id: PROGRAM })).distributor.status, 'pending');
  return { bank: Number(bank.withdrawal_id), alipay: Number(alipay.withdrawal_id) };
}

async function checkScreen(page, where) {
  const fit = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth, body: document.body.scrollWidth }));
  assert.ok(fit.scroll <= fit.width && fit.body <= fit.width, `${where}: wider than the screen ${JSON.stringify(fit)}`);
  const text = await page.evaluate(() => document.body.innerText);
  const bad = text.match(BAD_TEXT);
  assert.equal(bad, null, `${where}: "${bad && text.slice(Math.max(0, bad.index - 60), bad.index + 60)}"`);
}

async function settled(page) {
  await page.evaluate(() => window.ElementPlus && window.ElementPlus.ElMessage.closeAll());
  await page.waitForFunction(() => document.getAnimations()
    .filter((a) => a.effect && a.effect.getTiming().iterations !== Infinity)
    .every((a) => a.playState !== 'running'), null, { timeout: 5000 }).catch(() => {});
}

async function shot(page, name, opts = {}) {
  await settled(page);
  await checkScreen(page, name);
  await page.screenshot({ path: path.join(SHOTS, `console2-${name}.png`), ...opts });
}

const fieldError = (page, scope, field) => page.locator(`${scope} [data-field="${field}"] .el-form-item__error`);
const dialog = (page, name) => page.locator(`.el-dialog[data-dialog="${name}"]`);

async function closed(page, selector) {
  await page.waitForFunction((sel) => {
    const el = document.querySelector(sel);
    return !el || el.offsetParent === null || getComputedStyle(el).display === 'none';
  }, selector, { timeout: 10000 });
}

async function go(page, phone, menu) {
  if (phone) {
    await page.click('[data-action="menu"]');
    await page.locator(`.menu-drawer [data-menu="${menu}"]`).click();
    await closed(page, '.menu-drawer');
  } else {
    await page.click(`.side [data-menu="${menu}"]`);
  }
}

async function confirmBox(page, text) {
  const btn = page.locator('.el-message-box__btns button', { hasText: text });
  await btn.waitFor();
  await btn.click();
}

async function download(page, locator) {
  const [d] = await Promise.all([page.waitForEvent('download'), locator.click()]);
  const file = await d.path();
  return { name: d.suggestedFilename(), data: fs.readFileSync(file) };
}

async function sheetRows(buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer);
  const ws = wb.worksheets[0];
  const rows = [];
  ws.eachRow((row) => rows.push(row.values.slice(1).map((v) => (v && typeof v === 'object' && 'text' in v ? v.text : v))));
  return rows;
}

// A China-time day "YYYY-MM-DD", `back` days before today.
const cstDay = (back = 0) => new Date(Date.now() + 8 * 3600000 - back * 86400000).toISOString().slice(0, 10);

for (const db of DATABASES) {
  for (const vp of VIEWPORTS) {
    test(`console part 2 at ${vp.options.viewport.width}×${vp.options.viewport.height} (${db}): applications, distributor, withdrawals, payout file, stats, exports, settings`, { timeout: 300000 }, async (t) => {
      const phone = vp.name === 'phone';
      const server = await startServer({ db });
      const ui = await launch();
      const errors = [];
      t.after(async () => { await ui.close(); await server.stop(); });
      const ids = await seed(server);
      const ctx = await ui.browser.newContext(vp.options);
      const page = watch(await ctx.newPage(), errors);
      const pre = vp.name;
      await page.goto(`${server.base}/console/index.html#/distributors`);
      await page.fill('input[name="login"]', OWNER.login);
      await page.fill('input[name="password"]', OWNER.password);
      await page.click('[data-action="login"]');
      await page.waitForSelector('.shell');

      // 推广员: the two applications first.
      const pending = page.locator('[data-table="pending"]');
      await pending.locator('[data-applicant="501"]').waitFor();
      await pending.locator('[data-applicant="502"]').waitFor();
      assert.match(await pending.innerText(), /张申请（501）[\s\S]*赵申请（502）|赵申请（502）[\s\S]*张申请（501）/);
      await page.locator('[data-table="distributors"] [data-distributor="101"]').first().waitFor();
      await shot(page, `${pre}-distributors`);
      // 通过 (a double click approves once).
      await pending.locator('[data-approve="501"]').dblclick();
      await page.waitForFunction(() => !document.querySelector('[data-table="pending"] [data-applicant="501"]'));
      let me501 = await server.user(501, 'GET', `/api/me/distributor?program_id=${PROGRAM}`);
      assert.equal(me501.body.distributor.status, 'approved');
      // 驳回: a reason is asked for at the field, then the applicant reads it.
      await pending.locator('[data-reject="502"]').click();
      const rej = dialog(page, 'reject-applicant');
      await rej.waitFor({ state: 'visible' });
      await rej.locator('[data-action="confirm-prompt"]').click();
      assert.equal(await fieldError(page, '[data-dialog="reject-applicant"]', 'reason').textContent(), '请填写驳回原因');
      await rej.locator('[data-field="reason"] textarea').fill('资料不完整，请补充手机号后重新申请');
      await shot(page, `${pre}-reject-applicant`);
      await rej.locator('[data-action="confirm-prompt"]').click();
      await closed(page, '.el-dialog[data-dialog="reject-applicant"]');
      await page.waitForFunction(() => !document.querySelector('[data-table="pending"] [data-applicant="502"]'));
      const list502 = (await server.merchant('GET', `/api/merchant/distributors?program_id=${PROGRAM}&status=rejected`)).body.distributors;
      assert.deepEqual(list502.map((d) => [d.user_id, d.reject_reason]), [[502, '资料不完整，请补充手机号后重新申请']]);
      const mine502 = (await server.user(502, 'GET', `/api/me/distributor?program_id=${PROGRAM}`)).body.distributor;
      assert.deepEqual([mine502.status, mine502.reject_reason], ['rejected', '资料不完整，请补充手机号后重新申请'], 'the applicant reads why');
      assert.match(await page.locator('[data-table="distributors"]').innerText(), /已驳回/);

      // Search by name: 501 alone.
      await page.fill('[data-field="q"] input', '张申请');
      await page.click('[data-action="search-distributors"]');
      await page.waitForFunction(() => document.querySelectorAll('[data-table="distributors"] [data-distributor]').length >= 1
        && ![...document.querySelectorAll('[data-table="distributors"] [data-distributor]')].some((e) => e.getAttribute('data-distributor') !== '501'));

      // 501's page: 设置等级 (金牌推广员), then 冻结.
      await page.locator('[data-table="distributors"] [data-distributor="501"]').first().click();
      const detail = page.locator('[data-role="distributor-detail"]');
      await detail.locator('[data-role="distributor-name"]').waitFor();
      assert.match(await detail.locator('[data-role="distributor-name"]').textContent(), /张申请/);
      await detail.locator('[data-action="set-grade"]').click();
      const gradeDlg = dialog(page, 'grade');
      await gradeDlg.waitFor({ state: 'visible' });
      await gradeDlg.locator('[data-grade="gold"]').click();
      await gradeDlg.locator('[data-action="confirm-grade"]').click();
      await closed(page, '.el-dialog[data-dialog="grade"]');
      await page.waitForFunction(() => /金牌推广员/.test(document.querySelector('[data-role="grade-name"]').textContent));
      await detail.locator('[data-table="grade-history"]').waitFor();
      assert.match(await detail.locator('[data-table="grade-history"]').innerText(), /普通推广员 → 金牌推广员[\s\S]*商家手动设置/);
      await detail.locator('[data-action="freeze"]').click();
      await confirmBox(page, '冻结');
      await page.waitForFunction(() => /已冻结/.test(document.querySelector('[data-role="distributor-status"]').textContent));
      me501 = await server.user(501, 'GET', `/api/me/distributor?program_id=${PROGRAM}`);
      assert.deepEqual([me501.body.distributor.status, me501.body.distributor.grade], ['frozen', 'gold']);
      await shot(page, `${pre}-distributor-frozen`);
      await page.locator('.order-drawer .el-drawer__close-btn').click();
      await closed(page, '.order-drawer');

      // 102's page: 101 (whom 102 invited) as 102's inviter is a cycle, refused with the reason.
      await page.fill('[data-field="q"] input', '102');
      await page.click('[data-action="search-distributors"]');
      await page.locator('[data-table="distributors"] [data-distributor="102"]').first().click();
      await detail.locator('[data-role="distributor-name"]').waitFor();
      await page.waitForFunction(() => /周推广/.test(document.querySelector('[data-role="distributor-name"]').textContent));
      await detail.locator('[data-action="set-inviter"]').click();
      const inv = dialog(page, 'inviter');
      await inv.waitFor({ state: 'visible' });
      await inv.locator('[data-field="inviter_id"] input').fill('101');
      await inv.locator('[data-action="confirm-inviter"]').click();
      await page.waitForFunction(() => {
        const e = document.querySelector('[data-dialog="inviter"] [data-field="inviter_id"] .el-form-item__error, [data-dialog="inviter"] [data-role="inviter-error"]');
        return e && /循环/.test(e.textContent);
      });
      const cycle = await page.locator('[data-dialog="inviter"] [data-field="inviter_id"] .el-form-item__error, [data-dialog="inviter"] [data-role="inviter-error"]').first().textContent();
      assert.match(cycle, /循环/);
      await shot(page, `${pre}-inviter-cycle`);
      await inv.locator('.el-dialog__footer button', { hasText: '取消' }).click();
      await closed(page, '.el-dialog[data-dialog="inviter"]');
      await page.locator('.order-drawer .el-drawer__close-btn').click();
      await closed(page, '.order-drawer');

      // 101's page: customer 201 rebound to 102 after the engine's preview.
      await page.fill('[data-field="q"] input', '王小明');
      await page.click('[data-action="search-distributors"]');
      await page.locator(`[data-table="distributors"] [data-distributor="101"]`).first().waitFor();
      await page.waitForFunction(() => [...document.querySelectorAll('[data-table="distributors"] [data-distributor]')].every((e) => e.getAttribute('data-distributor') === '101'));
      // (101 is in two programs: the demo program's row)
      const rows101 = page.locator('[data-table="distributors"] [data-distributor="101"]');
      const n101 = await rows101.count();
      // 101's page in the program he earns in without a hold: upgraded by himself after 202's paid order.
      let upgraded = false;
      for (let i = 0; i < n101 && !upgraded; i++) {
        await rows101.nth(i).click();
        await detail.locator('[data-role="distributor-name"]').waitFor();
        await page.waitForFunction(() => !document.querySelector('[data-role="distributor-detail"] .el-loading-mask'));
        if (await detail.locator('[data-customer="202"]').count()) {
          upgraded = true;
          await detail.locator('[data-table="grade-history"]').waitFor();
          assert.match(await detail.locator('[data-table="grade-history"]').innerText(), /普通推广员 → 明星推广员[\s\S]*达到升级条件，自动升级/);
          await shot(page, `${pre}-distributor-upgraded`);
        }
        await page.locator('.order-drawer .el-drawer__close-btn').click();
        await closed(page, '.order-drawer');
      }
      assert.ok(upgraded, "101's page in the program without a hold shows his automatic upgrade");
      let opened = false;
      for (let i = 0; i < n101 && !opened; i++) {
        await rows101.nth(i).click();
        await detail.locator('[data-role="distributor-name"]').waitFor();
        await page.waitForFunction(() => !document.querySelector('[data-role="distributor-detail"] .el-loading-mask'));
        if (await detail.locator('[data-customer="201"]').count()) opened = true;
        else { await page.locator('.order-drawer .el-drawer__close-btn').click(); await closed(page, '.order-drawer'); }
      }
      assert.ok(opened, 'the page of 101 in the demo program lists customer 201');
      assert.match(await detail.locator('[data-role="inviter"]').textContent(), /周推广/);
      await detail.locator('[data-rebind="201"]').click();
      const bind = dialog(page, 'bind');
      await bind.waitFor({ state: 'visible' });
      await bind.locator('[data-field="distributor_id"] input').fill('102');
      await bind.locator('[data-role="bind-decision"]').waitFor();
      const decisionText = await bind.locator('[data-role="bind-decision"]').textContent();
      assert.match(decisionText, /[\u4e00-\u9fff]/);
      assert.equal(await bind.locator('[data-action="confirm-bind"]').isDisabled(), false);
      await shot(page, `${pre}-rebind-preview`);
      const before = (await server.merchant('GET', `/api/merchant/programs/${PROGRAM}/customers/201`)).body;
      assert.equal(Number(before.bound_id), 101, 'the preview wrote nothing');
      await bind.locator('[data-action="confirm-bind"]').click();
      await closed(page, '.el-dialog[data-dialog="bind"]');
      const after = (await server.merchant('GET', `/api/merchant/programs/${PROGRAM}/customers/201`)).body;
      assert.equal(Number(after.bound_id), 102);
      await page.locator('.order-drawer .el-drawer__close-btn').click();
      await closed(page, '.order-drawer');

      // 分组管理: a name too long refused at the field, then created.
      await page.click('[data-action="groups"]');
      const groups = dialog(page, 'groups');
      await groups.waitFor({ state: 'visible' });
      await groups.locator('[data-field="name"] input').fill('很'.repeat(33));
      await groups.locator('[data-action="add-group"]').click();
      assert.equal(await fieldError(page, '[data-dialog="groups"]', 'name').textContent(), '分组名称最多 32 个字');
      await groups.locator('[data-field="name"] input').fill('杭州门店');
      await groups.locator('[data-action="add-group"]').click();
      await groups.locator('[data-group]', { hasText: '杭州门店' }).waitFor();
      await shot(page, `${pre}-groups`);
      await groups.locator('.el-dialog__footer button', { hasText: '关闭' }).click();
      await closed(page, '.el-dialog[data-dialog="groups"]');

      // 提现: the bank withdrawal with its payee masked; in full on 收款账户.
      await go(page, phone, 'withdrawals');
      const bankRow = page.locator(`[data-table="withdrawals"] [data-withdrawal="${ids.bank}"]`);
      await bankRow.waitFor();
      const bankText = await bankRow.innerText();
      assert.match(bankText, /王小明/);
      assert.match(bankText, /银行卡/);
      assert.match(bankText, /¥15\.00/);
      assert.match(bankText, /\*\*\*\* \*\*\*\* 5678/);
      assert.ok(!bankText.includes(CARD), 'masked in the list');
      await shot(page, `${pre}-withdrawals`);
      await bankRow.locator(`[data-payee="${ids.bank}"]`).click();
      const payee = dialog(page, 'payee');
      await payee.locator('[data-role="payee-account"]').waitFor();
      await page.waitForFunction((card) => (document.querySelector('[data-dialog="payee"] [data-role="payee-account"]') || {}).textContent === card, CARD);
      await shot(page, `${pre}-payee`);
      await payee.locator('.el-dialog__footer button', { hasText: '关闭' }).click();
      await closed(page, '.el-dialog[data-dialog="payee"]');
      // 通过 (double click: once), then the payout file.
      await bankRow.locator(`[data-approve="${ids.bank}"]`).dblclick();
      await page.waitForFunction((id) => /待打款/.test(document.querySelector(`[data-withdrawal="${id}"] [data-role="status"]`).textContent), ids.bank);
      const xlsx = await download(page, page.locator('[data-download="payout-file"] [data-format="xlsx"]'));
      assert.match(xlsx.name, /\.xlsx$/);
      const rows = await sheetRows(xlsx.data);
      assert.equal(rows.length, 2, JSON.stringify(rows));
      assert.deepEqual(rows[0].slice(0, 5), ['收款人', '账号', '开户行', '金额（元）', '参考号']);
      assert.deepEqual(rows[1].slice(0, 4).map(String), ['王小明', CARD, '招商银行杭州分行', '15.00']);
      const csv = await download(page, page.locator('[data-download="payout-file"] [data-format="csv"]'));
      assert.equal(csv.data.slice(0, 3).toString('hex'), 'efbbbf', 'UTF-8 with BOM');
      assert.match(csv.data.toString('utf8'), new RegExp(CARD));
      // 确认已打款 with the bank's reference.
      await bankRow.locator(`[data-confirm="${ids.bank}"]`).click();
      const conf = dialog(page, 'confirm-payout');
      await conf.waitFor({ state: 'visible' });
      await conf.locator('[data-field="reference"] input').fill('CMB20261204001');
      await conf.locator('[data-action="confirm-prompt"]').click();
      await closed(page, '.el-dialog[data-dialog="confirm-payout"]');
      await page.waitForFunction((id) => /已打款/.test(document.querySelector(`[data-withdrawal="${id}"] [data-role="status"]`).textContent), ids.bank);
      assert.equal((await bankRow.locator('[data-role="payout-ref"]').textContent()).trim(), 'CMB20261204001');
      // The Alipay one rejected with a reason: the money returns, the distributor reads why.
      const aliRow = page.locator(`[data-table="withdrawals"] [data-withdrawal="${ids.alipay}"]`);
      await aliRow.locator(`[data-reject="${ids.alipay}"]`).click();
      const wr = dialog(page, 'reject-withdrawal');
      await wr.waitFor({ state: 'visible' });
      await wr.locator('[data-field="reason"] textarea').fill('支付宝账号与实名不符');
      await wr.locator('[data-action="confirm-prompt"]').click();
      await closed(page, '.el-dialog[data-dialog="reject-withdrawal"]');
      await page.waitForFunction((id) => /已驳回/.test(document.querySelector(`[data-withdrawal="${id}"] [data-role="status"]`).textContent), ids.alipay);
      const mine = (await server.user(101, 'GET', '/api/me/withdrawals')).body;
      assert.match(JSON.stringify(mine), /支付宝账号与实名不符/);
      await shot(page, `${pre}-withdrawals-done`);
      // 打款说明.
      await page.fill('[data-field="payout_note"] textarea', '每周三统一打款，到账时间以银行为准');
      await page.click('[data-action="save-note"]');
      await page.locator('.el-message--success', { hasText: '打款说明已保存' }).waitFor();
      const wset = (await server.merchant('GET', '/api/merchant/settings/withdrawal')).body;
      assert.equal(wset.payout_note, '每周三统一打款，到账时间以银行为准');
      assert.equal((await server.user(101, 'GET', '/api/me/withdrawals')).body.payout_note, '每周三统一打款，到账时间以银行为准', 'the distributor reads it');

      // 数据: a date range; the chart drawn and the numbers beside it.
      await go(page, phone, 'stats');
      await page.locator('[data-role="sales"]').waitFor();
      if (!phone) {
        const inputs = page.locator('.stats [data-field="range"] input');
        await inputs.nth(0).fill(cstDay(6));
        await inputs.nth(1).fill(cstDay(0));
        await inputs.nth(1).press('Enter');
      } else {
        // A phone has two pickers: the start day picked in its panel (the last day of the month
        // it shows, the start's month: never after today).
        await page.locator('.stats [data-field="range"] .date-pair input').first().click();
        const day = page.locator('.el-date-table td.available:not(.next-month):not(.prev-month):visible').last();
        await day.waitFor();
        await day.click();
        await page.waitForFunction(() => !document.querySelector('.el-date-table td.available:not(.next-month)') || ![...document.querySelectorAll('.el-picker-panel')].some((p) => p.offsetParent));
      }
      await page.click('[data-action="load-stats"]');
      await page.waitForFunction(() => /¥/.test(document.querySelector('[data-role="sales"]').textContent)
        && document.querySelectorAll('[data-table="series"] .el-table__body tr').length >= 1);
      const series = await page.locator('[data-table="series"]').innerText();
      assert.match(series, new RegExp(cstDay(0)));
      assert.match(series, /¥/);
      assert.equal(await page.locator('[data-role="chart"] canvas').count() >= 1, true, 'the chart is drawn');
      const canvas = await page.locator('[data-role="chart"] canvas').first().boundingBox();
      assert.ok(canvas.width > 200 && canvas.height > 150, JSON.stringify(canvas));
      assert.match(await page.locator('[data-role="sales"]').textContent(), /^¥[\d,]+\.\d\d$/);
      assert.match(await page.locator('[data-role="conversion"]').textContent(), /^\d+(\.\d+)?%$/);
      assert.match(await page.locator('[data-table="ranking"]').innerText(), /王小明/);
      await shot(page, `${pre}-stats`);
      await page.locator('[data-table="ranking"]').scrollIntoViewIfNeeded();
      await shot(page, `${pre}-stats-ranking`);
      // The same range by month: the month's row, and the totals do not depend on the series.
      const dailySales = await page.locator('[data-role="sales"]').textContent();
      await page.locator('.stats .el-radio-button', { hasText: '按月' }).click();
      await page.click('[data-action="load-stats"]');
      await page.waitForFunction(() => /月度趋势/.test(document.querySelector('.stats').innerText)
        && document.querySelectorAll('[data-table="series"] .el-table__body tr').length >= 1);
      await settled(page);
      const months = await page.locator('[data-table="series"]').innerText();
      assert.match(months, /月份/);
      assert.match(months, new RegExp(cstDay(0).slice(0, 7).replace('-', '\\D*')), months);
      assert.equal(await page.locator('[data-role="sales"]').textContent(), dailySales);
      await checkScreen(page, 'stats by month');
      await page.locator('[data-table="series"]').scrollIntoViewIfNeeded();
      await shot(page, `${pre}-stats-month`);
      // Exports: orders as .xlsx, commission lines as CSV.
      const orders = await download(page, page.locator('[data-download="orders"] [data-format="xlsx"]'));
      const orderRows = await sheetRows(orders.data);
      assert.equal(orderRows[0][0], '订单号');
      assert.ok(orderRows.length >= 3, `two orders at least: ${JSON.stringify(orderRows)}`);
      assert.ok(orderRows.some((r) => r.includes('198.00')), 'amounts in yuan');
      const lines = await download(page, page.locator('[data-download="commissions"] [data-format="csv"]'));
      const linesText = lines.data.toString('utf8').replace(/^\ufeff/, '');
      assert.match(linesText.split(/\r?\n/)[0], /佣金/);
      assert.match(linesText, /19\.80/);

      // 设置 › 分销设置: withdrawal settings refused at the field; attribution's switch times.
      await go(page, phone, 'settings');
      await page.click('.el-tabs__item:has-text("分销设置")');
      await page.locator('[data-form="application"]').waitFor();
      await page.waitForFunction(() => document.querySelector('[data-form="application"] [data-field="approval"] .is-checked'));
      await shot(page, `${pre}-settings-application`);
      await page.fill('[data-form="application"] [data-field="min_spent"] input', '１００');
      await page.click('[data-action="save-application"]');
      await page.locator('[data-form="application"] .field-error', { hasText: '半角' }).waitFor();
      await page.fill('[data-form="application"] [data-field="min_spent"] input', '100');
      await page.fill('[data-form="application"] [data-field="notice"] textarea', '成为推广员后，分享商品给好友，好友下单即得佣金。');
      await page.click('[data-action="save-application"]');
      await page.locator('.el-message--success', { hasText: '申请设置已保存' }).waitFor();
      const app = (await server.merchant('GET', '/api/merchant/settings/application')).body;
      assert.deepEqual([app.approval, app.conditions.min_spent_fen, app.notice], ['manual', 10000, '成为推广员后，分享商品给好友，好友下单即得佣金。']);
      // 商品: the price typed in yuan (full-width refused), who sees 赚.
      await page.click('[data-section="products"]');
      await page.locator('[data-table="products"] [data-product="cup"]').waitFor();
      await page.click('[data-edit-product="cup"]');
      const prod = dialog(page, 'product');
      await prod.waitFor({ state: 'visible' });
      assert.match(await prod.locator('[data-field="price"] input').inputValue(), /^39(\.00)?$/);
      await prod.locator('[data-field="price"] input').fill('４５');
      await prod.locator('[data-action="save-product"]').click();
      assert.match(await fieldError(page, '[data-dialog="product"]', 'price').textContent(), /半角/);
      await prod.locator('[data-field="price"] input').fill('45.5');
      await prod.locator('[data-field="show_commission"] label', { hasText: '仅推广员' }).click();
      await prod.locator('[data-action="save-product"]').click();
      await closed(page, '.el-dialog[data-dialog="product"]');
      await page.waitForFunction(() => /¥45\.50/.test(document.querySelector('[data-product="cup"]').innerText) && /仅推广员/.test(document.querySelector('[data-product="cup"]').innerText));
      await shot(page, `${pre}-settings-products`);
      // 标签 and 推广海报.
      await page.click('[data-section="tags"]');
      await page.fill('[data-form="tags"] [data-field="user_id"] input', '201');
      await page.fill('[data-form="tags"] [data-field="tags"] input', 'vip，老客户');
      await page.click('[data-action="save-tags"]');
      await page.locator('[data-table="tags"] .tag-item', { hasText: '老客户' }).waitFor();
      await page.click('[data-section="poster"]');
      await page.fill('[data-form="poster"] [data-field="background_url"] input', 'ftp://x');
      await page.click('[data-action="save-poster"]');
      assert.match(await fieldError(page, '[data-form="poster"]', 'background_url').textContent(), /https:\/\//);
      await page.fill('[data-form="poster"] [data-field="background_url"] input', '/demo-logo.svg');
      await page.fill('[data-form="poster"] [data-field="copy"] textarea', '好茶推荐给你，扫码立享新人价');
      await page.click('[data-action="save-poster"]');
      await page.locator('.el-message--success', { hasText: '海报设置已保存' }).waitFor();
      assert.deepEqual((await server.merchant('GET', '/api/merchant/settings/poster')).body.poster, { background_url: '/demo-logo.svg', copy: '好茶推荐给你，扫码立享新人价' });
      await shot(page, `${pre}-settings-poster`);
      await page.click('[data-section="withdrawal"]');
      const wform = page.locator('[data-form="withdrawal"]');
      await wform.locator('[data-field="min"] input').waitFor();
      await page.waitForFunction(() => document.querySelector('[data-form="withdrawal"] [data-field="min"] input').value !== '');
      await wform.locator('[data-field="fee_rate"] input').fill('６');
      await wform.locator('[data-action="save-withdrawal"]').click();
      assert.match(await fieldError(page, '[data-form="withdrawal"]', 'fee_rate').textContent(), /半角/);
      await wform.locator('[data-field="fee_rate"] input').fill('1');
      await wform.locator('[data-field="min"] input').fill('500');
      await wform.locator('[data-field="max"] input').fill('100');
      await wform.locator('[data-action="save-withdrawal"]').click();
      await page.waitForFunction(() => [...document.querySelectorAll('[data-form="withdrawal"] .el-form-item__error, [data-form="withdrawal"] [data-role="withdrawal-error"]')]
        .some((e) => /[\u4e00-\u9fff]/.test(e.textContent)));
      const refusedAt = (await page.locator('[data-form="withdrawal"] .el-form-item__error').allTextContents()).filter((x) => x.trim());
      const general = await page.locator('[data-form="withdrawal"] [data-role="withdrawal-error"]').allTextContents();
      assert.ok(refusedAt.length >= 1 && refusedAt.every((s) => /[\u4e00-\u9fff]/.test(s)), `the engine's refusal at a field: ${refusedAt} / ${general}`);
      assert.match(await fieldError(page, '[data-form="withdrawal"]', 'min').textContent(), /最低金额不能高于最高金额/);
      await shot(page, `${pre}-settings-withdrawal`);
      await page.click('[data-section="attribution"]');
      await page.locator('[data-role="switch-text"]').waitFor();
      assert.match(await page.locator('[data-role="switch-text"]').textContent(), /将于 \d+月\d+日 05:00 生效/);
      await shot(page, `${pre}-settings-attribution`);

      // An operator sees no 提现 actions.
      // 运营: 提现 is not theirs (the screen says who may), nor saving 提现设置; the server still
      // decides, in the role's words.
      const staff = await server.merchant('POST', '/api/merchant/staff', { login: 'yunying1', name: '小运', role: 'operator', password: 'operator-pass-1' });
      assert.equal(staff.status, 200, JSON.stringify(staff.body));
      await page.click('[data-action="logout"]');
      await page.waitForSelector('.login-card');
      await page.fill('input[name="login"]', 'yunying1');
      await page.fill('input[name="password"]', 'operator-pass-1');
      await page.click('[data-action="login"]');
      await page.waitForSelector('.shell');
      await go(page, phone, 'withdrawals');
      await page.locator('.withdrawals', { hasText: '提现审核需要“财务”或“店主”权限' }).waitFor();
      assert.equal(await page.locator('[data-approve], [data-table="withdrawals"]').count(), 0);
      const refused = await page.evaluate((id) => window.ConsoleApi.post(`/api/merchant/withdrawals/${id}/approve`, {}).then(() => 'done', (e) => e.message), ids.alipay);
      assert.equal(refused, '需要“财务”或“店主”权限');
      await go(page, phone, 'distributors');
      await page.locator('[data-table="distributors"] [data-distributor]').first().waitFor();
      assert.equal(await page.locator('[data-action="groups"]').count(), 1, '运营 manages groups');
      await go(page, phone, 'settings');
      await page.click('.el-tabs__item:has-text("分销设置")');
      await page.click('[data-section="withdrawal"]');
      await page.locator('[data-form="withdrawal"]', { hasText: '修改提现设置需要“财务”或“店主”权限' }).waitFor();
      assert.equal(await page.locator('[data-action="save-withdrawal"]').count(), 0);
      await shot(page, `${pre}-operator-settings`);
      assert.deepEqual(errors, []);
      await ctx.close();
    });
  }
}
