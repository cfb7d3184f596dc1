// The merchant console (web/public/console/) in headless Chromium against the real server, at
// 1280×800 and at 390×844: sign-in (a wrong password first: the Chinese error at the field), the
// program list with the demo campaign, 增减库存 with its preview (refusals at the field), the
// end preview, orders placed and paid by buyers through the API in 订单 (filter, detail with its
// commission lines and why, bulk 确认收货), a partial refund through the dialog with the claw-back
// preview, 充值 clicked twice tops up once and the statement shows it, API keys shown once, 退出登录.
// On every screen: nothing wider than the viewport, no "undefined", NaN or raw error code.
// Screenshots in build/screenshots/console-*.png.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { startServer, launch, watch, SHOTS, DATABASES } = require('./pages-harness');

const CAMPAIGN = 1001; // the demo campaign: 新品茶礼 · 分享赚佣金, ¥9.90 per unit, stock 200
const PROGRAM = 2001; // the demo distribution program: 10 % / 5 %, proportional claw-back
const OWNER = { login: 'demo', password: 'demo-owner-2026' };
const VIEWPORTS = [
  { name: 'desktop', options: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'UTC' } },
  { name: 'phone', options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'UTC' } },
];
const BAD_TEXT = /undefined|NaN|null|E_[A-Z_]{2,}|\[object/;

// Buyers through the API: 202 comes through 101's campaign link and buys one unit; in the
// distribution program 102 invites 101, and customer 201 comes through 101's link and buys.
async function seedOrders(server) {
  const ok = (r) => { assert.equal(r.status, 200, JSON.stringify(r.body)); return r.body; };
  const pageUrl = `${server.base}/activity.html`;
  const join = async (who, via, program) => {
    const link = ok(await server.user(via, 'POST', '/api/share/link', { program_id: program, page_url: pageUrl }));
    ok(await server.user(who, 'POST', '/api/share/open', { program_id: program, url: link.url }));
  };
  ok(await server.user(102, 'POST', '/api/me/apply', { program_id: PROGRAM }));
  await join(101, 102, PROGRAM);
  ok(await server.user(101, 'POST', '/api/me/apply', { program_id: PROGRAM }));
  await join(201, 101, PROGRAM);
  const d = ok(await server.user(201, 'POST', '/api/orders', { program_id: PROGRAM, idem_key: 'd1', items: [{ product_id: 'tea-250', units: 1 }] })).order;
  assert.equal(ok(await server.user(201, 'POST', `/api/orders/${d.order_id}/pay`, { outcome: 'succeed' })).status, 'paid');
  await join(202, 101, CAMPAIGN);
  const c = ok(await server.user(202, 'POST', '/api/orders', { program_id: CAMPAIGN, idem_key: 'c1', units: 1 })).order;
  assert.equal(ok(await server.user(202, 'POST', `/api/orders/${c.order_id}/pay`, { outcome: 'succeed' })).status, 'paid');
  // More orders than one page of 订单 (20): placed, not paid, in the distribution program.
  for (let i = 0; i < 20; i++) {
    ok(await server.user(300 + i, 'POST', '/api/orders', { program_id: PROGRAM, idem_key: `p${i}`, items: [{ product_id: 'cup', units: 1 }] }));
  }
  return { distribution: Number(d.order_id), campaign: Number(c.order_id) };
}

// What every screen must hold: nothing wider than the screen, no broken text.
async function checkScreen(page, where) {
  const fit = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth,
    body: document.body.scrollWidth }));
  assert.ok(fit.scroll <= fit.width && fit.body <= fit.width, `${where}: wider than the screen ${JSON.stringify(fit)}`);
  const text = await page.evaluate(() => document.body.innerText);
  const bad = text.match(BAD_TEXT);
  assert.equal(bad, null, `${where}: "${bad && text.slice(Math.max(0, bad.index - 60), bad.index + 60)}"`);
}

// Dialogs, drawers and menus fade in and out: the picture is taken once nothing moves.
// (Success toasts are closed first: they float over the header by design and would hide it.)
async function settled(page) {
  await page.evaluate(() => window.ElementPlus && window.ElementPlus.ElMessage.closeAll());
  await page.waitForFunction(() => document.getAnimations()
    .filter((a) => a.effect && a.effect.getTiming().iterations !== Infinity)
    .every((a) => a.playState !== 'running'), null, { timeout: 5000 }).catch(() => {});
}

async function shot(page, name, where) {
  await settled(page);
  await checkScreen(page, where || name);
  await page.screenshot({ path: path.join(SHOTS, `console-${name}.png`) });
}

const fieldError = (page, scope, field) => page.locator(`${scope} [data-field="${field}"] .el-form-item__error`);
// A row of a list: a table row at 1280, a card on the phone.
const ROWS = (table) => `[data-table="${table}"] .el-table__body tr, [data-table="${table}"] [data-card]`;
const dialog = (page, name) => page.locator(`.el-dialog[data-dialog="${name}"]`);

// Element Plus animates dialogs and drawers in and out; wait until one is gone.
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

// On a phone the order filters are folded away behind 筛选.
async function openFilters(page) {
  const toggle = page.locator('[data-action="toggle-filters"]');
  if (await toggle.count() && !(await page.locator('.filters').isVisible())) await toggle.click();
}

async function moreAction(page, programId, op) {
  await page.click(`[data-more="${programId}"]`);
  const item = page.locator(`[data-op="${op}-${programId}"]`);
  await item.waitFor({ state: 'visible' });
  await item.click();
}

// The console's words and parsing, without a browser: every code the server can answer has a
// Chinese sentence (a new code without one fails here), typed yuan become integer fen by digits.
test('console labels and amount parsing', () => {
  const fs = require('fs');
  const vm = require('vm');
  const root = path.join(__dirname, '..', '..');
  const window = { ShareEngine: require(path.join(root, 'build', 'wasm', 'dist', 'engine.js')), Vue: { reactive: (o) => o } };
  window.window = window;
  vm.createContext(window);
  for (const f of ['labels.js', 'api.js']) vm.runInContext(fs.readFileSync(path.join(root, 'web', 'public', 'console', f), 'utf8'), window);
  const L = window.ConsoleLabels;
  const api = window.ConsoleApi;
  const codes = new Set();
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const f = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== 'public' && e.name !== 'data' && e.name !== 'db') walk(f);
      else if (e.isFile() && f.endsWith('.js')) for (const m of fs.readFileSync(f, 'utf8').matchAll(/'(E_[A-Z_]+)'/g)) codes.add(m[1]);
    }
  };
  walk(path.join(root, 'web'));
  assert.ok(codes.size > 30, `codes found: ${codes.size}`);
  const missing = [...codes].filter((c) => L.messageOf({ code: c, path: '', message: 'english' }) === L.GENERIC);
  assert.deepEqual(missing, [], 'codes the server answers without a Chinese sentence in console/labels.js');
  for (const c of codes) assert.match(L.messageOf({ code: c, path: '', message: 'english' }), /[\u4e00-\u9fff]/, c);
  assert.equal(L.messageOf({ code: 'E_ROLE', roles: ['owner', 'finance'] }), '需要“财务”或“店主”权限');
  assert.equal(L.messageOf({ code: 'E_NEW_THING', message: 'English only' }), L.GENERIC);
  const plain = (x) => JSON.parse(JSON.stringify(x)); // out of the vm's realm
  assert.deepEqual(plain(L.split({ errors: [{ code: 'E_REFUND_EXCEEDS', path: 'amount_fen' }, { code: 'E_BUSY', path: '' }] }, ['amount'], { amount_fen: 'amount' })),
    { fields: { amount: '退款金额超过该商品可退金额' }, general: '操作的人太多了，请稍后再试' });

  const fen = (t) => api.parseYuan(t).fen;
  assert.deepEqual(['9.9', '9.90', '10', '0.01', ' 12.5 ', '¥3.30', '90071992547409.91'].map(fen), [990, 990, 1000, 1, 1250, 330, 9007199254740991]);
  assert.equal(fen('0.1') + fen('0.2'), 30); // no floating point anywhere
  for (const [t, words] of [['１０', /半角/], ['10。5', /半角/], ['10.123', /两位小数/], ['-5', /负数/], ['abc', /正确的金额/], ['', /请输入/],
    ['0', /大于 0/], ['90071992547409.92', /过大/]]) {
    assert.match(api.parseYuan(t).error, words, t);
  }
  assert.deepEqual(['20', '+20', '-5'].map((t) => api.parseCount(t, { signed: true }).value), [20, 20, -5]);
  assert.match(api.parseCount('２０', { signed: true }).error, /半角/);
  assert.match(api.parseCount('1.5', { signed: true }).error, /整数/);
  assert.equal(api.text({ paid_fen: 9900, paid_text: '¥99.00', paid_ms: 1, paid_at_text: '12月5日 08:00' }, 'paid_ms'), '12月5日 08:00');
  assert.equal(api.text({ paid_fen: 9900, paid_text: '¥99.00' }, 'paid_fen'), '¥99.00');
  assert.equal(api.text({ amount_fen: 9900 }, 'amount_fen'), '—', 'no text from the server: a dash, never formatted here');
});

for (const db of DATABASES) {
  for (const vp of VIEWPORTS) {
    test(`console at ${vp.options.viewport.width}×${vp.options.viewport.height} (${db}): sign in, programs, orders, refund, money, settings`, { timeout: 300000 }, async (t) => {
      const phone = vp.name === 'phone';
      const server = await startServer({ db });
      const ui = await launch();
      const errors = [];
      t.after(async () => { await ui.close(); await server.stop(); });
      const orders = await seedOrders(server);

      const ctx = await ui.browser.newContext(vp.options);
      const page = watch(await ctx.newPage(), errors);
      await page.goto(`${server.base}/console/index.html`);
      await page.waitForSelector('.login-card');
      const pre = `console-${vp.name}`;

      // 登录: empty fields are asked for at the field; a wrong password and an unknown login read the same.
      await page.click('[data-action="login"]');
      assert.equal(await fieldError(page, '.login-card', 'login').textContent(), '请输入登录名');
      await page.fill('input[name="login"]', OWNER.login);
      await page.fill('input[name="password"]', 'not-the-password');
      await page.click('[data-action="login"]');
      await fieldError(page, '.login-card', 'password').waitFor();
      const wrong = await fieldError(page, '.login-card', 'password').textContent();
      assert.equal(wrong, '登录名或密码不正确');
      await page.fill('input[name="login"]', 'nobody-here');
      await page.fill('input[name="password"]', 'not-the-password');
      await page.click('[data-action="login"]');
      await page.waitForFunction(() => !document.querySelector('[data-action="login"]').classList.contains('is-loading'));
      await fieldError(page, '.login-card', 'password').waitFor();
      assert.equal(await fieldError(page, '.login-card', 'password').textContent(), wrong, 'an unknown login reads as a wrong password');
      await shot(page, `${vp.name}-login-error`);
      // Past 10 tries a minute for one name the server says to wait (429), in words.
      for (let i = 0; i < 12; i++) {
        await page.click('[data-action="login"]');
        await page.waitForFunction(() => !document.querySelector('[data-action="login"]').classList.contains('is-loading'));
        if (await page.locator('[data-role="login-error"]').count()) break;
      }
      assert.match(await page.locator('[data-role="login-error"]').innerText(), /^登录尝试次数过多，请 \d+ 秒后再试$/);
      await page.fill('input[name="login"]', OWNER.login);
      await page.fill('input[name="password"]', OWNER.password);
      await page.click('[data-action="login"]');

      // Shell: merchant, staff name and role in Chinese.
      await page.waitForSelector('.shell');
      assert.equal((await page.textContent('[data-role="merchant"]')).trim(), '龙井茶庄');
      assert.equal((await page.textContent('[data-role="role"]')).trim(), '店主');
      if (phone) assert.equal(await page.locator('.side').count(), 0, 'on a phone the menu is a drawer');

      // 活动与方案: the demo campaign with its figures as the server's texts.
      const campaignRow = page.locator(ROWS('programs'), { has: page.locator(`[data-program="${CAMPAIGN}"]`) });
      await campaignRow.first().waitFor();
      const rowText = await campaignRow.first().innerText();
      assert.match(rowText, /新品茶礼 · 分享赚佣金/);
      assert.match(rowText, /进行中/);
      assert.match(rowText, /¥1,970\.10|¥1970\.10/, `frozen budget after one unit paid to a sharer: ${rowText}`);
      assert.match(rowText, /¥9\.90/, 'commission paid');
      await shot(page, `${vp.name}-programs`);
      // Search by title and filter by status.
      await page.fill('.toolbar .search input', '不存在的活动');
      await page.click('[data-action="search"]');
      await page.waitForSelector('[data-table="programs"] .el-table__empty-text, [data-table="programs"] .empty');
      await page.fill('.toolbar .search input', '新品茶礼');
      await page.click('[data-action="search"]');
      await campaignRow.first().waitFor();
      assert.equal(await page.locator(`[data-table="programs"] [data-program="${PROGRAM}"]`).count(), 0, 'the search finds by title');
      await page.fill('.toolbar .search input', '');
      await page.click('[data-action="search"]');
      await page.locator(`[data-table="programs"] [data-program="${PROGRAM}"]`).first().waitFor();

      // 复制为新草稿: a draft titled "（副本）"; 新建 and 编辑 open the editor page.
      await moreAction(page, CAMPAIGN, 'copy');
      const copyRow = page.locator(ROWS('programs'), { hasText: '新品茶礼 · 分享赚佣金（副本）' });
      await copyRow.first().waitFor();
      assert.match(await copyRow.first().innerText(), /草稿/);
      const copyId = Number(await copyRow.first().locator('[data-program]').getAttribute('data-program'));
      await moreAction(page, copyId, 'password');
      const pw = dialog(page, 'password');
      await pw.waitFor({ state: 'visible' });
      await pw.locator('[data-action="confirm-password"]').click();
      assert.equal(await fieldError(page, '[data-dialog="password"]', 'password').textContent(), '请输入活动密码');
      await pw.locator('[data-field="password"] input').fill('tea-2026');
      await pw.locator('[data-action="confirm-password"]').click();
      await closed(page, '.el-dialog[data-dialog="password"]');
      await page.waitForFunction(([id, rows]) => {
        const row = [...document.querySelectorAll(rows)].find((tr) => tr.querySelector(`[data-program="${id}"]`));
        return row && /已设密码/.test(row.innerText);
      }, [copyId, ROWS('programs')]);
      // (The editor is its own page with its own test: here it only has to be opened.)
      await page.route('**/editor.html?*', (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>编辑器</title><p>编辑器</p>' }));
      await page.click('[data-action="create"]');
      await page.locator('[data-create="distribution"]').click();
      await page.waitForURL(/\/editor\.html\?kind=distribution$/);
      await page.goBack();
      await page.locator(`[data-edit="${CAMPAIGN}"]`).first().click();
      await page.waitForURL(new RegExp(`/editor\\.html\\?id=${CAMPAIGN}$`));
      await page.goBack();
      await campaignRow.first().waitFor();

      // 增减库存: the preview for the typed change; refusals at the field.
      await moreAction(page, CAMPAIGN, 'stock');
      const stock = dialog(page, 'stock');
      await stock.waitFor({ state: 'visible' });
      assert.match(await stock.locator('[data-role="stock-now"]').textContent(), /^199$/);
      await stock.locator('[data-field="delta"] input').fill('２０');
      await fieldError(page, '[data-dialog="stock"]', 'delta').waitFor();
      assert.match(await fieldError(page, '[data-dialog="stock"]', 'delta').textContent(), /半角/);
      await stock.locator('[data-field="delta"] input').fill('-500');
      await page.waitForFunction(() => /未售出的库存/.test((document.querySelector('[data-dialog="stock"] [data-field="delta"] .el-form-item__error') || {}).textContent || ''));
      assert.ok(await stock.locator('[data-action="confirm-stock"]').isDisabled(), 'a refused change cannot be confirmed');
      await stock.locator('[data-field="delta"] input').fill('20');
      await stock.locator('[data-role="frozen-change"]').waitFor();
      assert.equal((await stock.locator('[data-role="stock-after"]').textContent()).trim(), '219 件');
      assert.equal((await stock.locator('[data-role="frozen-change"]').textContent()).trim(), '¥198.00');
      assert.match(await stock.locator('[data-role="balance-after"]').textContent(), /^¥[\d,]+\.\d\d$/);
      await shot(page, `${vp.name}-stock-preview`);
      await stock.locator('[data-action="confirm-stock"]').click();
      await closed(page, '.el-dialog[data-dialog="stock"]');
      await page.waitForFunction(([id, rows]) => {
        const row = [...document.querySelectorAll(rows)].find((tr) => tr.querySelector(`[data-program="${id}"]`));
        return row && /219/.test(row.innerText) && /¥2,168\.10|¥2168\.10/.test(row.innerText);
      }, [CAMPAIGN, ROWS('programs')]);

      // 结束活动: the preview says what returns and what stays frozen for an order placed and not
      // yet paid (buyer 203's); cancelled first, then confirmed.
      const open = await server.user(203, 'POST', '/api/orders', { program_id: CAMPAIGN, idem_key: 'open1', units: 1 });
      assert.equal(open.status, 200, JSON.stringify(open.body));
      await moreAction(page, CAMPAIGN, 'end');
      const end = dialog(page, 'end');
      await end.locator('[data-role="returned"]').waitFor();
      assert.match(await end.locator('[data-role="returned"]').textContent(), /^¥2,158\.20$|^¥2158\.20$/);
      assert.equal((await end.locator('[data-role="held"]').textContent()).trim(), '¥9.90');
      assert.match(await end.locator('[data-role="held-note"]').textContent(), /还有 1 笔订单已下单未付款/);
      await shot(page, `${vp.name}-end-preview`);
      await end.locator('.el-dialog__footer button', { hasText: '取消' }).click();
      await closed(page, '.el-dialog[data-dialog="end"]');
      await moreAction(page, CAMPAIGN, 'end');
      await end.locator('[data-role="returned"]').waitFor();
      await end.locator('[data-action="confirm-end"]').dblclick();
      await closed(page, '.el-dialog[data-dialog="end"]');
      await page.waitForFunction(([id, rows]) => {
        const row = [...document.querySelectorAll(rows)].find((tr) => tr.querySelector(`[data-program="${id}"]`));
        return row && /已结束/.test(row.innerText) && /¥9\.90/.test(row.querySelector('[data-role="frozen"]').textContent);
      }, [CAMPAIGN, ROWS('programs')]);
      await page.click(`[data-more="${CAMPAIGN}"]`);
      await page.locator(`[data-op="copy-${CAMPAIGN}"]`).waitFor({ state: 'visible' });
      assert.equal(await page.locator(`[data-op="end-${CAMPAIGN}"]`).count(), 0, 'an ended campaign cannot end again');
      await page.keyboard.press('Escape');

      // 订单: both orders; filter by buyer; the detail of the distribution order.
      await go(page, phone, 'orders');
      // Newest first, 20 a page: the seeded orders are on the second page, after 加载更多.
      await page.locator('[data-table="orders"] [data-order]').first().waitFor();
      await shot(page, `${vp.name}-orders`);
      assert.equal(await page.locator('[data-table="orders"] [data-order]').count(), 20);
      assert.equal(await page.locator(`[data-table="orders"] [data-order="${orders.campaign}"]`).count(), 0);
      await page.click('[data-action="more-orders"]');
      await page.locator(`[data-table="orders"] [data-order="${orders.distribution}"]`).first().waitFor();
      await page.locator(`[data-table="orders"] [data-order="${orders.campaign}"]`).first().waitFor();
      assert.equal(await page.locator('[data-table="orders"] [data-order]').count(), 23);
      assert.match(await page.locator('.orders .more').innerText(), /已显示全部 23 笔订单/);
      await openFilters(page);
      await page.fill('[data-field="buyer_id"] input', '20x');
      await page.click('[data-action="search-orders"]');
      await fieldError(page, '.filters', 'buyer_id').waitFor();
      assert.match(await fieldError(page, '.filters', 'buyer_id').textContent(), /用户编号/);
      await page.fill('[data-field="buyer_id"] input', '201');
      await page.click('[data-action="search-orders"]');
      await page.waitForFunction((id) => !document.querySelector(`[data-table="orders"] [data-order="${id}"]`), orders.campaign);
      assert.equal(await page.locator(`[data-table="orders"] [data-order="${orders.distribution}"]`).count() > 0, true);
      await page.fill('[data-field="buyer_id"] input', '');
      await page.click('[data-action="search-orders"]');
      await page.waitForFunction(() => document.querySelectorAll('[data-table="orders"] [data-order]').length === 20);
      await page.click('[data-action="more-orders"]');
      await page.locator(`[data-table="orders"] [data-order="${orders.campaign}"]`).first().waitFor();

      await page.locator(`[data-detail="${orders.distribution}"]`).first().click();
      const detail = page.locator('[data-role="order-detail"]');
      await detail.locator('[data-table="lines"] [data-line]').first().waitFor();
      assert.equal(await detail.locator(ROWS('lines')).count(), 2, 'level 1 and level 2');
      const linesText = await detail.locator('[data-table="lines"]').innerText();
      assert.match(linesText, /¥9\.90/); // 10 % of ¥99.00
      assert.match(linesText, /¥4\.95/); // 5 %
      assert.match(linesText, /待结算/);
      assert.match(await detail.locator('[data-role="why"]').textContent(), /101/);
      await settled(page);
      await checkScreen(page, 'order detail');
      await page.screenshot({ path: path.join(SHOTS, `${pre}-order-detail.png`) });

      // 退款: amounts are typed as yuan text; the claw-back of each line before confirming.
      await detail.locator('[data-action="refund"]').click();
      const refund = dialog(page, 'refund');
      await refund.waitFor({ state: 'visible' });
      const amount = refund.locator('[data-field="amount"] input');
      await amount.fill('１０');
      await page.waitForFunction(() => /半角/.test((document.querySelector('[data-dialog="refund"] [data-field="amount"] .el-form-item__error') || {}).textContent || ''));
      await amount.fill('10.123');
      await page.waitForFunction(() => /两位小数/.test((document.querySelector('[data-dialog="refund"] [data-field="amount"] .el-form-item__error') || {}).textContent || ''));
      await amount.fill('100');
      await page.waitForFunction(() => /可退/.test((document.querySelector('[data-dialog="refund"] [data-field="amount"] .el-form-item__error') || {}).textContent || ''));
      assert.match(await fieldError(page, '[data-dialog="refund"]', 'amount').textContent(), /¥99\.00/);
      await amount.fill('10');
      await refund.locator('[data-table="clawback"] [data-role="clawback"]').first().waitFor();
      const claws = await refund.locator('[data-role="clawback"]').allTextContents();
      assert.deepEqual(claws.map((s) => s.trim()).sort(), ['¥0.50', '¥1.00']);
      assert.equal((await refund.locator('[data-role="refund-total"]').textContent()).trim(), '¥10.00');
      await shot(page, `${vp.name}-refund-preview`);
      await refund.locator('[data-action="confirm-refund"]').dblclick();
      await closed(page, '.el-dialog[data-dialog="refund"]');
      await detail.locator('[data-table="refunds"] [data-role="refund-amount"]').first().waitFor();
      assert.equal(await detail.locator('[data-table="refunds"] [data-role="refund-amount"]').count(), 1, 'a double click refunds once');
      assert.equal((await detail.locator('[data-role="order-refunded"]').textContent()).trim(), '¥10.00');
      assert.match(await detail.locator('[data-table="lines"]').innerText(), /¥1\.00/); // clawed so far
      // 发货: the status says so, and when the order confirms by itself.
      await detail.locator('[data-action="ship"]').click();
      await page.waitForFunction(() => /已发货/.test(document.querySelector('[data-role="order-status"]').textContent));
      assert.equal(await detail.locator('[data-action="ship"]').count(), 0);
      assert.match(await detail.locator('[data-role="complete-due"]').textContent(), /月\d+日 \d\d:\d\d/);
      await settled(page);
      await checkScreen(page, 'order detail after refund');
      await page.screenshot({ path: path.join(SHOTS, `${pre}-order-refunded.png`) });
      await page.locator('.order-drawer .el-drawer__close-btn').click();
      await closed(page, '.order-drawer');

      // 批量确认收货: the campaign order.
      await page.locator(`[data-select="${orders.campaign}"], [data-table="orders"] .el-table__body tr:has([data-order="${orders.campaign}"]) .el-checkbox`)
        .first().click();
      await page.click('[data-action="bulk-complete"]');
      await page.locator('[data-role="bulk-result"]').waitFor();
      assert.match(await page.locator('[data-role="bulk-result"]').innerText(), /已确认收货 1 笔/);
      await page.waitForFunction(([id, rows]) => {
        const row = [...document.querySelectorAll(rows)].find((tr) => tr.querySelector(`[data-order="${id}"]`));
        return row && /已完成/.test(row.innerText);
      }, [orders.campaign, ROWS('orders')]);
      await shot(page, `${vp.name}-orders-completed`);
      // The status filter: 已完成 is the campaign order alone.
      await page.click('.filters [data-field="status"]');
      await page.locator('.el-select-dropdown__item:visible', { hasText: '已完成' }).click();
      await page.click('[data-action="search-orders"]');
      await page.waitForFunction(() => document.querySelectorAll('[data-table="orders"] [data-order]').length === 1);
      assert.equal(await page.locator(`[data-table="orders"] [data-order="${orders.campaign}"]`).count(), 1);
      await page.click('.filters button:has-text("重置")');
      await page.waitForFunction(() => document.querySelectorAll('[data-table="orders"] [data-order]').length === 20);

      // 资金: 充值 clicked twice tops up once; the statement shows it.
      await go(page, phone, 'money');
      await page.waitForFunction(() => /¥/.test((document.querySelector('[data-role="balance-available"]') || {}).textContent || ''));
      await page.locator('[data-table="statement"] [data-entry]').first().waitFor();
      await page.click('[data-action="topup"]');
      const topup = dialog(page, 'topup');
      await topup.waitFor({ state: 'visible' });
      await topup.locator('[data-field="amount"] input').fill('５００');
      await topup.locator('[data-action="confirm-topup"]').click();
      assert.match(await fieldError(page, '[data-dialog="topup"]', 'amount').textContent(), /半角/);
      await topup.locator('[data-field="amount"] input').fill('500');
      // A token that is not the session's (signed in again in another tab): refused E_CSRF, nothing
      // written, the page takes the session's token and sends once more.
      await page.evaluate(() => { window.ConsoleApi.state.csrf = 'not-this-sessions-token'; });
      await topup.locator('[data-action="confirm-topup"]').dblclick();
      await closed(page, '.el-dialog[data-dialog="topup"]');
      // The newest entry first: a row of the table, or an entry of the phone's list.
      await page.waitForFunction(() => {
        const cell = document.querySelector('[data-table="statement"] [data-entry]');
        const first = cell && (cell.closest('tr') || cell);
        return first && /充值/.test(first.innerText) && /¥500\.00/.test(first.innerText);
      });
      const statement = await page.locator('[data-table="statement"]').innerText();
      assert.equal((statement.match(/¥500\.00/g) || []).length, 1, `one top-up of ¥500.00: ${statement}`);
      await shot(page, `${vp.name}-money`);

      // 设置: shop settings, staff, an API key shown once and listed by its prefix, then revoked.
      await go(page, phone, 'settings');
      await page.waitForSelector('[data-field="auto_complete_days"] input');
      assert.equal(await page.inputValue('[data-field="auto_complete_days"] input'), '7');
      await page.click('[data-field="auto_complete_days"] .el-input-number__increase');
      await page.click('[data-action="save-shop"]');
      await page.locator('.el-message--success', { hasText: '店铺设置已保存' }).waitFor();
      const shop = await server.merchant('GET', '/api/merchant/settings/shop');
      assert.equal(shop.body.settings.auto_complete_days, 8);
      await shot(page, `${vp.name}-settings`);
      await page.click('.el-tabs__item:has-text("员工")');
      await page.locator('[data-table="staff"] .el-table__body tr').first().waitFor();
      assert.match(await page.locator('[data-table="staff"]').innerText(), /demo/);
      await page.click('[data-action="add-staff"]');
      const staffDialog = dialog(page, 'staff');
      await staffDialog.waitFor({ state: 'visible' });
      await staffDialog.locator('[data-field="name"] input').fill('小财');
      await staffDialog.locator('[data-field="login"] input').fill('demo');
      await staffDialog.locator('label:has-text("财务")').click();
      await staffDialog.locator('[data-field="password"] input').fill('short');
      await staffDialog.locator('[data-action="confirm-staff"]').click();
      assert.equal(await fieldError(page, '[data-dialog="staff"]', 'password').textContent(), '密码至少 8 位');
      await staffDialog.locator('[data-field="password"] input').fill('finance-pass-1');
      await staffDialog.locator('[data-action="confirm-staff"]').click();
      await fieldError(page, '[data-dialog="staff"]', 'login').waitFor();
      assert.equal(await fieldError(page, '[data-dialog="staff"]', 'login').textContent(), '该登录名已被使用，请换一个');
      await staffDialog.locator('[data-field="login"] input').fill('finance1');
      await staffDialog.locator('[data-action="confirm-staff"]').click();
      await closed(page, '.el-dialog[data-dialog="staff"]');
      await page.waitForFunction(() => /小财[\s\S]*finance1[\s\S]*财务/.test(document.querySelector('[data-table="staff"]').innerText));
      await page.click('.el-tabs__item:has-text("API 密钥")');
      await page.click('[data-action="create-key"]');
      const keyDialog = dialog(page, 'key');
      await keyDialog.waitFor({ state: 'visible' });
      await keyDialog.locator('[data-action="confirm-key"]').click();
      assert.equal(await fieldError(page, '[data-dialog="key"]', 'label').textContent(), '请输入密钥名称');
      await keyDialog.locator('[data-field="label"] input').fill('ERP 对接');
      await keyDialog.locator('[data-action="confirm-key"]').click();
      const shown = dialog(page, 'shown-key');
      await shown.waitFor({ state: 'visible' });
      const key = await shown.locator('input[data-role="new-key"], [data-role="new-key"] input').inputValue();
      assert.ok(key.length >= 16, `a key is shown: ${key}`);
      await shot(page, `${vp.name}-api-key`);
      await shown.locator('.el-dialog__footer button', { hasText: '我已保存' }).click();
      await closed(page, '.el-dialog[data-dialog="shown-key"]');
      const prefix = (await page.locator('[data-table="keys"] [data-role="key-prefix"]').first().textContent()).replace('…', '');
      assert.ok(prefix.length >= 4 && key.startsWith(prefix), `listed by its prefix: ${prefix} of ${key}`);
      assert.equal(await page.evaluate((k) => document.body.innerText.includes(k), key), false, 'the key is not shown again');
      await page.locator('[data-table="keys"] [data-revoke]').first().click();
      await page.locator('.el-message-box__btns button', { hasText: '撤销' }).click();
      await page.waitForFunction(() => /已撤销/.test(document.querySelector('[data-table="keys"]').innerText));
      const apiKeyUse = await fetch(`${server.base}/api/merchant/balance`, { headers: { 'x-api-key': key } });
      assert.equal(apiKeyUse.status, 401, 'a revoked key no longer works');
      await checkScreen(page, 'settings after revoking');

      // A date filter's day is China time: 12月5日 starts at 16:00 UTC the day before.
      assert.equal(await page.evaluate(() => window.ConsoleApi.cstDayStart('2026-12-05')), Date.UTC(2026, 11, 4, 16));

      // The page never carries an API key; requests that write carry the CSRF token.
      const scripts = await page.evaluate(() => [...document.scripts].map((s) => s.src));
      for (const src of scripts.filter((s) => s.includes('/console/'))) {
        const body = await (await fetch(src)).text();
        assert.ok(!/demo-merchant-key|x-api-key/.test(body), `${src} carries no API key`);
      }

      // 退出登录: back to the sign-in; the session is gone.
      await page.click('[data-action="logout"]');
      await page.waitForSelector('.login-card');
      await page.reload();
      await page.waitForSelector('.login-card');

      // 财务 sees what the role may do: no 新建 or campaign operations, no 发货; 退款 and 充值 yes.
      // The server still decides: a call the page hides is refused in the role's words.
      await page.fill('input[name="login"]', 'finance1');
      await page.fill('input[name="password"]', 'finance-pass-1');
      await page.click('[data-action="login"]');
      await page.waitForSelector('.shell');
      assert.equal((await page.textContent('[data-role="role"]')).trim(), '财务');
      await go(page, phone, 'programs'); // the sign-in keeps the page's address (设置 here)
      await page.locator(ROWS('programs'), { has: page.locator(`[data-program="${CAMPAIGN}"]`) }).first().waitFor();
      assert.equal(await page.locator('[data-action="create"]').count(), 0);
      assert.equal(await page.locator('[data-more]').count(), 0);
      const refused = await page.evaluate((id) => window.ConsoleApi.post(`/api/merchant/programs/${id}/copy`, {}).then(() => 'done', (e) => e.message), CAMPAIGN);
      assert.equal(refused, '需要“运营”或“店主”权限');
      await go(page, phone, 'orders');
      await openFilters(page);
      await page.fill('[data-field="buyer_id"] input', '201');
      await page.click('[data-action="search-orders"]');
      await page.locator(`[data-detail="${orders.distribution}"]`).first().click();
      await page.locator('[data-role="order-detail"] [data-action="refund"]').waitFor();
      assert.equal(await page.locator('[data-role="order-detail"] [data-action="ship"]').count(), 0);
      assert.equal(await page.locator('[data-action="bulk-complete"]').count(), 0);
      await page.locator('.order-drawer .el-drawer__close-btn').click();
      await closed(page, '.order-drawer');
      await go(page, phone, 'settings');
      await page.waitForSelector('[data-field="auto_complete_days"] input');
      assert.equal(await page.locator('.el-tabs__item:has-text("员工")').count(), 0);
      await shot(page, `${vp.name}-finance-settings`);
      // A session that ends elsewhere (cookie gone): the next request brings the sign-in back.
      await ctx.clearCookies();
      await go(page, phone, 'money');
      await page.waitForSelector('.login-card');
      // The editor sends a signed-out merchant here with ?return=: signing in goes back there.
      await page.goto(`${server.base}/console/index.html?return=${encodeURIComponent(`/editor.html?id=${CAMPAIGN}`)}`);
      await page.fill('input[name="login"]', 'finance1');
      await page.fill('input[name="password"]', 'finance-pass-1');
      await page.click('[data-action="login"]');
      await page.waitForURL(new RegExp(`/editor\\.html\\?id=${CAMPAIGN}$`));
      assert.deepEqual(errors, []);
      await ctx.close();
    });
  }
}
