// The merchant editor in headless Chromium against the real server: for several distribution
// configs, what the editor previews (each beneficiary's commission, a refund's claw-back) is what
// the server then settles for the same order through real share links, applications and payment.
// Also: errors and warnings at their fields; the preview is one update per animation frame that
// changes only what changed and asks the engine only what changed (its speed is measured by
// scripts/bench-pages.sh, not here); the campaign's logo and footer buttons. And issue 12's
// editor: signed in with the console's session (cookie + CSRF, no key), ids from the server, the
// stock the preview shows is what publishing freezes, the campaign password, autosave, server
// errors at their fields, the real balance, the 数据看板, developer details, money typed in
// full-width, at 390×844 and 1280×800.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, launch, watch, SHOTS, DATABASES } = require('./pages-harness');
const { engine } = require('./engine-loader');

const LOGIN = { login: 'demo', password: 'demo-owner-2026' };
// Signs the browser context in as the demo owner: the cookie is the pages' too.
async function signIn(ctx, base) {
  const r = await ctx.request.post(`${base}/api/console/login`, { data: LOGIN });
  assert.equal(r.status(), 200, await r.text());
  return r.json();
}
// A page that accepts the browser's "leave this page?" (and records that it was asked).
function leaving(page) {
  const asked = [];
  page.on('dialog', (d) => { asked.push(d.type()); if (d.type() === 'beforeunload') d.accept(); else d.dismiss(); });
  return asked;
}
async function open(page, url) {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]');
}
// A new program of the kind, without a draft left from before.
async function fresh(page, base, kind) {
  await open(page, `${base}/editor.html?kind=${kind}`);
  if (await page.isVisible('#restored')) { await page.click('#discard'); await page.evaluate(() => window.editor.idle()); }
}
const published = (page) => page.waitForFunction(() => document.querySelector('#program-status').textContent.includes('已发布'));
// What a person reads on the page has no codes, English, undefined or NaN (closed details excluded).
async function readable(page, what) {
  const text = await page.evaluate(() => document.body.innerText);
  assert.doesNotMatch(text, /undefined|NaN|null|\bE_[A-Z_]+|\bW_[A-Z_]+|\[object/, `${what}: ${text}`);
  const english = (text.match(/[A-Za-z]{3,}/g) || []).filter((w) => !['LOGO', 'CSV', 'https', 'http', 'html'].includes(w));
  assert.deepEqual(english, [], `${what}: English words on the page`);
}

// Each config: editor field edits, the catalogue product, the sample order, a refund.
const CONFIGS = [
  { id: 2101, name: 'two levels 10 % / 5 %, cost protection', fields: {}, price: 9900, cost: 5000, units: 1,
    sample: { 's.units': '1', 's.paid': '99', 's.cost': '50', 's.refund': '49.5' }, refund: 4950 },
  { id: 2102, name: 'three levels, odd rates, half-up rounding, 3 units',
    fields: { depth: '3', 'rates_bp[0]': '12.35', 'rates_bp[1]': '7.77', 'rates_bp[2]': '3.33', rounding: 'half_up',
      // Thresholds beyond paid orders, and "all of them": what the merchant types is what the grade holds.
      'grades[1].thresholds.paid_orders': '', 'grades[1].thresholds.bound_customers': '3', 'grades[1].thresholds.deal_fen': '500',
      grade_upgrade: 'all' },
    thresholds: { bound_customers: 3, deal_fen: 50000 },
    price: 12345, cost: null, units: 3, sample: { 's.units': '3', 's.paid': '370.35', 's.cost': '', 's.refund': '100.01' }, refund: 10001 },
  { id: 2103, name: 'fixed per unit, the cost-price cap binds',
    fields: { mode: 'fixed', 'per_unit_fen[0]': '2.5', 'per_unit_fen[1]': '1.2' },
    price: 3900, cost: 3700, units: 2, sample: { 's.units': '2', 's.paid': '78', 's.cost': '37', 's.refund': '13' }, refund: 1300 },
];

// The preview follows an input in the next animation frame: wait for it before reading the page.
const idle = (page) => page.evaluate(() => window.editor.idle());
async function setField(page, key, value) {
  const sel = `[data-key="${key}"]`;
  const tag = await page.$eval(sel, (el) => el.tagName);
  if (tag === 'SELECT') await page.selectOption(sel, value);
  else await page.fill(sel, value);
  await idle(page);
}

for (const db of DATABASES) test(`${db}: the editor previews what the server settles, for several configs`, { timeout: 300000 }, async (t) => {
  const server = await startServer({ db });
  const ui = await launch();
  const e = await engine();
  const errors = [];
  t.after(async () => { await ui.close(); await server.stop(); });
  const ctx = await ui.phone();
  const me = await signIn(ctx, server.base);
  const page = watch(await ctx.newPage(), errors);
  const asked = leaving(page);
  await fresh(page, server.base, 'distribution');

  // Errors at the field, from the engine: three levels adding up to 60 % break the 50 % cap.
  await setField(page, 'depth', '3');
  await setField(page, 'rates_bp[0]', '30');
  await setField(page, 'rates_bp[1]', '20');
  await setField(page, 'rates_bp[2]', '10');
  assert.equal(await page.getAttribute('[data-path="rates_bp[0]"]', 'data-code'), 'E_RATE_SUM_CAP');
  assert.match(await page.textContent('[data-path="rates_bp[0]"] em'), /各级佣金比例之和不可大于 50%/);
  assert.equal(await page.getAttribute('body', 'data-valid'), 'false');
  await setField(page, 'rates_bp[0]', 'abc');
  assert.match(await page.textContent('[data-path="rates_bp[0]"] em'), /请输入百分比/);
  await ui.shot(page, 'editor-errors');
  // A warning for a platform limit: 35 % in all is above the 30 % profit-sharing ceiling; no hold days.
  await setField(page, 'rates_bp[0]', '5'); // 5 + 20 + 10 = 35 %
  await setField(page, 'hold_days', '0');
  assert.equal(await page.getAttribute('body', 'data-valid'), 'true');
  const warned = await page.$$eval('#warnings li', (li) => li.map((x) => x.dataset.code));
  assert.deepEqual(warned, ['W_PROFIT_SHARING_CAP', 'W_NO_HOLD']);
  assert.equal(await page.getAttribute('[data-path="hold_days"]', 'data-code'), 'W_NO_HOLD');
  assert.match(await page.textContent('#switch-preview'), /05:00 生效/);

  // Many inputs before a frame cost two previews (the first at once, the rest in the next frame),
  // and the page shows the last of them; an unchanged
  // program is not validated again; an amount that changes is patched into the same table row.
  const before = await page.evaluate(() => {
    const ed = window.editor;
    ed.calls = [];
    const call = ed.engine.call;
    ed.engine.call = function (name, request) { ed.calls.push(name); return call.call(this, name, request); };
    document.querySelector('tr[data-beneficiary="101"]')._kept = 'kept';
    ed.timings.length = 0;
    return document.querySelector('tr[data-beneficiary="101"] .amount').textContent;
  });
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve()))); // a frame since the last preview
  await page.evaluate(() => {
    const el = document.querySelector('[data-key="s.paid"]');
    for (const v of ['1', '12', '123', '1234']) { el.value = v; el.dispatchEvent(new Event('input', { bubbles: true })); }
  });
  await idle(page);
  const after = await page.evaluate(() => ({
    updates: window.editor.timings.length,
    calls: window.editor.calls.slice(),
    kept: document.querySelector('tr[data-beneficiary="101"]')._kept,
    amount: document.querySelector('tr[data-beneficiary="101"] .amount').textContent,
  }));
  assert.equal(after.updates, 2, 'four inputs in one task: one preview at once, one in the next frame');
  assert.equal(after.kept, 'kept', 'the row is patched, not rebuilt');
  assert.notEqual(after.amount, before);
  assert.equal(after.amount, e.previewGrades(await page.evaluate(() => window.editor.last.program),
    await page.evaluate(() => ({ order_id: 'x', buyer_id: 201, bound_distributor_id: 101,
      distributors: [{ id: 101, inviter_id: 102 }, { id: 102, inviter_id: 103 }, { id: 103 }], items: [{ product_id: 'sample', units: 1, paid_fen: 123400, unit_cost_fen: 5000 }] })))
    .grades[0].preview.items[0].lines[0].amount_text, 'the preview shows the last value (¥1234)');
  assert.ok(!after.calls.includes('validateProgram'), `the program did not change: ${after.calls}`);
  assert.ok(!after.calls.includes('previewModeSwitch'), `nor the switch: ${after.calls}`);
  assert.ok(after.calls.includes('previewGrades'));
  const formats = after.calls.filter((n) => n === 'formatMoney').length;
  assert.ok(formats >= 1 && formats <= after.updates, `at most one formatMoney per preview for every amount in the extras: ${after.calls}`);
  // A program field does ask again; a typed value the page cannot read is not also "required".
  await page.evaluate(() => { window.editor.calls.length = 0; });
  await setField(page, 'rates_bp[1]', '6');
  assert.ok((await page.evaluate(() => window.editor.calls)).includes('validateProgram'));
  await setField(page, 'rates_bp[1]', '6.x');
  assert.equal(await page.textContent('[data-path="rates_bp[1]"] em'), '请输入百分比，最多两位小数');
  await setField(page, 'rates_bp[1]', '20');
  await setField(page, 's.paid', '99');

  // Leaving with the edits above: asked first, and they are offered back on the next visit.
  await page.waitForTimeout(400); // autosave
  await open(page, `${server.base}/editor.html?kind=distribution`);
  assert.deepEqual(asked, ['beforeunload'], 'leaving with unsaved changes asks first');
  assert.equal(await page.isVisible('#restored'), true);
  assert.equal(await page.inputValue('[data-key="rates_bp[1]"]'), '20');
  assert.equal(await page.inputValue('[data-key="hold_days"]'), '0');
  await page.click('#discard');
  await page.evaluate(() => window.editor.idle());
  assert.equal(await page.inputValue('[data-key="hold_days"]'), '7', 'discarded: the defaults again');
  assert.equal(await page.isVisible('#restored'), false);

  // The shared chain for every program: 103 <- 102 <- 101, customer 201 bound to 101.
  for (const c of CONFIGS) {
    await t.test(c.name, async () => {
      await fresh(page, server.base, 'distribution');
      for (const [k, v] of Object.entries(c.fields)) await setField(page, k, v);
      for (const [k, v] of Object.entries(c.sample)) await setField(page, k, v);
      assert.equal(await page.getAttribute('body', 'data-valid'), 'true', await page.textContent('#form-errors'));
      const shown = await page.$$eval('.grade[data-grade="g1"] tr[data-beneficiary]', (rows) =>
        Object.fromEntries(rows.map((r) => [r.dataset.beneficiary, r.querySelector('.amount').textContent.trim()])));
      const claw = (await page.textContent('#refund-preview .money')).trim();
      await endShot(page, `editor-${c.id}`);
      await page.click('#publish');
      await published(page);
      // The server gave the id: shown read-only, in the address.
      c.id = await page.evaluate(() => window.editor.id);
      assert.ok(Number.isSafeInteger(c.id) && c.id > 2001, `assigned id ${c.id}`);
      assert.equal(await page.textContent('#program-id'), String(c.id));
      assert.equal(await page.$$eval('#program-id', (x) => x[0].tagName), 'B', 'not an input');
      assert.equal(new URL(page.url()).search, `?id=${c.id}`);
      assert.equal(await page.textContent('#save'), '保存修改');
      assert.equal(await page.isVisible('#publish'), false);
      if (c.thresholds) {
        const saved = (await server.merchant('GET', `/api/merchant/programs/${c.id}`)).body.program.config;
        assert.deepEqual([saved.grades[1].thresholds, saved.grade_upgrade], [c.thresholds, 'all']);
        for (const key of ['bound_customers', 'invited_distributors', 'paid_orders', 'paid_fen', 'deal_fen', 'completed_orders']) {
          assert.ok(await page.isVisible(`[data-key="grades[1].thresholds.${key}"]`), `grade 2 offers the ${key} threshold`);
        }
      }

      const product = `p${c.id}`;
      assert.equal((await server.merchant('PUT', `/api/merchant/products/${product}`,
        { name: '样品', price_fen: c.price, ...(c.cost === null ? {} : { cost_fen: c.cost }) })).status, 200);
      const pageUrl = `${server.base}/activity.html`;
      const join = async (who, via) => {
        if (via) {
          const link = await server.user(via, 'POST', '/api/share/link', { program_id: c.id, page_url: pageUrl });
          assert.equal(link.status, 200, JSON.stringify(link.body));
          const open = await server.user(who, 'POST', '/api/share/open', { program_id: c.id, url: link.body.url });
          assert.equal(open.body.attributed, true);
        }
        if (who !== 201) assert.equal((await server.user(who, 'POST', '/api/me/apply', { program_id: c.id })).body.distributor.status, 'approved');
      };
      await join(103);
      await join(102, 103);
      await join(101, 102);
      await join(201, 101);
      const order = await server.user(201, 'POST', '/api/orders', { program_id: c.id, idem_key: `o${c.id}`, items: [{ product_id: product, units: c.units }] });
      assert.equal(order.status, 200, JSON.stringify(order.body));
      const id = Number(order.body.order.order_id);
      assert.equal((await server.user(201, 'POST', `/api/orders/${id}/pay`, {})).body.status, 'paid');

      const settled = {};
      for (const who of [101, 102, 103]) {
        const lines = (await server.user(who, 'GET', '/api/me/commissions')).body.lines.filter((l) => Number(l.order_id) === id);
        for (const l of lines) settled[who] = e.formatMoney([Number(l.amount)]).texts[0];
      }
      assert.deepEqual(settled, shown, 'every beneficiary gets what the editor showed');

      const r = await server.merchant('POST', `/api/merchant/orders/${id}/refund`, { amount_fen: c.refund, idem_key: `r${c.id}` });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const level1 = (await server.user(101, 'GET', '/api/me/commissions')).body.lines.find((l) => Number(l.order_id) === id);
      assert.equal(e.formatMoney([Number(level1.clawed)]).texts[0], claw, 'the claw-back is what the editor previewed');
    });
  }

  await t.test('campaign logo and footer buttons: errors at the field, then safe on the page', async () => {
    // The page's own check of a URL it puts into src/href (the engine's rule, and no backslash).
    const act = watch(await ctx.newPage(), errors);
    await act.goto(`${server.base}/activity.html?id=1001&user=201`);
    await act.waitForSelector('body[data-ready="1"]');
    const urls = await act.evaluate(() => ['https://example.com/a.png', '/logo.png', 'javascript:alert(1)', '//evil.example/x', '/\\evil.example',
      'http://example.com/', 'https://', 'https://a b', '/a"b', '/a<b', 'data:image/png;base64,AAAA', `/${'a'.repeat(511)}`, `/${'a'.repeat(512)}`]
      .map((u) => window.activity.safeUrl(u) === u));
    assert.deepEqual(urls, [true, true, false, false, false, false, false, false, false, false, false, true, false]);
    // The demo campaign carries the demo logo (web/demo.js): it joins the page once loaded.
    await act.waitForSelector('#logo[data-logo="loaded"]');
    assert.equal(await act.$$eval('#logo img', (x) => x.length), 1);
    await act.close();

    assert.equal(await page.evaluate(() => window.editor.links), true, 'this engine build knows logo_url / footer_buttons');
    await fresh(page, server.base, 'campaign');
    await setField(page, 'title', '茶礼 · 链接');
    await setField(page, 'logo_url', 'javascript:alert(1)');
    assert.equal(await page.getAttribute('[data-path="logo_url"]', 'data-code'), 'E_URL');
    await page.click('[data-buttons="1"]');
    await page.click('[data-buttons="1"]');
    await idle(page);
    assert.equal(await page.$$eval('[data-key^="footer_buttons["]', (x) => x.length), 4);
    await setField(page, 'footer_buttons[0].url', 'http://example.com/');
    assert.equal(await page.getAttribute('[data-path="footer_buttons[0].text"]', 'data-code'), 'E_REQUIRED');
    assert.equal(await page.getAttribute('[data-path="footer_buttons[0].url"]', 'data-code'), 'E_URL');
    assert.equal(await page.getAttribute('[data-path="footer_buttons[1].url"]', 'data-code'), 'E_REQUIRED', 'a button needs a link');
    await setField(page, 'footer_buttons[0].text', '关注公众号领取优惠');
    assert.equal(await page.getAttribute('[data-path="footer_buttons[0].text"]', 'data-code'), 'E_TOO_LONG');
    assert.equal(await page.getAttribute('body', 'data-valid'), 'false');
    await ui.shot(page, 'editor-links-errors', { at: '[data-path="logo_url"]' });
    await setField(page, 'logo_url', '/demo-logo.svg');
    await setField(page, 'footer_buttons[0].text', '<i>官网');
    await setField(page, 'footer_buttons[0].url', 'https://example.com/');
    await setField(page, 'footer_buttons[1].text', '关注公众号');
    await setField(page, 'footer_buttons[1].url', '/index.html');
    assert.equal(await page.getAttribute('body', 'data-valid'), 'true', await page.textContent('#form-errors'));
    await page.click('#publish');
    await published(page);
    const linked = await page.evaluate(() => window.editor.id);

    // Opened again in the editor: the same fields, still valid.
    const again = watch(await ctx.newPage(), errors);
    await again.goto(`${server.base}/editor.html?id=${linked}`);
    await again.waitForSelector('body[data-ready="1"]');
    assert.deepEqual(await again.$$eval('[data-key="logo_url"], [data-key^="footer_buttons"]', (x) => x.map((i) => i.value)),
      ['/demo-logo.svg', '<i>官网', 'https://example.com/', '关注公众号', '/index.html']);
    assert.equal(await again.getAttribute('body', 'data-valid'), 'true', await again.textContent('#form-errors'));
    assert.match(await again.textContent('#program-status'), /已发布/);
    await again.close();

    const view = watch(await ctx.newPage(), errors);
    await view.goto(`${server.base}/activity.html?id=${linked}&user=201`);
    await view.waitForSelector('body[data-ready="1"]');
    await view.waitForSelector('#logo[data-logo="loaded"] img');
    if (await view.isVisible('#splash')) await view.click('#splash-skip');
    const links = await view.$$eval('#links a', (a) => a.map((x) => [x.textContent, x.getAttribute('href'), x.children.length]));
    assert.deepEqual(links, [['<i>官网', 'https://example.com/', 0], ['关注公众号', '/index.html', 0]], 'text as text, only the validated links');
    for (const sel of ['#buy-btn', '#share-btn', '#poster-btn']) assert.equal(await view.isVisible(sel), true, `${sel} stays`);
    const [linksBox, barBox] = [await view.$eval('#links', (x) => x.getBoundingClientRect().bottom), await view.$eval('#bar', (x) => x.getBoundingClientRect().top)];
    assert.ok(linksBox <= barBox + 1, 'the merchant buttons sit above the fixed bar');
    await ui.shot(view, 'activity-links');

    // A logo that fails to load leaves the title's first character, and no <img> at all.
    const list = await server.merchant('GET', '/api/merchant/programs');
    const config = list.body.programs.find((x) => Number(x.program_id) === linked).config;
    const put = await server.merchant('PUT', `/api/merchant/programs/${linked}`, { config: { ...config, logo_url: '/no-such-logo.png' } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    await view.reload();
    await view.waitForSelector('#logo[data-logo="failed"]');
    assert.equal(await view.$$eval('#logo img', (x) => x.length), 0);
    assert.equal(await view.textContent('#logo'), '茶');
    await view.close();
  });

  await t.test('activity: the password gate answers at the field, then lets the buyer in', async () => {
    const now = Date.now();
    const config = { kind: 'campaign', title: '密码活动', start_ms: now - 3600000, end_ms: now + 86400000, commission_per_unit_fen: 500,
      product: { name: '明前龙井', price_fen: 9900, stock: 10 }, password_protected: true };
    assert.equal((await server.merchant('POST', '/api/merchant/programs', { program_id: 3201, config })).status, 200);
    assert.equal((await server.merchant('PUT', '/api/merchant/programs/3201/password', { password: 'tea2024' })).status, 200);
    assert.equal((await server.merchant('POST', '/api/merchant/programs/3201/publish')).status, 200);
    const view = watch(await ctx.newPage(), errors);
    await view.goto(`${server.base}/activity.html?id=3201&user=202`);
    await view.waitForSelector('body[data-ready="1"]');
    assert.deepEqual(await view.$$eval('#reasons li', (l) => l.map((x) => x.dataset.code)), ['G_PASSWORD_REQUIRED']);
    await view.fill('#password', 'green');
    await view.click('#password-form button');
    await view.waitForFunction(() => document.querySelector('#password-error').textContent !== '');
    assert.equal(await view.textContent('#password-error'), '活动密码错误，还可尝试 4 次');
    await ui.shot(view, 'activity-password', { at: '#gates' });
    await view.fill('#password', 'tea2024');
    await view.click('#password-form button');
    await view.waitForFunction(() => !document.querySelector('#reasons li'));
    assert.equal(await view.isDisabled('#buy-btn'), false);
    await view.click('#buy-btn');
    await view.click('#place');
    await view.waitForSelector('#order-total');
    assert.equal((await view.textContent('#order-total')).trim(), '¥99.00', 'the server took the pass');
    await view.close();
  });

  // ---- Issue 12: the editor, fixed ----------------------------------------------------------------
  const programRow = async (id) => (await server.merchant('GET', '/api/merchant/programs')).body.programs.find((x) => Number(x.program_id) === id);
  const balance = async () => (await server.merchant('GET', '/api/merchant/balance')).body;
  const moneyText = (fen) => e.formatMoney([Number(fen)]).texts[0];
  // Click and wait until the save (and publish) has its answer.
  async function press(p, sel) {
    await p.click(sel);
    await p.waitForFunction(() => !window.editor.busy);
    await p.evaluate(() => window.editor.idle());
  }
  // Every request the editor page sends to the merchant API, to check how it signs in.
  const sent = [];
  page.on('request', (r) => { if (r.url().includes('/api/merchant/')) sent.push({ method: r.method(), url: r.url(), headers: r.headers() }); });
  let stockId = null;
  // The end of the page as the phone shows it (the harness's `at` scrolls an element to the top,
  // which the last screen cannot do): its fit checked at the top first.
  async function endShot(p, name) {
    await ui.shot(p, name);
    await p.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await p.screenshot({ path: require('path').join(SHOTS, `${name}.png`) });
  }

  await t.test('a new campaign: the id comes from the server; the stock and budget the preview shows are what publishing freezes; 保存修改', async () => {
    await fresh(page, server.base, 'campaign');
    assert.equal(await page.textContent('#program-id'), '保存后生成');
    assert.equal(await page.$$eval('input#program-id, .ed-id input', (x) => x.length), 0, 'no id to type');
    assert.equal(await page.textContent('#save'), '保存草稿');
    // The budget is previewed against the real red-packet balance, in the server's words or the engine's.
    const before = await balance();
    assert.equal((await page.textContent('#budget-preview .balance')).trim(), before.balance_text || moneyText(before.balance));
    assert.equal(await page.$$eval('[data-key="s.balance"]', (x) => x.length), 0, 'no typed sample balance');
    await setField(page, 'title', '库存测试 · 分享赚');
    await setField(page, 'product.stock', '50');
    await setField(page, 'commission_per_unit_fen', '5');
    assert.equal(await page.getAttribute('#budget-preview', 'data-frozen-fen'), '25000');
    await ui.shot(page, 'editor-new');
    await press(page, '#save');
    stockId = await page.evaluate(() => window.editor.id);
    assert.ok(Number.isSafeInteger(stockId) && stockId > 0, `the server assigned ${stockId}`);
    assert.equal(await page.textContent('#program-id'), String(stockId));
    assert.equal(new URL(page.url()).search, `?id=${stockId}`);
    assert.match(await page.textContent('#program-status'), /草稿/);
    assert.equal(Number((await programRow(stockId)).stock), 50);
    // The draft's stock changes: the preview says 80 units and ¥400.00, the save sends it, and
    // publishing freezes exactly that and sells 80.
    await setField(page, 'product.stock', '80');
    assert.equal(await page.textContent('#dirty'), '有未保存的修改');
    await press(page, '#save');
    assert.equal(await page.textContent('#dirty'), '');
    assert.equal(Number((await programRow(stockId)).stock), 80, 'PUT keeps the draft\'s stock');
    assert.equal(await page.getAttribute('#budget-preview', 'data-stock'), '80');
    assert.equal((await page.textContent('#budget-preview .stock')).trim(), '80');
    const shownFen = Number(await page.getAttribute('#budget-preview', 'data-frozen-fen'));
    const shownText = (await page.textContent('#budget-preview .money')).trim();
    assert.equal(shownText, '¥400.00');
    await endShot(page, 'editor-budget');
    await press(page, '#publish');
    await published(page);
    const after = await balance();
    assert.equal(after.frozen - before.frozen, shownFen, 'the preview\'s figure is what the server froze');
    assert.equal(moneyText(after.frozen - before.frozen), shownText);
    const row = await programRow(stockId);
    assert.equal(row.status, 'published');
    assert.equal(Number(row.stock), 80, 'and the stock it sells');
    // Every field the preview was computed from is the config the server published.
    assert.deepEqual(row.config, await page.evaluate(() => window.editor.last.program));
    // Live: 保存修改, no publish, the budget's fields locked, the balance the server has now.
    assert.equal(await page.textContent('#save'), '保存修改');
    assert.equal(await page.isVisible('#publish'), false);
    assert.equal(await page.isDisabled('[data-key="product.stock"]'), true);
    assert.equal(await page.isDisabled('[data-key="commission_per_unit_fen"]'), true);
    assert.equal((await page.textContent('#budget-preview .balance')).trim(), after.balance_text || moneyText(after.balance));
    await setField(page, 'title', '库存测试 · 已上线');
    await press(page, '#save');
    assert.equal((await programRow(stockId)).config.title, '库存测试 · 已上线');
    assert.match(await page.textContent('#program-status'), /已发布/);
    await ui.shot(page, 'editor-live');
    await readable(page, 'live campaign');

    // A server error lands at the field its path names (config.product.stock), not only in a toast:
    // the page's lock forced open, the server refuses the change.
    await page.$eval('[data-key="product.stock"]', (el) => { el.disabled = false; });
    await setField(page, 'product.stock', '90');
    await press(page, '#save');
    assert.equal(await page.getAttribute('[data-path="product.stock"]', 'data-code'), 'E_LOCKED_FIELD');
    assert.equal(await page.textContent('[data-path="product.stock"] em'), '活动发布后不能修改此项');
    assert.equal(await page.textContent('#form-errors'), '', 'at the field, not in the list');
    await ui.shot(page, 'editor-server-error', { at: '[data-path="product.stock"]' });
    await setField(page, 'product.stock', '80');
    assert.equal(await page.getAttribute('[data-path="product.stock"]', 'data-code'), null, 'edited: the mark goes');
    assert.equal(Number((await programRow(stockId)).stock), 80);
  });

  await t.test('活动密码: refused at the field without one (in the page and by the server), saved with PUT …/password', async () => {
    await fresh(page, server.base, 'campaign');
    await setField(page, 'title', '密码茶会');
    assert.equal(await page.$$eval('[data-key="password"]', (x) => x.length), 0, 'no password field while the gate is off');
    await page.check('[data-key="password_protected"]');
    await page.evaluate(() => window.editor.idle());
    assert.equal(await page.isVisible('[data-key="password"]'), true);
    assert.equal(await page.getAttribute('[data-path="password"]', 'data-code'), 'W_PASSWORD', 'said while editing');
    const writes = [];
    const onRequest = (r) => { if (r.method() !== 'GET' && r.url().includes('/api/')) writes.push(`${r.method()} ${new URL(r.url()).pathname}`); };
    page.on('request', onRequest);
    await press(page, '#publish');
    assert.equal(await page.getAttribute('[data-path="password"]', 'data-code'), 'E_PASSWORD_REQUIRED');
    assert.equal(await page.textContent('[data-path="password"] em'), '已开启活动密码，请先设置活动密码再发布');
    assert.deepEqual(writes, [], 'refused in the page: nothing sent');
    await ui.shot(page, 'editor-password-required', { at: '[data-path="password_protected"]' });
    // The server refuses the same at the same field (the page's check set aside for once).
    await page.evaluate(() => { window.editor.hasPassword = true; });
    await press(page, '#publish');
    const id = await page.evaluate(() => window.editor.id);
    assert.ok(writes.includes(`POST /api/merchant/programs/${id}/publish`), writes.join());
    assert.equal(await page.getAttribute('[data-path="password"]', 'data-code'), 'E_PASSWORD_REQUIRED', 'the server\'s 400 at `password`');
    assert.match(await page.textContent('#program-status'), /草稿/);
    await page.evaluate(() => { window.editor.hasPassword = false; });
    await setField(page, 'password', 'tea2026');
    assert.equal(await page.getAttribute('[data-path="password"]', 'data-code'), null);
    await press(page, '#publish');
    await published(page);
    assert.ok(writes.includes(`PUT /api/merchant/programs/${id}/password`), writes.join());
    page.off('request', onRequest);
    const row = await programRow(id);
    assert.equal(row.has_password, true);
    assert.equal(row.status, 'published');
    assert.equal(await page.inputValue('[data-key="password"]'), '', 'not kept in the page');
    assert.equal(await page.getAttribute('[data-key="password"]', 'placeholder'), '已设置，留空则不修改');
    const stored = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
    assert.doesNotMatch(stored, /tea2026/, 'never in localStorage');
    // The buyer's page takes it.
    const view = watch(await ctx.newPage(), errors);
    await view.goto(`${server.base}/activity.html?id=${id}&user=202`);
    await view.waitForSelector('body[data-ready="1"]');
    assert.deepEqual(await view.$$eval('#reasons li', (l) => l.map((x) => x.dataset.code)), ['G_PASSWORD_REQUIRED']);
    await view.fill('#password', 'tea2026');
    await view.click('#password-form button');
    await view.waitForFunction(() => !document.querySelector('#reasons li'));
    await view.close();
  });

  await t.test('unsaved changes survive a reload and a tab switch; discard', async () => {
    await open(page, `${server.base}/editor.html?id=${stockId}`);
    assert.equal(await page.isVisible('#restored'), false);
    await setField(page, 'title', '改了还没保存');
    await setField(page, 'max_buyers', '300');
    assert.equal(await page.textContent('#dirty'), '有未保存的修改');
    const prevented = () => page.evaluate(() => { const ev = new Event('beforeunload', { cancelable: true }); window.dispatchEvent(ev); return ev.defaultPrevented; });
    assert.equal(await prevented(), true, 'a warning before leaving');
    asked.length = 0;
    await page.reload();
    await page.waitForSelector('body[data-ready="1"]');
    assert.deepEqual(asked, ['beforeunload']);
    assert.equal(await page.isVisible('#restored'), true);
    assert.match(await page.textContent('#restored-text'), /^已恢复未保存的修改（\d+月\d+日 \d\d:\d\d）$/);
    assert.equal(await page.inputValue('[data-key="title"]'), '改了还没保存');
    assert.equal(await page.inputValue('[data-key="max_buyers"]'), '300');
    assert.equal(await page.inputValue('[data-key="product.stock"]'), '80', 'a live campaign\'s locked fields stay the server\'s');
    await ui.shot(page, 'editor-restored');
    await readable(page, 'restored');
    // Another kind's tab and back, then the 数据看板 and back: the same program, the same text.
    await page.click('[data-kind="distribution"]');
    await page.waitForSelector('[data-key="depth"]');
    assert.equal(await page.textContent('#program-id'), '保存后生成');
    await page.click('[data-kind="campaign"]');
    await page.waitForSelector('[data-key="product.stock"]');
    assert.equal(await page.evaluate(() => window.editor.id), stockId);
    assert.equal(await page.inputValue('[data-key="title"]'), '改了还没保存');
    await page.click('[data-kind="stats"]');
    await page.waitForSelector('#stats-body[data-loaded="1"]');
    await page.click('[data-kind="campaign"]');
    assert.equal(await page.inputValue('[data-key="title"]'), '改了还没保存');
    assert.equal(new URL(page.url()).search, `?id=${stockId}`);
    // Discarded: the server's values, nothing kept, no warning.
    await page.click('#discard');
    await page.evaluate(() => window.editor.idle());
    assert.equal(await page.inputValue('[data-key="title"]'), '库存测试 · 已上线');
    assert.equal(await page.inputValue('[data-key="max_buyers"]'), '0');
    assert.equal(await page.isVisible('#restored'), false);
    assert.equal(await prevented(), false);
    assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('editor-draft:') && !k.endsWith('new-distribution')).length), 0);
    // Another browser tab: hiding the page keeps the edit at once (WeChat may drop a page in the
    // background), and a page opened later in another tab offers it.
    await page.fill('[data-key="title"]', '切到别的标签页');
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
      delete document.visibilityState;
    });
    const other = watch(await ctx.newPage(), errors);
    await open(other, `${server.base}/editor.html?id=${stockId}`);
    assert.equal(await other.isVisible('#restored'), true);
    assert.equal(await other.inputValue('[data-key="title"]'), '切到别的标签页');
    await other.click('#discard');
    await other.close();
    await page.click('#save'); // the first tab saves its title after all
    await page.waitForFunction(() => !window.editor.busy);
    assert.equal((await programRow(stockId)).config.title, '切到别的标签页');
  });

  await t.test('数据看板 with the sales above, the CSV with the session cookie; developer details folded', async () => {
    const stats = (await server.merchant('GET', '/api/merchant/stats')).body;
    assert.ok(stats.sales.orders > 0);
    const board = watch(await ctx.newPage(), errors);
    await open(board, `${server.base}/editor.html?kind=stats`);
    await board.waitForSelector('#stats-body[data-loaded="1"]');
    assert.equal(await board.textContent('#kpi-orders'), String(stats.sales.orders));
    assert.equal(await board.textContent('#kpi-paid'), stats.sales.paid_text || moneyText(stats.sales.paid_fen));
    assert.equal(await board.$$eval('#top tr[data-beneficiary]', (x) => x.length), stats.top_distributors.length);
    assert.equal(await board.textContent('#engine-status'), me.staff.name, 'the module loaded, no error');
    assert.equal(await board.textContent('#form-errors'), '');
    await ui.shot(board, 'editor-stats');
    await readable(board, 'stats');
    const [download] = await Promise.all([board.waitForEvent('download'), board.click('#export')]);
    const csv = require('fs').readFileSync(await download.path(), 'utf8');
    assert.match(csv, /^\ufeff"佣金ID","订单号","活动","受益人ID"/);
    assert.ok(csv.trim().split('\n').length > 3, 'the lines settled above');
    // The form is there behind the board (it failed before: no form had been built).
    await board.click('[data-kind="campaign"]');
    await board.waitForSelector('[data-key="title"]');
    // Developer details: folded by default.
    assert.equal(await board.textContent('#dev summary'), '开发者信息');
    assert.equal(await board.isVisible('#rules-version'), false);
    await board.click('#dev summary');
    assert.match(await board.textContent('#rules-version'), /^rv1-[0-9a-f]+$/);
    assert.match(await board.textContent('#engine-version'), /\d/);
    await board.close();
  });

  await t.test('money typed in full-width or with 。 is refused with a message saying so', async () => {
    await fresh(page, server.base, 'campaign');
    const parsed = await page.evaluate(() => ['12.5', '１２', '12。5', '１２.５', '9.9', '9．9', ' 10 '].map((x) => App.parseYuan(x)));
    assert.deepEqual(parsed, [1250, null, null, null, 990, null, 1000]);
    const said = await page.evaluate(() => [App.amountError('１２'), App.amountError('12。5'), App.amountError('1.234'), App.amountError('9.9'), App.amountError('5。', '百分比')]);
    assert.deepEqual(said, ['不支持全角数字和“。”，请用半角输入金额，如 9.90', '不支持全角数字和“。”，请用半角输入金额，如 9.90',
      '请输入金额，最多两位小数', null, '不支持全角数字和“。”，请用半角输入百分比，如 12.5']);
    await setField(page, 'commission_per_unit_fen', '９。９');
    assert.equal(await page.textContent('[data-path="commission_per_unit_fen"] em'), '不支持全角数字和“。”，请用半角输入金额，如 9.90');
    await setField(page, 'product.stock', '１２');
    assert.equal(await page.textContent('[data-path="product.stock"] em'), '不支持全角数字，请用半角输入整数，如 12');
    assert.equal(await page.getAttribute('body', 'data-valid'), 'false');
    await ui.shot(page, 'editor-fullwidth', { at: '[data-path="product.name"]' });
    await press(page, '#save');
    assert.equal(await page.evaluate(() => window.editor.id), null, 'not sent');
    await setField(page, 'commission_per_unit_fen', '9.9');
    await setField(page, 'product.stock', '12');
    assert.equal(await page.getAttribute('body', 'data-valid'), 'true');
  });

  await t.test('a budget the balance cannot carry: said in the preview, refused under the buttons; an unknown id', async () => {
    await fresh(page, server.base, 'campaign');
    await setField(page, 'title', '预算不足');
    await setField(page, 'product.stock', '100000');
    await setField(page, 'commission_per_unit_fen', '40');
    assert.match(await page.textContent('#budget-preview .error'), /红包余额不足/);
    await press(page, '#publish');
    assert.match(await page.textContent('#program-status'), /草稿/, 'saved, not published');
    assert.match(await page.textContent('#form-errors'), /红包余额不足/);
    await endShot(page, 'editor-budget-short');
    await readable(page, 'budget short');
    await setField(page, 'product.stock', '10');
    assert.equal(await page.textContent('#form-errors'), '', 'an edit answers it');
    await press(page, '#save');
    const missing = watch(await ctx.newPage(), errors);
    await open(missing, `${server.base}/editor.html?id=987654`);
    assert.equal(await missing.getAttribute('body', 'data-missing'), '1');
    assert.match(await missing.textContent('#fields'), /没有找到编号为 987654 的方案/);
    assert.equal(await missing.isDisabled('#save'), true);
    await missing.close();
  });

  await t.test('signed in with the console\'s session: cookie and CSRF token, no key; signed out: to the console with a way back', async () => {
    const writes = sent.filter((r) => r.method !== 'GET');
    assert.ok(writes.length >= 8, `${writes.length} writes`);
    for (const r of sent) assert.equal(r.headers['x-api-key'], undefined, `${r.method} ${r.url}`);
    for (const r of writes) assert.equal(r.headers['x-csrf-token'], me.csrf, `${r.method} ${r.url}`);
    const src = await (await fetch(`${server.base}/client.js`)).text();
    assert.doesNotMatch(src, /demo-merchant-key|x-api-key|MERCHANT_KEY/);
    assert.equal(await page.getAttribute('#back', 'href'), '/console/');
    assert.equal((await page.textContent('#back')).trim(), '‹ 返回后台');
    const anon = await ui.phone();
    const lost = await anon.newPage();
    await lost.goto(`${server.base}/editor.html?id=${stockId}`);
    await lost.waitForURL(/\/console\//);
    const u = new URL(lost.url());
    assert.equal(u.pathname, '/console/');
    assert.equal(u.searchParams.get('return'), `/editor.html?id=${stockId}`);
    await anon.close();
  });

  await t.test('1280×800: form and preview side by side, nothing wider than the screen', async () => {
    const wide = await ui.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    await signIn(wide, server.base);
    const desk = watch(await wide.newPage(), errors);
    await open(desk, `${server.base}/editor.html?id=${stockId}`);
    const [form, prev] = await desk.$$eval('#form, #preview', (x) => x.map((el) => el.getBoundingClientRect().toJSON()));
    assert.ok(prev.left >= form.right && Math.abs(prev.top - form.top) < 2, 'side by side');
    assert.equal(await desk.isVisible('#ed-summary'), false, 'no phone summary bar');
    await ui.shot(desk, 'editor-desktop');
    await readable(desk, 'desktop');
    await open(desk, `${server.base}/editor.html?kind=distribution`);
    await ui.shot(desk, 'editor-desktop-distribution');
    await desk.click('[data-kind="stats"]');
    await desk.waitForSelector('#stats-body[data-loaded="1"]');
    await ui.shot(desk, 'editor-desktop-stats');
    await wide.close();
  });

  assert.deepEqual(errors, []);
});
