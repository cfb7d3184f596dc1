// The server's gate refuses what the page's gate shows: fans-only, regions, password and pass,
// lock-out after 5 wrong tries in 10 minutes; every refusal names its reason.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { harness, campaignConfig } = require('./server-harness');

const DB = process.env.PG_TEST_URL ? ['pglite', 'postgres'] : ['pglite'];

for (const kind of DB) {
  test(`${kind}: fans-only, region and password gates refuse orders until they are met`, async () => {
    const h = await harness(kind);
    await h.merchant('POST', '/api/merchant/topup', { amount_fen: 100000, idem_key: 't' });
    const config = campaignConfig(h.clock.now, { fans_only: true, allowed_regions: ['440300'], password_protected: true });
    assert.equal((await h.merchant('POST', '/api/merchant/programs', { program_id: 1, config })).status, 200);
    assert.equal((await h.merchant('PUT', '/api/merchant/programs/1/password', { password: '芝麻开门' })).status, 200);
    await h.merchant('POST', '/api/merchant/programs/1/publish');
    const u = await h.login(40);
    const order = (extra = {}, key = 'o') => u('POST', '/api/orders', { program_id: 1, units: 1, idem_key: key, ...extra });
    let r = await order();
    assert.equal(r.status, 403);
    assert.deepEqual(r.body.errors.map((e) => e.code).sort(), ['G_NOT_FAN', 'G_PASSWORD_REQUIRED', 'G_REGION_MISSING']);
    const view = await u('GET', '/api/programs/1');
    assert.equal(view.body.gate.allowed, false);
    assert.ok(!JSON.stringify(view.body).includes('scrypt'), 'the password hash never leaves the server');
    await u('POST', '/api/me/profile', { is_fan: true, region: '110101' });
    r = await order();
    assert.deepEqual(r.body.errors.map((e) => e.code).sort(), ['G_PASSWORD_REQUIRED', 'G_REGION_NOT_ALLOWED']);
    await u('POST', '/api/me/profile', { region: '440305' });
    for (let i = 1; i <= 4; i++) {
      const w = await u('POST', '/api/gates/password', { program_id: 1, password: 'wrong' });
      assert.deepEqual([w.status, w.body.errors[0].code, w.body.errors[0].tries_left], [403, 'E_PASSWORD_WRONG', 5 - i]);
    }
    const ok = await u('POST', '/api/gates/password', { program_id: 1, password: ' 芝麻开门 ' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((await order({ pass: ok.body.pass.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) })).body.errors[0].code, 'G_PASS_BAD_SIGNATURE');
    r = await order({ pass: ok.body.pass });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await h.close();
  });

  test(`${kind}: five wrong passwords in ten minutes lock the user out, the right one included`, async () => {
    const h = await harness(kind);
    await h.merchant('POST', '/api/merchant/programs', { program_id: 1, config: campaignConfig(h.clock.now, { password_protected: true }) });
    await h.merchant('PUT', '/api/merchant/programs/1/password', { password: 'open' });
    await h.merchant('POST', '/api/merchant/topup', { amount_fen: 100000, idem_key: 't' });
    await h.merchant('POST', '/api/merchant/programs/1/publish');
    const u = await h.login(41);
    const tries = await Promise.all(Array.from({ length: 6 }, () => u('POST', '/api/gates/password', { program_id: 1, password: 'x' })));
    assert.equal(tries.filter((t) => t.body.errors[0].code === 'G_LOCKED_OUT').length >= 2, true, 'parallel guesses all count');
    const right = await u('POST', '/api/gates/password', { program_id: 1, password: 'open' });
    assert.deepEqual([right.status, right.body.errors[0].code], [429, 'G_LOCKED_OUT']);
    h.clock.now += 10 * 60000 + 1;
    assert.equal((await u('POST', '/api/gates/password', { program_id: 1, password: 'open' })).status, 200);
    await h.close();
  });
}
