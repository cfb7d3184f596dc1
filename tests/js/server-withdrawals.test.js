// Withdrawals through the server with the engine's previewWithdrawal: the merchant's settings
// (checked by the engine), the optional fee, every refusal at once, and the books after payout
// or rejection.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { harness } = require('./server-harness');
const { checkLedger } = require('./crash-invariants');
const ledger = require('../../web/ledger');

const DB = process.env.PG_TEST_URL ? ['pglite', 'postgres'] : ['pglite'];

async function wallet(user) {
  return (await user('GET', '/api/me/wallet')).body;
}

for (const kind of DB) {
  test(`${kind}: the merchant's withdrawal settings are the engine's to check`, async () => {
    const h = await harness(kind);
    const dflt = await h.merchant('GET', '/api/merchant/settings/withdrawal');
    assert.deepEqual([dflt.body.settings.threshold_fen, dflt.body.settings.fee], [100, { rate_bp: 0, min_fen: 0, max_fen: null }]);
    const set = await h.merchant('PUT', '/api/merchant/settings/withdrawal', { settings: { methods: ['bank', 'red_packet'], fee: { rate_bp: 100, min_fen: 50 } } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual([set.body.settings.methods, set.body.settings.fee], [['bank', 'red_packet'], { rate_bp: 100, min_fen: 50, max_fen: null }]);
    assert.deepEqual(set.body.warnings.map((w) => w.code), ['W_RED_PACKET_MAX']);
    for (const [settings, code, path] of [
      [{ fee: { rate_bp: 9000 } }, 'E_RANGE', 'settings.fee.rate_bp'],
      [{ period: 'year' }, 'E_ENUM', 'settings.period'],
      [{ limit: 1 }, 'E_UNKNOWN_FIELD', 'settings.limit'],
    ]) {
      const r = await h.merchant('PUT', '/api/merchant/settings/withdrawal', { settings });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.deepEqual([r.body.errors[0].code, r.body.errors[0].path], [code, path]);
    }
    const now = await h.merchant('GET', '/api/merchant/settings/withdrawal');
    assert.deepEqual(now.body.settings, set.body.settings, 'refused settings changed nothing');
    const me = await h.login(5);
    assert.deepEqual((await wallet(me)).settings, set.body.settings, 'the page gets the same settings');
    await h.close();
  });

  test(`${kind}: the fee comes out of the amount; paid, the net arrives and the fee is booked; rejected, all returns`, async () => {
    const h = await harness(kind);
    await h.merchant('PUT', '/api/merchant/settings/withdrawal', { settings: { fee: { rate_bp: 100, min_fen: 50 } } });
    await h.db.tx((q) => ledger.post(q, h.merchantId, 5, [['available', 10000]], 'fixture', h.clock.now));
    const me = await h.login(5);
    const w = await me('POST', '/api/me/withdrawals', { amount_fen: 3000, method: 'bank', idem_key: 'a', payee: { name: '张三', bank: '招商银行', card_no: '6225880012345678' } });
    assert.equal(w.status, 200, JSON.stringify(w.body));
    assert.deepEqual([w.body.withdrawal.amount_fen, w.body.withdrawal.fee_fen, w.body.withdrawal.net_fen], [3000, 50, 2950]);
    const again = await me('POST', '/api/me/withdrawals', { amount_fen: 3000, method: 'bank', idem_key: 'a', payee: { name: '张三', bank: '招商银行', card_no: '6225880012345678' } });
    assert.equal(again.body.withdrawal.withdrawal_id, w.body.withdrawal.withdrawal_id);
    let b = (await wallet(me)).wallet;
    assert.deepEqual([b.available, b.withdrawing], [7000, 3000]);
    const id = w.body.withdrawal.withdrawal_id;
    const approved = await h.merchant('POST', `/api/merchant/withdrawals/${id}/approve`);
    assert.deepEqual([approved.body.withdrawal.status, approved.body.withdrawal.payout.amount_fen], ['approved', 2950]);
    await h.merchant('POST', `/api/merchant/withdrawals/${id}/confirm`, { reference: 'B-1' });
    b = (await wallet(me)).wallet;
    assert.deepEqual([b.available, b.withdrawing, b.withdrawn, b.fee], [7000, 0, 2950, 50]);
    const r = await me('POST', '/api/me/withdrawals', { amount_fen: 5000, method: 'bank', idem_key: 'b', payee: { name: '张三', bank: '招商银行', card_no: '6225880012345678' } });
    await h.merchant('POST', `/api/merchant/withdrawals/${r.body.withdrawal.withdrawal_id}/reject`, { reason: '账户信息有误' });
    b = (await wallet(me)).wallet;
    assert.deepEqual([b.available, b.withdrawing, b.fee], [7000, 0, 50], 'a rejected withdrawal returns the whole amount, fee included');
    assert.deepEqual(await checkLedger(h.db.query, h.merchantId), []);
    await h.close();
  });

  test(`${kind}: a refused withdrawal names every reason and changes nothing`, async () => {
    const h = await harness(kind);
    await h.merchant('PUT', '/api/merchant/settings/withdrawal', { settings: { methods: ['bank', 'red_packet'], fee: { rate_bp: 100 }, max_per_period: 1 } });
    await h.db.tx((q) => ledger.post(q, h.merchantId, 5, [['available', 5000]], 'fixture', h.clock.now));
    const me = await h.login(5);
    const cases = [
      [{ amount_fen: 30000, method: 'red_packet' }, 400, ['E_INSUFFICIENT', 'E_METHOD_LIMIT']],
      [{ amount_fen: 500, method: 'alipay' }, 400, ['E_METHOD']],
      [{ amount_fen: 50, method: 'bank' }, 400, ['E_MIN']],
      [{ amount_fen: 500, method: 'cash' }, 400, ['E_ENUM']],
    ];
    for (const [body, status, codes] of cases) {
      const r = await me('POST', '/api/me/withdrawals', { ...body, idem_key: 'x' });
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.deepEqual(r.body.errors.map((e) => e.code), codes);
    }
    assert.equal((await me('POST', '/api/me/withdrawals', { amount_fen: 1000, method: 'bank', idem_key: 'ok', payee: { name: '张三', bank: '招商银行', card_no: '6225880012345678' } })).status, 200);
    const often = await me('POST', '/api/me/withdrawals', { amount_fen: 1000, method: 'bank', idem_key: 'y', payee: { name: '张三', bank: '招商银行', card_no: '6225880012345678' } });
    assert.deepEqual([often.status, often.body.errors[0].code], [409, 'E_FREQUENCY']);
    assert.ok(often.body.errors[0].until_ms > h.clock.now, 'says when it lifts');
    const b = (await wallet(me)).wallet;
    assert.deepEqual([b.available, b.withdrawing], [4000, 1000]);
    await h.close();
  });
}
