// The console's sign-in and the walls around it: the same answer for an unknown login and a wrong
// password, the cookie's flags, log-out, CSRF on every session write, the login rate limit, every
// merchant route's permission for each role, API keys (shown once, hashed, revoked), and tenants:
// no session, key or id of one merchant reaches anything of another, on every route.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { harness, campaignConfig } = require('./server-harness');
const { ROUTES, allows } = require('../../web/permissions');

const DB = process.env.PG_TEST_URL ? ['pglite', 'postgres'] : ['pglite'];

async function loginRaw(h, login, password) {
  return h.app.inject({ method: 'POST', url: '/api/console/login', payload: { login, password } });
}

// A path of `pattern` with its parameters filled from `ids` (999999 for the rest).
const fill = (pattern, ids = {}) => pattern.replace(/:([a-z_]+)/g, (_, name) => String(ids[name] ?? 999999));
const merchantRoutes = (h) => h.app.routeTable.filter((r) => r.split(' ')[1].startsWith('/api/merchant/'));

async function campaignWithOrder(h, programId = 1, title = 'T') {
  assert.equal((await h.merchant('POST', '/api/merchant/topup', { amount_fen: 1000000, idem_key: `t${programId}` })).status, 200);
  const made = await h.merchant('POST', '/api/merchant/programs', { program_id: programId, config: campaignConfig(h.clock.now, { title }) });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  assert.equal((await h.merchant('POST', `/api/merchant/programs/${programId}/publish`)).status, 200);
  const buyer = await h.login(501);
  const o = await buyer('POST', '/api/orders', { program_id: programId, units: 1, idem_key: 'k1' });
  assert.equal(o.status, 200, JSON.stringify(o.body));
  assert.equal((await buyer('POST', `/api/orders/${o.body.order.order_id}/pay`, { outcome: 'succeed' })).status, 200);
  return { orderId: Number(o.body.order.order_id), buyerId: 501 };
}

test('every merchant route names its permission, and every named route exists', async () => {
  const h = await harness('pglite');
  const routes = merchantRoutes(h);
  assert.ok(routes.length > 40, `only ${routes.length} merchant routes seen`);
  assert.deepEqual(routes.filter((r) => !(r in ROUTES)), [], 'routes missing from web/permissions.js');
  assert.deepEqual(Object.keys(ROUTES).filter((r) => !routes.includes(r)), [], 'web/permissions.js names routes that do not exist');
  await h.close();
});

for (const kind of DB) {
  test(`${kind}: a wrong password and an unknown login get the same answer; the right one a cookie session`, async () => {
    const h = await harness(kind);
    const owner = await h.staff('owner', '店长');
    const wrong = await loginRaw(h, owner.login, 'not the password');
    const unknown = await loginRaw(h, `nobody-${h.merchantId}`, 'not the password');
    assert.equal(wrong.statusCode, 401);
    assert.deepEqual([unknown.statusCode, unknown.json()], [wrong.statusCode, wrong.json()]);
    assert.deepEqual(wrong.json().errors.map((e) => [e.code, e.path]), [['E_LOGIN', 'password']]);
    assert.equal(wrong.cookies.length, 0);

    const ok = await loginRaw(h, owner.login.toUpperCase(), 'correct horse 1');
    assert.equal(ok.statusCode, 200, ok.body);
    const sid = ok.cookies.find((c) => c.name === 'sid');
    assert.ok(sid.httpOnly);
    assert.equal(sid.sameSite, 'Strict');
    assert.equal(sid.path, '/');
    const body = ok.json();
    assert.equal(body.staff.role, 'owner');
    assert.equal(body.merchant.merchant_id, h.merchantId);
    assert.ok(body.csrf.length >= 32);
    assert.ok(!JSON.stringify(body).includes(sid.value), 'the session token is only in the cookie');
    const [stored] = await h.db.query('SELECT token_hash FROM staff_sessions WHERE merchant_id = $1 ORDER BY created_ms DESC LIMIT 1', [h.merchantId]);
    assert.notEqual(stored.token_hash, sid.value, 'only a hash of the token is stored');

    const me = await h.app.inject({ method: 'GET', url: '/api/console/me', headers: { cookie: `sid=${sid.value}` } });
    assert.equal(me.json().staff.login, owner.login);
    const out = await h.app.inject({ method: 'POST', url: '/api/console/logout', headers: { cookie: `sid=${sid.value}`, 'x-csrf-token': body.csrf } });
    assert.equal(out.statusCode, 200);
    const after = await h.app.inject({ method: 'GET', url: '/api/merchant/programs', headers: { cookie: `sid=${sid.value}` } });
    assert.deepEqual([after.statusCode, after.json().errors[0].code], [401, 'E_SESSION']);
    await h.close();
  });

  test(`${kind}: a session's write without its CSRF token is refused and writes nothing`, async () => {
    const h = await harness(kind);
    const finance = await h.staff('finance');
    const before = (await finance('GET', '/api/merchant/balance', undefined, { csrf: false })).body.balance;
    const missing = await finance('POST', '/api/merchant/topup', { amount_fen: 500, idem_key: 'c1' }, { csrf: false });
    assert.deepEqual([missing.status, missing.body.errors[0].code], [403, 'E_CSRF']);
    const other = await h.staff('finance');
    const forged = await h.app.inject({ method: 'POST', url: '/api/merchant/topup', payload: { amount_fen: 500, idem_key: 'c2' },
      headers: { cookie: `sid=${finance.cookie}`, 'x-csrf-token': other.csrf } });
    assert.deepEqual([forged.statusCode, forged.json().errors[0].code], [403, 'E_CSRF']);
    assert.equal((await finance('GET', '/api/merchant/balance')).body.balance, before);
    const done = await finance('POST', '/api/merchant/topup', { amount_fen: 500, idem_key: 'c3' });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal((await finance('GET', '/api/merchant/balance')).body.balance, before + 500);
    await h.close();
  });

  test(`${kind}: each role reaches exactly the routes its permissions name`, async () => {
    const h = await harness(kind);
    const callers = { operator: await h.staff('operator'), finance: await h.staff('finance') };
    const mismatches = [];
    for (const route of merchantRoutes(h)) {
      const [method, pattern] = route.split(' ');
      for (const [role, call] of Object.entries(callers)) {
        const r = await call(method, fill(pattern), method === 'GET' || method === 'DELETE' ? undefined : {});
        const denied = r.status === 403 && r.body.errors[0].code === 'E_ROLE';
        if (denied === allows(role, ROUTES[route])) mismatches.push(`${role} ${route}: ${r.status} ${JSON.stringify(r.body).slice(0, 120)}`);
        if (denied) assert.ok(r.body.errors[0].roles.includes('owner'), route);
      }
    }
    assert.deepEqual(mismatches, []);
    await h.close();
  });

  test(`${kind}: the login is rate-limited per address and name, even for the right password`, async () => {
    const h = await harness(kind);
    const owner = await h.staff('owner');
    for (let i = 0; i < 9; i++) assert.equal((await loginRaw(h, owner.login, `wrong ${i}`)).statusCode, 401);
    const limited = await loginRaw(h, owner.login, 'correct horse 1');
    assert.equal(limited.statusCode, 429, limited.body);
    assert.equal(limited.json().errors[0].code, 'E_RATE_LIMIT');
    assert.equal(limited.cookies.length, 0);
    await h.close();
  });

  test(`${kind}: API keys are shown once, stored hashed, act with their role, and stop when revoked`, async () => {
    const h = await harness(kind);
    const made = await h.merchant('POST', '/api/merchant/api-keys', { label: 'ERP 对接', role: 'finance' });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    const { key, key_id: keyId } = made.body;
    const list = await h.merchant('GET', '/api/merchant/api-keys');
    assert.ok(!JSON.stringify(list.body).includes(key), 'the list never carries the key');
    assert.deepEqual(list.body.keys.map((k) => [k.key_id, k.prefix, k.role]), [[keyId, key.slice(0, 8), 'finance']]);
    const [row] = await h.db.query('SELECT key_hash FROM api_keys WHERE merchant_id = $1', [h.merchantId]);
    assert.notEqual(row.key_hash, key);
    const call = async (method, url, payload) => {
      const r = await h.app.inject({ method, url, payload, headers: { 'x-api-key': key } });
      return { status: r.statusCode, body: r.json() };
    };
    assert.equal((await call('POST', '/api/merchant/topup', { amount_fen: 100, idem_key: 'k' })).status, 200);
    const denied = await call('POST', '/api/merchant/programs', { config: campaignConfig(h.clock.now) });
    assert.deepEqual([denied.status, denied.body.errors[0].code], [403, 'E_ROLE']);
    assert.equal((await call('POST', '/api/merchant/api-keys', { label: 'x', role: 'owner' })).status, 403);
    assert.equal((await h.merchant('DELETE', `/api/merchant/api-keys/${keyId}`)).status, 200);
    const revoked = await call('GET', '/api/merchant/balance');
    assert.deepEqual([revoked.status, revoked.body.errors[0].code], [401, 'E_API_KEY']);
    await h.close();
  });

  test(`${kind}: staff logins are unique across merchants; only the owner adds staff`, async () => {
    const h = await harness(kind);
    const other = await harness(kind);
    const a = await h.merchant('POST', '/api/merchant/staff', { login: `shared-${h.merchantId}`, name: '甲', role: 'operator', password: 'long enough 1' });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    const b = await other.merchant('POST', '/api/merchant/staff', { login: `SHARED-${h.merchantId}`, name: '乙', role: 'operator', password: 'long enough 1' });
    assert.deepEqual([b.status, b.body.errors[0].code, b.body.errors[0].path], [409, 'E_DUPLICATE', 'login']);
    const op = await h.staff('operator');
    const denied = await op('POST', '/api/merchant/staff', { login: `x-${h.merchantId}`, name: '丙', role: 'owner', password: 'long enough 1' });
    assert.deepEqual([denied.status, denied.body.errors[0].code], [403, 'E_ROLE']);
    const short = await h.merchant('POST', '/api/merchant/staff', { login: `y-${h.merchantId}`, name: '丁', role: 'owner', password: 'short' });
    assert.deepEqual([short.status, short.body.errors[0].path], [400, 'password']);
    await h.close();
    await other.close();
  });

  test(`${kind}: no session, key or id of one merchant reaches another merchant's data, on any route`, async () => {
    const a = await harness(kind);
    const b = await harness(kind);
    // B: a published campaign with a paid order, a staff member, an API key, a product.
    const { orderId, buyerId } = await campaignWithOrder(b, 77, '乙的活动');
    await b.staff('operator');
    const key = (await b.merchant('POST', '/api/merchant/api-keys', { label: 'b', role: 'owner' })).body;
    assert.equal((await b.merchant('PUT', '/api/merchant/products/tea', { name: '乙的茶', price_fen: 100 })).status, 200);
    const snapshot = async () => ({
      programs: await b.db.query('SELECT program_id, status, stock, config, password_hash FROM programs WHERE merchant_id = $1 ORDER BY program_id', [b.merchantId]),
      orders: await b.db.query('SELECT order_id, status, refunded_fen FROM orders WHERE merchant_id = $1', [b.merchantId]),
      keys: await b.db.query('SELECT key_id, revoked_ms FROM api_keys WHERE merchant_id = $1', [b.merchantId]),
      ledger: await b.db.query('SELECT COUNT(*)::int AS n FROM merchant_ledger WHERE merchant_id = $1', [b.merchantId]),
      products: await b.db.query('SELECT product_id, name FROM products WHERE merchant_id = $1', [b.merchantId]),
    });
    const before = await snapshot();
    const ids = { program_id: 77, order_id: orderId, customer_id: buyerId, user_id: buyerId, id: 1, key_id: key.key_id, product_id: 'tea' };
    const aSession = await a.staff('owner');
    const aKey = (method, url, payload) => a.merchant(method, url, payload);
    const leaks = [];
    for (const [who, call] of [['session', aSession], ['key', aKey]]) {
      for (const route of merchantRoutes(a)) {
        const [method, pattern] = route.split(' ');
        const r = await call(method, fill(pattern, ids), method === 'GET' || method === 'DELETE' ? undefined : {});
        const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
        // A route about one of B's things answers as for a thing that does not exist; a list
        // names nothing of B's (B's merchant id is in its staff logins, its titles are unique).
        if (pattern.includes(':') && r.status < 400) leaks.push(`${who} ${route}: ${r.status}`);
        if (text.includes(String(b.merchantId)) || text.includes('乙的茶') || text.includes('乙的活动') || text.includes(`"order_id":${orderId},`)) {
          leaks.push(`${who} ${route}: shows B's data`);
        }
      }
    }
    assert.deepEqual(leaks, []);
    assert.deepEqual(await snapshot(), before, "B's rows are untouched");
    // B's own key and session still work: the walls are not simply everything refused.
    const own = await b.app.inject({ method: 'GET', url: '/api/merchant/programs', headers: { 'x-api-key': key.key } });
    assert.ok(own.json().programs.some((p) => Number(p.program_id) === 77));
    await a.close();
    await b.close();
  });
}
