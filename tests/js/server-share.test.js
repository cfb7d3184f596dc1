// Sharing through the server: signed links, visits, attribution by the engine, commission.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { harness, campaignConfig } = require('./server-harness');

const DB = process.env.PG_TEST_URL ? ['pglite', 'postgres'] : ['pglite'];
const PAGE = 'https://shop.example.cn/a/1?from=timeline&isappinstalled=0&utm=x#top';

for (const kind of DB) {
  test(`${kind}: a campaign link credits its sharer; tampered, foreign and own links do not`, async () => {
    const h = await harness(kind);
    await h.merchant('POST', '/api/merchant/topup', { amount_fen: 100000, idem_key: 't' });
    await h.merchant('POST', '/api/merchant/programs', { program_id: 1, config: campaignConfig(h.clock.now) });
    await h.merchant('POST', '/api/merchant/programs/1/publish');
    const sharer = await h.login(10);
    const link = await sharer('POST', '/api/share/link', { program_id: 1, page_url: PAGE });
    assert.equal(link.status, 200, JSON.stringify(link.body));
    assert.ok(link.body.token.length <= 32);
    const visitor = await h.login(20);
    const own = await sharer('POST', '/api/share/open', { program_id: 1, url: link.body.url });
    assert.deepEqual([own.body.attributed, own.body.reason], [false, 'self_share']);
    const last = link.body.token.slice(-1) === 'A' ? 'B' : 'A';
    const tampered = await visitor('POST', '/api/share/open', { program_id: 1, scene: link.body.token.slice(0, -1) + last });
    assert.equal(tampered.body.attributed, false);
    assert.match(tampered.body.reason, /^E_TOKEN_/);
    const other = await visitor('POST', '/api/share/open', { program_id: 2, url: link.body.url });
    assert.equal(other.status, 404);
    const opened = await visitor('POST', '/api/share/open', { program_id: 1, url: link.body.url });
    assert.deepEqual([opened.body.attributed, opened.body.sharer_id], [true, 10]);
    const o = (await visitor('POST', '/api/orders', { program_id: 1, units: 1, idem_key: 'o' })).body.order;
    await visitor('POST', `/api/orders/${o.order_id}/pay`, {});
    const mine = await sharer('GET', '/api/me/commissions');
    assert.equal(mine.body.wallet.pending, 990);
    await h.close();
  });

  test(`${kind}: a distribution program binds by visit and pays two levels through the inviter`, async () => {
    const h = await harness(kind);
    const config = { kind: 'distribution', depth: 2, rates_bp: [1000, 500] };
    assert.equal((await h.merchant('POST', '/api/merchant/programs', { program_id: 1, config })).status, 200);
    await h.merchant('POST', '/api/merchant/programs/1/publish');
    await h.merchant('PUT', '/api/merchant/products/tea', { name: 'tea', price_fen: 10000, cost_fen: 4000 });
    const a = await h.login(1);
    const b = await h.login(2);
    const c = await h.login(3);
    assert.equal((await b('POST', '/api/share/link', { program_id: 1, page_url: PAGE })).body.errors[0].code, 'E_NOT_DISTRIBUTOR');
    await a('POST', '/api/me/apply', { program_id: 1 });
    const linkA = (await a('POST', '/api/share/link', { program_id: 1, page_url: PAGE })).body;
    assert.equal((await b('POST', '/api/share/open', { program_id: 1, url: linkA.url })).body.attributed, true);
    const applied = await b('POST', '/api/me/apply', { program_id: 1 });
    assert.equal(applied.body.distributor.inviter_id, 1, 'B registered through A: A is his inviter');
    const linkB = (await b('POST', '/api/share/link', { program_id: 1, page_url: PAGE })).body;
    await c('POST', '/api/share/open', { program_id: 1, url: linkB.url });
    const placed = await c('POST', '/api/orders', { program_id: 1, idem_key: 'o', items: [{ product_id: 'tea', units: 1 }] });
    assert.equal(placed.status, 200, JSON.stringify(placed.body));
    assert.deepEqual(placed.body.preview.items[0].lines.map((l) => [l.beneficiary_id, l.amount_fen]), [[2, 1000], [1, 500]]);
    await c('POST', `/api/orders/${placed.body.order.order_id}/pay`, {});
    assert.equal((await b('GET', '/api/me/wallet')).body.wallet.pending, 1000);
    assert.equal((await a('GET', '/api/me/wallet')).body.wallet.pending, 500);
    const team = await a('GET', '/api/me/team');
    assert.deepEqual(team.body.invitees.map((d) => Number(d.user_id)), [2]);
    await h.close();
  });
}
