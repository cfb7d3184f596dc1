// The console's withdrawals (docs/console.md "Withdrawals", issue 13): payee accounts checked at
// their field and masked for everyone but the distributor and the money role, the queue, approve
// (twice answers the first, after a rejection refused), reject with a reason the distributor
// reads (the money returns), confirm with a reference, bulk approve, the payout file (.xlsx
// opened with exceljs, .csv parsed), 打款说明, and red packets paid without review. No payout is
// ever made twice. On PGlite and, with PG_TEST_URL, on PostgreSQL.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const ExcelJS = require('exceljs');
const { harness } = require('./server-harness');
const { parse } = require('./csv-parse');
const ledger = require('../../web/ledger');

const DB = process.env.PG_TEST_URL ? ['pglite', 'postgres'] : ['pglite'];
const codeOf = (r) => r.body.errors && r.body.errors[0].code;
const pathOf = (r) => r.body.errors && r.body.errors[0].path;
const BANK = { name: '张三', bank: '招商银行', card_no: '6225 8800 1234 5678' };
const ALIPAY = { name: '李四', account: 'lisi@example.com' };

async function raw(h, url) {
  const r = await h.app.inject({ method: 'GET', url, headers: { 'x-api-key': h.apiKey } });
  return { status: r.statusCode, headers: r.headers, buf: r.rawPayload };
}

async function fund(h, user, fen) {
  await h.db.tx((q) => ledger.post(q, h.merchantId, user, [['available', fen]], `fixture:${user}`, h.clock.now));
}

const count = async (h) => (await h.db.query('SELECT COUNT(*)::int AS n FROM withdrawals WHERE merchant_id = $1', [h.merchantId]))[0].n;

for (const kind of DB) {
  test(`${kind}: payees checked at their field, nothing written when refused; masked in the queue, in full for money and the distributor`, async () => {
    const h = await harness(kind);
    await fund(h, 5, 100000);
    const me = await h.login(5);
    const cases = [
      [{ method: 'bank' }, 'payee.name'],
      [{ method: 'bank', payee: { ...BANK, card_no: '6225abc012345678' } }, 'payee.card_no'],
      [{ method: 'bank', payee: { ...BANK, card_no: '12345678901' } }, 'payee.card_no'],
      [{ method: 'bank', payee: { ...BANK, card_no: '12345678901234567890' } }, 'payee.card_no'],
      [{ method: 'bank', payee: { ...BANK, bank: ' ' } }, 'payee.bank'],
      [{ method: 'alipay', payee: { name: '李四', account: 'lisi' } }, 'payee.account'],
      [{ method: 'alipay', payee: { name: '李四', account: '1380013800' } }, 'payee.account'],
      [{ method: 'alipay', payee: { name: '', account: '13800138000' } }, 'payee.name'],
    ];
    for (const [i, [b, path]] of cases.entries()) {
      const r = await me('POST', '/api/me/withdrawals', { amount_fen: 1000, idem_key: `bad${i}`, ...b });
      assert.deepEqual([r.status, codeOf(r), pathOf(r)], [400, 'E_PAYEE', path], JSON.stringify(r.body));
    }
    assert.equal(await count(h), 0, 'nothing half-written');
    assert.equal((await me('GET', '/api/me/wallet')).body.wallet.available, 100000);

    const bank = await me('POST', '/api/me/withdrawals', { amount_fen: 3000, method: 'bank', idem_key: 'b', payee: BANK });
    assert.equal(bank.status, 200, JSON.stringify(bank.body));
    const ali = await me('POST', '/api/me/withdrawals', { amount_fen: 2000, method: 'alipay', idem_key: 'a', payee: { name: '李四', account: '13800138000' } });
    assert.equal(ali.status, 200, JSON.stringify(ali.body));
    assert.deepEqual((await me('GET', '/api/me/payee')).body.payee,
      { bank: { name: '张三', bank: '招商银行', card_no: '6225880012345678' }, alipay: { name: '李四', account: '13800138000' } });
    const mine = (await me('GET', '/api/me/withdrawals')).body.withdrawals;
    assert.equal(mine[1].payee.card_no, '6225880012345678', 'the distributor sees his own account');

    const fin = await h.staff('finance');
    const list = await fin('GET', '/api/merchant/withdrawals');
    assert.equal(list.status, 200);
    const [a, b] = list.body.withdrawals;
    assert.deepEqual(b.payee, { name: '*三', bank: '招商银行', account_masked: '**** **** 5678' });
    assert.deepEqual(a.payee, { name: '*四', bank: null, account_masked: '138****8000' });
    assert.deepEqual([b.method_text, b.status_text, b.amount_text], ['银行卡', '待审核', '¥30.00']);
    assert.ok(!JSON.stringify(list.body).includes('6225880012345678'), 'the queue never shows a whole card number');
    const one = await fin('GET', `/api/merchant/withdrawals/${b.withdrawal_id}`);
    assert.equal(one.body.withdrawal.payee.card_no, '6225880012345678');
    const op = await h.staff('operator');
    assert.equal((await op('GET', `/api/merchant/withdrawals/${b.withdrawal_id}`)).status, 403, 'operators have no money role');
    assert.deepEqual((await fin('GET', '/api/merchant/withdrawals?method=alipay')).body.withdrawals.map((w) => w.method), ['alipay']);
    const p1 = await fin('GET', '/api/merchant/withdrawals?limit=1');
    assert.deepEqual((await fin('GET', `/api/merchant/withdrawals?limit=1&before=${p1.body.next}`)).body.withdrawals.map((w) => w.withdrawal_id), [b.withdrawal_id]);
    await h.close();
  });

  test(`${kind}: approve twice pays once; approve after reject refused; the reason and 打款说明 seen; confirm with a reference; bulk; the payout file`, async () => {
    const h = await harness(kind);
    await fund(h, 5, 100000);
    await fund(h, 6, 100000);
    await h.db.query(`INSERT INTO users (merchant_id, user_id, nickname, created_ms) VALUES ($1, 6, '=HYPERLINK("x")', 0)`, [h.merchantId]);
    const note = '每周三统一打款，请核对银行卡信息。';
    const set = await h.merchant('PUT', '/api/merchant/settings/withdrawal', { payout_note: note });
    assert.equal(set.body.payout_note, note, JSON.stringify(set.body));
    const me = await h.login(5);
    const six = await h.login(6);
    const ids = [];
    for (const [u, k, amount, method, payee] of [[me, 'a', 3000, 'bank', BANK], [me, 'b', 2000, 'bank', BANK], [six, 'c', 1500, 'alipay', { name: '=SUM(A1)', account: '13800138000' }], [six, 'd', 1000, 'alipay', ALIPAY]]) {
      const r = await u('POST', '/api/me/withdrawals', { amount_fen: amount, method, idem_key: k, payee });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      ids.push(r.body.withdrawal.withdrawal_id);
    }
    // Two approvals at once and one after: one payout.
    const [x, y] = await Promise.all([0, 1].map(() => h.merchant('POST', `/api/merchant/withdrawals/${ids[0]}/approve`)));
    assert.deepEqual([x.status, y.status].sort(), [200, 200]);
    assert.deepEqual([x.body.replayed, y.body.replayed].sort(), [false, true]);
    const again = await h.merchant('POST', `/api/merchant/withdrawals/${ids[0]}/approve`);
    assert.deepEqual([again.body.replayed, again.body.withdrawal.status], [true, 'approved']);
    // Rejected with a reason: the money is back, the distributor reads why; approving it then is refused.
    const noReason = await h.merchant('POST', `/api/merchant/withdrawals/${ids[1]}/reject`, { reason: ' ' });
    assert.deepEqual([noReason.status, pathOf(noReason)], [400, 'reason']);
    const rej = await h.merchant('POST', `/api/merchant/withdrawals/${ids[1]}/reject`, { reason: '银行卡户名与实名不符' });
    assert.equal(rej.body.withdrawal.status, 'rejected');
    const late = await h.merchant('POST', `/api/merchant/withdrawals/${ids[1]}/approve`);
    assert.deepEqual([late.status, codeOf(late)], [409, 'E_WITHDRAWAL_STATE']);
    const mine = (await me('GET', '/api/me/withdrawals')).body;
    assert.deepEqual([mine.withdrawals[0].status, mine.withdrawals[0].reject_reason, mine.payout_note], ['rejected', '银行卡户名与实名不符', note]);
    assert.deepEqual([(await me('GET', '/api/me/wallet')).body.wallet.available, (await me('GET', '/api/me/wallet')).body.wallet.withdrawing], [97000, 3000]);

    // Bulk: the two Alipay ones approved, the rejected one refused, each on its own.
    const bulk = await h.merchant('POST', '/api/merchant/withdrawals/approve', { ids: [ids[2], ids[1], ids[3]] });
    assert.deepEqual([bulk.body.done, bulk.body.failed.map((f) => [f.withdrawal_id, f.code])], [[ids[2], ids[3]], [[ids[1], 'E_WITHDRAWAL_STATE']]]);
    assert.equal((await h.merchant('POST', '/api/merchant/withdrawals/approve', { ids: [] })).status, 400);

    // The payout file: the approved bank and Alipay withdrawals, the amount in yuan.
    const csv = await raw(h, '/api/merchant/withdrawals/payout-file.csv');
    assert.equal(csv.status, 200);
    assert.deepEqual([...csv.buf.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with BOM');
    const rows = parse(csv.buf.toString('utf8').slice(1));
    assert.deepEqual(rows[0].slice(0, 5), ['收款人', '账号', '开户行', '金额（元）', '参考号']);
    assert.deepEqual(rows.slice(1).map((r) => r.slice(0, 5)), [
      ['张三', '6225880012345678', '招商银行', '30.00', `W${ids[0]}`],
      ["'=SUM(A1)", '13800138000', '支付宝', '15.00', `W${ids[2]}`],
      ['李四', 'lisi@example.com', '支付宝', '10.00', `W${ids[3]}`],
    ]);
    const bankOnly = parse((await raw(h, '/api/merchant/withdrawals/payout-file.csv?method=bank')).buf.toString('utf8').slice(1));
    assert.equal(bankOnly.length, 2);
    const xlsx = await raw(h, '/api/merchant/withdrawals/payout-file.xlsx');
    assert.match(xlsx.headers['content-type'], /spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.buf);
    const ws = wb.worksheets[0];
    assert.deepEqual(ws.getRow(1).values.slice(1, 6), ['收款人', '账号', '开户行', '金额（元）', '参考号']);
    assert.deepEqual(ws.getRow(2).values.slice(1, 6), ['张三', '6225880012345678', '招商银行', '30.00', `W${ids[0]}`]);
    assert.equal(ws.rowCount, 4);
    const fin = await h.staff('finance');
    const op = await h.staff('operator');
    assert.equal((await op('GET', '/api/merchant/withdrawals/payout-file.csv')).status, 403);
    assert.equal((await fin('GET', '/api/merchant/withdrawals/payout-file.csv')).status, 200);

    // Confirmed with the bank's reference: paid once; a second confirm answers the first.
    const noRef = await h.merchant('POST', `/api/merchant/withdrawals/${ids[0]}/confirm`, {});
    assert.deepEqual([noRef.status, pathOf(noRef)], [400, 'reference']);
    const paid = await h.merchant('POST', `/api/merchant/withdrawals/${ids[0]}/confirm`, { reference: 'CMB20261124-001' });
    assert.deepEqual([paid.body.withdrawal.status, paid.body.withdrawal.payout_ref], ['paid', 'CMB20261124-001']);
    const twice = await h.merchant('POST', `/api/merchant/withdrawals/${ids[0]}/confirm`, { reference: 'other' });
    assert.deepEqual([twice.body.replayed, twice.body.withdrawal.payout_ref], [true, 'CMB20261124-001']);
    const w5 = (await me('GET', '/api/me/wallet')).body.wallet;
    assert.deepEqual([w5.available, w5.withdrawing, w5.withdrawn], [97000, 0, 3000], 'paid once');
    const rejPaid = await h.merchant('POST', `/api/merchant/withdrawals/${ids[0]}/reject`, { reason: 'x' });
    assert.deepEqual([rejPaid.status, codeOf(rejPaid)], [409, 'E_WITHDRAWAL_STATE']);
    const entries = await h.db.query(`SELECT COUNT(*)::int AS n FROM ledger WHERE merchant_id = $1 AND ref = $2 AND account = 'withdrawn'`, [h.merchantId, `withdrawal:${ids[0]}`]);
    assert.equal(entries[0].n, 1);
    await h.close();
  });

  test(`${kind}: red packets paid without review when the merchant allows it, within the engine's limits`, async () => {
    const h = await harness(kind);
    await fund(h, 5, 100000);
    const bad = await h.merchant('PUT', '/api/merchant/settings/withdrawal', { auto_payout: ['bank'] });
    assert.deepEqual([bad.status, pathOf(bad)], [400, 'auto_payout.0']);
    const set = await h.merchant('PUT', '/api/merchant/settings/withdrawal', { auto_payout: ['red_packet'] });
    assert.deepEqual(set.body.auto_payout, ['red_packet'], JSON.stringify(set.body));
    const me = await h.login(5);
    // 12:00 China time: the packet goes at once.
    const r = await me('POST', '/api/me/withdrawals', { amount_fen: 1000, method: 'red_packet', idem_key: 'r' });
    assert.deepEqual([r.status, r.body.withdrawal.status, r.body.withdrawal.payout.auto], [200, 'paid', true], JSON.stringify(r.body));
    const replay = await me('POST', '/api/me/withdrawals', { amount_fen: 1000, method: 'red_packet', idem_key: 'r' });
    assert.equal(replay.body.withdrawal.replayed, true);
    // Over the red packet's limit: refused by the engine, nothing paid.
    const big = await me('POST', '/api/me/withdrawals', { amount_fen: 30000, method: 'red_packet', idem_key: 'big' });
    assert.equal(big.status, 400);
    const w = (await me('GET', '/api/me/wallet')).body.wallet;
    assert.deepEqual([w.available, w.withdrawn], [99000, 1000]);
    // A bank withdrawal still waits for review.
    const bank = await me('POST', '/api/me/withdrawals', { amount_fen: 1000, method: 'bank', idem_key: 'b', payee: BANK });
    assert.equal(bank.body.withdrawal.status, 'requested');
    const approve = await h.merchant('POST', `/api/merchant/withdrawals/${r.body.withdrawal.withdrawal_id}/approve`);
    assert.deepEqual([approve.body.replayed, (await me('GET', '/api/me/wallet')).body.wallet.withdrawn], [true, 1000], 'never paid twice');
    await h.close();
  });
}
