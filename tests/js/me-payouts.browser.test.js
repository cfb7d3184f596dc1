// The distributor's side of the console's part 2 in headless Chromium against the real server
// (issue 13): an application the merchant rejected shows his reason; a frozen distributor reads
// so and is refused a withdrawal (E_FROZEN, in Chinese); the bank form asks for the payee (filled
// with the last one used) and shows the server's E_PAYEE at its field; the merchant's 打款说明 and
// a rejected withdrawal's reason are on the page. On PGlite and, with PG_TEST_URL, on PostgreSQL.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, launch, watch, DATABASES } = require('./pages-harness');

const PROGRAM = 2001; // the demo distribution program

for (const db of DATABASES) {
  test(`${db}: me.html: rejection reason, frozen refused, payee form and its errors, 打款说明`, { timeout: 180000 }, async (t) => {
    const server = await startServer({ db });
    const ui = await launch();
    const errors = [];
    t.after(async () => { await ui.close(); await server.stop(); });
    const ok = (r) => { assert.ok(r.status === 200, JSON.stringify(r.body)); return r.body; };

    // 301 applies under manual approval and is rejected with a reason; 302 is approved, then frozen.
    ok(await server.merchant('PUT', '/api/merchant/settings/application', { approval: 'manual' }));
    ok(await server.user(301, 'POST', '/api/me/apply', { program_id: PROGRAM }));
    ok(await server.user(302, 'POST', '/api/me/apply', { program_id: PROGRAM }));
    ok(await server.merchant('POST', `/api/merchant/distributors/${PROGRAM}/301/reject`, { reason: '请先完善实名信息' }));
    ok(await server.merchant('POST', `/api/merchant/distributors/${PROGRAM}/302/approve`));
    ok(await server.merchant('POST', `/api/merchant/distributors/${PROGRAM}/302/freeze`));
    const note = '每周三统一打款，节假日顺延。';
    ok(await server.merchant('PUT', '/api/merchant/settings/withdrawal', { payout_note: note }));

    const ctx = await ui.phone();
    const rejected = watch(await ctx.newPage(), errors);
    await rejected.goto(`${server.base}/me.html?user=301&program=${PROGRAM}`);
    await rejected.waitForSelector('body[data-distributor="rejected"]');
    assert.equal(await rejected.textContent('#apply-title'), '申请未通过');
    assert.equal(await rejected.textContent('#apply-text'), '未通过原因：请先完善实名信息');
    await ui.shot(rejected, 'me-rejected');

    const frozen = watch(await ctx.newPage(), errors);
    // A rejected withdrawal in the list (the server's row shape) and a last payee to fill in.
    await frozen.route((url) => url.pathname === '/api/me/withdrawals', async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      const res = await route.fetch();
      const body = await res.json();
      body.withdrawals.unshift({ withdrawal_id: 77, user_id: 302, amount_fen: 3000, fee_fen: 0, net_fen: 3000, method: 'bank', status: 'rejected',
        payee: { name: '王五', bank: '招商银行', card_no: '6225880012345678' }, reject_reason: '户名与银行卡不符', payout: {}, created_ms: Date.now() - 3600000 });
      await route.fulfill({ response: res, json: body });
    });
    await frozen.route((url) => url.pathname === '/api/me/payee', (route) => route.fulfill({ json: { ok: true, payee: { bank: { name: '王五', bank: '招商银行', card_no: '6225880012345678' }, alipay: null } } }));
    await frozen.goto(`${server.base}/me.html?user=302&program=${PROGRAM}&tab=withdraw`);
    await frozen.waitForSelector('body[data-distributor="frozen"]');
    assert.match(await frozen.textContent('#apply-title'), /资格已冻结/);
    await frozen.waitForSelector('#methods input');
    assert.equal(await frozen.textContent('#payout-note'), `打款说明：${note}`);
    assert.equal(await frozen.textContent('[data-reason="77"]'), '驳回原因：户名与银行卡不符（金额已退回）');
    // Bank: the payee fields, filled with the last one used.
    assert.equal(await frozen.isHidden('#payee'), true, 'no payee for the first method');
    await frozen.check('input[name=method][value=bank]');
    await frozen.waitForSelector('#payee', { state: 'visible' });
    assert.deepEqual([await frozen.inputValue('#p-name'), await frozen.inputValue('#p-card_no')], ['王五', '6225880012345678']);
    assert.equal(await frozen.isVisible('#p-account'), false, 'no Alipay account for a bank card');
    // Frozen: the server refuses, in Chinese.
    await frozen.fill('#w-amount', '1');
    await frozen.click('#w-submit');
    await frozen.waitForFunction(() => document.querySelector('#w-amount-error').textContent !== '');
    assert.equal(await frozen.textContent('#w-amount-error'), '您的推广员资格已被冻结，暂不能提现');
    await ui.shot(frozen, 'me-frozen-withdraw', { at: '#withdraw-form' });

    // A card number the server refuses: the error at the card field (the server's answer shape,
    // as tests/js/server-console-withdrawals.test.js checks it).
    let sent = null;
    await frozen.route((url) => url.pathname === '/api/me/withdrawals', (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      sent = route.request().postDataJSON();
      return route.fulfill({ status: 400, json: { ok: false, errors: [{ code: 'E_PAYEE', path: 'payee.card_no', message: 'a card number is 12 to 19 digits' }] } });
    });
    await frozen.fill('#p-card_no', '6225abc');
    await frozen.click('#w-submit');
    await frozen.waitForFunction(() => document.querySelector('#p-card_no-error').textContent !== '');
    assert.equal(await frozen.textContent('#p-card_no-error'), '银行卡号为 12–19 位数字');
    assert.deepEqual(sent.payee, { name: '王五', bank: '招商银行', card_no: '6225abc' });
    assert.equal(await frozen.textContent('#w-amount-error'), '');
    await ui.shot(frozen, 'me-payee-error', { at: '#withdraw-form' });
    assert.deepEqual(errors, []);
  });
}
