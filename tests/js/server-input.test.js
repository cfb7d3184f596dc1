// Bad input and identity at the server: every refusal has a code and a path, and changes nothing.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { harness, campaignConfig } = require('./server-harness');
const ledger = require('../../web/ledger');

const DB = process.env.PG_TEST_URL ? ['pglite', 'postgres'] : ['pglite'];

async function raw(h, method, url, payload, headers = {}) {
  const r = await h.app.inject({ method, url, payload, headers: { 'content-type': 'application/json', 'x-api-key': h.apiKey, ...headers } });
  return { status: r.statusCode, body: r.json() };
}

for (const kind of DB) {
  test(`${kind}: malformed and mistyped requests are refused with codes and paths`, async () => {
    const h = await harness(kind);
    const cases = [
      ['{"amount_fen": 1', 'E_JSON_PARSE', ''],
      [{ amount_fen: '100', idem_key: 'a' }, 'E_TYPE', 'amount_fen'],
      [{ amount_fen: 1.5, idem_key: 'a' }, 'E_NOT_INTEGER', 'amount_fen'],
      [{ amount_fen: -5, idem_key: 'a' }, 'E_NEGATIVE', 'amount_fen'],
      [{ amount_fen: 2 ** 60, idem_key: 'a' }, 'E_RANGE', 'amount_fen'],
      [{ idem_key: 'a' }, 'E_REQUIRED', 'amount_fen'],
      [{ amount_fen: 5, idem_key: 'a', amount: 5 }, 'E_UNKNOWN_FIELD', 'amount'],
    ];
    for (const [payload, code, path] of cases) {
      const r = await raw(h, 'POST', '/api/merchant/topup', typeof payload === 'string' ? payload : JSON.stringify(payload));
      assert.equal(r.status, 400, JSON.stringify(payload));
      assert.equal(r.body.errors[0].code, code, JSON.stringify(r.body));
      assert.equal(r.body.errors[0].path, path);
    }
    const bal = await h.merchant('GET', '/api/merchant/balance');
    assert.equal(bal.body.balance, 0, 'no refused top-up changed the balance');
    await h.close();
  });

  test(`${kind}: an invalid program is refused at its field; negative stock and foreign programs too`, async () => {
    const h = await harness(kind);
    let r = await h.merchant('POST', '/api/merchant/programs', { program_id: 1, config: campaignConfig(h.clock.now, { commission_per_unit_fen: 20001 }) });
    assert.equal(r.status, 400);
    assert.deepEqual([r.body.errors[0].code, r.body.errors[0].path], ['E_CAMPAIGN_COMMISSION_RANGE', 'config.commission_per_unit_fen']);
    r = await h.merchant('POST', '/api/merchant/programs', { program_id: 1, config: { kind: 'distribution', depth: 4, rates_bp: [1000] } });
    assert.equal(r.body.errors[0].code, 'E_DEPTH');
    r = await h.merchant('POST', '/api/merchant/programs', { program_id: 1, config: campaignConfig(h.clock.now) });
    assert.equal(r.status, 200);
    r = await h.merchant('POST', '/api/merchant/programs/1/stock', { delta: -11 });
    assert.equal(r.body.errors[0].code, 'E_STOCK');
    const other = await harness(kind);
    r = await other.merchant('POST', '/api/merchant/programs/1/publish');
    assert.equal(r.status, 404, 'another merchant cannot touch this program');
    r = await raw(h, 'GET', '/api/merchant/balance', undefined, { 'x-api-key': 'nope' });
    assert.equal(r.body.errors[0].code, 'E_API_KEY');
    await h.close();
    await other.close();
  });

  test(`${kind}: users only reach their own orders and money; dev login is off in production`, async () => {
    const h = await harness(kind);
    await h.merchant('POST', '/api/merchant/topup', { amount_fen: 100000, idem_key: 't' });
    await h.merchant('POST', '/api/merchant/programs', { program_id: 1, config: campaignConfig(h.clock.now) });
    await h.merchant('POST', '/api/merchant/programs/1/publish');
    const alice = await h.login(31);
    const bob = await h.login(32);
    const o = (await alice('POST', '/api/orders', { program_id: 1, units: 1, idem_key: 'x' })).body.order;
    const stolen = await bob('POST', `/api/orders/${o.order_id}/pay`, {});
    assert.equal(stolen.status, 404);
    const smuggled = await alice('POST', '/api/me/withdrawals', { amount_fen: 100, method: 'bank', idem_key: 'w', user_id: 32 });
    assert.equal(smuggled.body.errors[0].code, 'E_UNKNOWN_FIELD', 'no user endpoint takes a user id from the body');
    const forged = await h.app.inject({ method: 'GET', url: '/api/me/wallet', headers: { authorization: 'Bearer eyJtIjoxLCJ1IjoxLCJleHAiOjl9.AAAA' } });
    assert.equal(forged.json().errors[0].code, 'E_SESSION');
    const prod = await harness(kind, { mode: 'production' });
    const login = await prod.app.inject({ method: 'POST', url: '/api/dev/login', payload: { merchant_id: prod.merchantId, user_id: 1 } });
    assert.equal(login.statusCode, 403);
    assert.equal(login.json().errors[0].code, 'E_DEV_ONLY');
    await h.close();
    await prod.close();
  });

  test(`${kind}: parallel withdrawals never overdraw the wallet`, async () => {
    const BANK_PAYEE = { name: '王小明', bank: '招商银行', card_no: '6225880212345678' };
    const h = await harness(kind);
    const user = 77;
    // 1000 fen available, then 10 parallel requests of 300 fen: at most 3 succeed.
    await h.db.tx((q) => ledger.post(q, h.merchantId, user, [['available', 1000]], 'fixture', h.clock.now));
    const me = await h.login(user);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      me('POST', '/api/me/withdrawals', { amount_fen: 300, method: 'bank', idem_key: `p${i}`, payee: BANK_PAYEE })));
    const ok = results.filter((r) => r.status === 200).length;
    assert.equal(ok, 3, JSON.stringify(results.map((r) => r.body.errors?.[0]?.code)));
    assert.ok(results.filter((r) => r.status !== 200).every((r) => ['E_INSUFFICIENT', 'E_FREQUENCY', 'E_THRESHOLD'].includes(r.body.errors[0].code)));
    const w = (await me('GET', '/api/me/wallet')).body.wallet;
    assert.deepEqual([w.available, w.withdrawing], [100, 900]);
    await h.close();
  });
}
