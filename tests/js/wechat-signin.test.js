// Sign-in through 网页授权 against the stand-in: the user found or created by openid (and
// unionid), a session the existing pages accept, a forged or foreign state refused, the one-time
// code good once; the fans-only gate following the official account's user API; the JS-SDK
// signature checked the way the JS-SDK checks it; the merchant's credentials never read back.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { wechatSetup } = require('./wechat-harness');
const { campaignConfig } = require('./server-harness');
const { buildApp } = require('../../web/app');

const DB = process.env.PG_TEST_URL ? ['pglite', 'postgres'] : ['pglite'];

for (const kind of DB) {
  test(`${kind}: WeChat sign-in finds or creates the user by openid and issues a session`, async () => {
    const w = await wechatSetup(kind);
    try {
      const a = await w.signIn('王芳');
      assert.equal(a.step, 'done', JSON.stringify(a));
      assert.equal(a.status, 200);
      assert.match(a.back, /^\/activity\.html\?id=1#wx_login=/);
      assert.match(a.pageHtml, /静默授权/);
      assert.match(a.clearedCookie, /wx_oauth=;/, 'the state cookie is cleared at the callback');
      // The session is the dev login's format: the user pages accept it.
      const me = await w.as(a.session)('GET', '/api/me/wallet');
      assert.equal(me.status, 200);
      // The same WeChat user again: the same shop user.
      const b = await w.signIn('王芳');
      assert.equal(b.userId, a.userId);
      const c = await w.signIn('赵磊');
      assert.notEqual(c.userId, a.userId);
      // The one-time code is good once.
      const again = await fetch(`${w.base}/api/wechat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: a.code }) });
      assert.equal(again.status, 401);
      // Follow status was read at sign-in (王芳 follows, 赵磊 does not).
      const rows = await w.h.db.query('SELECT user_id, is_fan FROM users WHERE merchant_id = $1 ORDER BY user_id', [w.h.merchantId]);
      assert.deepEqual(rows.map((r) => [Number(r.user_id), r.is_fan]), [[a.userId, true], [c.userId, false]]);
    } finally {
      await w.close();
    }
  });

  test(`${kind}: snsapi_userinfo asks, stores the nickname, and joins accounts by unionid`, async () => {
    const w = await wechatSetup(kind, { unionid: true });
    try {
      const a = await w.signIn('张小红', { scope: 'userinfo' });
      assert.equal(a.step, 'done', JSON.stringify(a));
      assert.match(a.pageHtml, /申请获得你的昵称、头像/);
      const [u] = await w.h.db.query('SELECT u.nickname, wu.unionid, wu.avatar_url FROM users u JOIN wechat_users wu USING (merchant_id, user_id) WHERE u.merchant_id = $1 AND u.user_id = $2',
        [w.h.merchantId, a.userId]);
      assert.equal(u.nickname, '张小红');
      assert.equal(u.unionid, w.userBy('张小红').unionid);
      assert.match(u.avatar_url, /^https:\/\//);
      // The same person through another openid of the same unionid (say the merchant's other account): same user.
      await w.h.db.query("UPDATE wechat_users SET openid = 'o-old-openid' WHERE merchant_id = $1 AND user_id = $2", [w.h.merchantId, a.userId]);
      const b = await w.signIn('张小红', { scope: 'userinfo' });
      assert.equal(b.userId, a.userId);
    } finally {
      await w.close();
    }
  });

  test(`${kind}: a forged state, a missing cookie, another browser's cookie and a foreign return URL are refused`, async () => {
    const w = await wechatSetup(kind);
    try {
      for (const tamper of ['state', 'cookie', 'other-browser']) {
        const r = await w.signIn('王芳', { tamper });
        assert.equal(r.step, 'callback', tamper);
        assert.equal(r.status, 403, tamper);
        assert.equal(r.body.errors[0].code, 'E_OAUTH_STATE', tamper);
        assert.match(r.text, /登录已过期/, 'the person reads why, in Chinese');
      }
      const evil = await w.signIn('王芳', { ret: 'https://evil.example.com/steal' });
      assert.equal(evil.step, 'start');
      assert.equal(evil.body.errors[0].code, 'E_RETURN');
      for (const ret of ['//evil.example.com/steal', '\\\\evil.example.com', '/\t/evil.example.com', 'https:evil.example.com']) {
        const r = await w.signIn('王芳', { ret });
        assert.equal(r.step === 'start' ? r.body.errors[0].code : new URL(r.back, 'http://shop').host, r.step === 'start' ? 'E_RETURN' : 'shop', ret);
      }
      const [{ n }] = await w.h.db.query('SELECT COUNT(*)::int AS n FROM wechat_users WHERE merchant_id = $1', [w.h.merchantId]);
      assert.equal(n, 0, 'no refused sign-in created a user');
      // Dot segments cannot make a path into a host: the code goes to a path of this site.
      const dots = await w.signIn('王芳', { ret: '/.//evil.example.com/steal' });
      assert.equal(dots.step, 'done');
      assert.match(dots.back, /^\/evil\.example\.com\/steal#wx_login=/);
    } finally {
      await w.close();
    }
  });

  test(`${kind}: the fans-only gate follows the official account; 我已关注 refreshes at once, otherwise cached`, async () => {
    const w = await wechatSetup(kind);
    try {
      await w.h.merchant('POST', '/api/merchant/topup', { amount_fen: 100000, idem_key: 't' });
      assert.equal((await w.h.merchant('POST', '/api/merchant/programs', { program_id: 1, config: campaignConfig(w.h.clock.now, { fans_only: true }) })).status, 200);
      assert.equal((await w.h.merchant('POST', '/api/merchant/programs/1/publish')).status, 200);
      const z = await w.signIn('赵磊');
      const u = w.as(z.session);
      let view = await u('GET', '/api/programs/1');
      assert.equal(view.body.gate.buy.allowed, false);
      assert.ok(view.body.gate.reasons.some((r) => r.code === 'G_NOT_FAN'));
      // He follows the account in WeChat; the cached status holds until he taps 我已关注.
      await w.admin('PATCH', `/__admin/users/${w.userBy('赵磊').openid}`, { subscribe: true });
      w.h.clock.now += 10000;
      let f = await u('POST', '/api/wechat/follow-status', {});
      assert.deepEqual([f.status, f.body.is_fan, f.body.cached], [200, false, true]);
      f = await u('POST', '/api/wechat/follow-status', { refresh: true });
      assert.deepEqual([f.body.is_fan, f.body.cached], [true, false]);
      view = await u('GET', '/api/programs/1');
      assert.equal(view.body.gate.buy.allowed, true, JSON.stringify(view.body.gate));
      // Tapping again within 3 s reads the cache, not WeChat.
      const before = (await w.admin('GET', '/__admin/state')).counts['GET /cgi-bin/user/info'];
      f = await u('POST', '/api/wechat/follow-status', { refresh: true });
      assert.equal(f.body.cached, true);
      // He unfollows: after the cache time the status is read again by itself.
      await w.admin('PATCH', `/__admin/users/${w.userBy('赵磊').openid}`, { subscribe: false });
      w.h.clock.now += 5 * 60000 + 1;
      f = await u('POST', '/api/wechat/follow-status', {});
      assert.deepEqual([f.body.is_fan, f.body.cached], [false, false]);
      assert.equal((await w.admin('GET', '/__admin/state')).counts['GET /cgi-bin/user/info'], before + 1);
      // A dev-login user has no WeChat identity.
      const dev = await w.h.login(77);
      assert.equal((await dev('POST', '/api/wechat/follow-status', {})).status, 404);
    } finally {
      await w.close();
    }
  });

  test(`${kind}: the JS-SDK signature verifies where the JS-SDK checks it, for the URL without its fragment`, async () => {
    const w = await wechatSetup(kind);
    try {
      const a = await w.signIn('王芳');
      const u = w.as(a.session);
      const page = `${w.base}/activity.html?id=1&from=singlemessage&isappinstalled=0#wechat_redirect`;
      const r = await u('POST', '/api/wechat/jssdk-signature', { url: page });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.appId, w.reg.appid);
      assert.equal(r.body.url, page.split('#')[0]);
      const check = (url, sig = r.body) => w.admin('POST', '/__standin/jssdk/check', { appId: sig.appId, timestamp: sig.timestamp, nonceStr: sig.nonceStr, signature: sig.signature, url });
      assert.equal((await check(page)).errMsg, 'config:ok', 'location.href with its fragment: the JS-SDK drops it');
      assert.equal((await check(`${w.base}/activity.html?id=2`)).errMsg, 'config:invalid signature');
      assert.equal((await check(page, { ...r.body, nonceStr: 'x' })).errMsg, 'config:invalid signature');
      // Another site's page is not signed.
      assert.equal((await u('POST', '/api/wechat/jssdk-signature', { url: 'https://evil.example.com/a' })).status, 400);
      // A second page: the cached ticket, no new fetch.
      await u('POST', '/api/wechat/jssdk-signature', { url: `${w.base}/me.html` });
      const counts = (await w.admin('GET', '/__admin/state')).counts;
      assert.equal(counts[`ticket:${w.reg.appid}`], 1);
    } finally {
      await w.close();
    }
  });

  test(`${kind}: two server instances share one access token and one jsapi_ticket (one fetch each)`, async () => {
    const w = await wechatSetup(kind);
    try {
      const a = await w.signIn('王芳'); // sign-in fetched the access token (user/info)
      // A second instance over the same database, a fresh process's caches.
      const app2 = buildApp({ db: w.h.db, engine: w.h.engine, secret: 'test-secret', clock: () => w.h.clock.now });
      await app2.ready();
      try {
        await w.h.db.query("UPDATE wechat_tokens SET value = NULL, expires_ms = 0 WHERE appid = $1", [w.reg.appid]);
        const before = (await w.admin('GET', '/__admin/state')).counts[`token:${w.reg.appid}`] || 0;
        await w.admin('POST', '/__admin/faults', { path: '/cgi-bin/token', mode: 'slow', ms: 300, times: 1 });
        const call = (app) => app.inject({ method: 'POST', url: '/api/wechat/jssdk-signature', payload: { url: `${w.base}/a.html` },
          headers: { authorization: `Bearer ${a.session}`, host: new URL(w.base).host } });
        const results = await Promise.all([call(w.h.app), call(app2), call(w.h.app), call(app2), call(app2)]);
        for (const r of results) assert.equal(r.statusCode, 200, r.body);
        const counts = (await w.admin('GET', '/__admin/state')).counts;
        assert.equal(counts[`token:${w.reg.appid}`], before + 1, 'one token fetch for both instances');
        assert.equal(counts[`ticket:${w.reg.appid}`], 1, 'one ticket fetch for both instances');
        const sigs = new Set(results.map((r) => r.json().signature));
        assert.ok(sigs.size >= 1);
        for (const r of results) {
          const b = r.json();
          assert.equal((await w.admin('POST', '/__standin/jssdk/check', { appId: b.appId, timestamp: b.timestamp, nonceStr: b.nonceStr, signature: b.signature, url: b.url })).errMsg, 'config:ok');
        }
      } finally {
        await app2.close();
      }
    } finally {
      await w.close();
    }
  });

  test(`${kind}: merchant credentials: secrets are never read back; production refuses the stand-in and the dev login`, async () => {
    const w = await wechatSetup(kind);
    try {
      const r = await w.h.merchant('GET', '/api/merchant/wechat');
      assert.equal(r.status, 200);
      const text = JSON.stringify(r.body);
      for (const secret of [w.reg.app_secret, w.reg.apiv3_key, w.reg.apiv2_key, 'PRIVATE KEY']) assert.ok(!text.includes(secret), 'no secret in the answer');
      assert.equal(r.body.wechat.apiv3_key_set, true);
      assert.equal(r.body.wechat.mchid, w.reg.mchid);
      const [row] = await w.h.db.query('SELECT * FROM wechat_merchants WHERE merchant_id = $1', [w.h.merchantId]);
      assert.ok(!JSON.stringify(row).includes(w.reg.app_secret), 'secrets are sealed in the database');
      // The credentials work (token fetched, a signed Pay request accepted); a wrong secret or key says so.
      assert.deepEqual((await w.h.merchant('POST', '/api/merchant/wechat/check')).body.check, { official_account: { ok: true }, pay: { ok: true } });
      const other = require('crypto').generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
      await w.h.db.query('DELETE FROM wechat_tokens WHERE appid = $1', [w.reg.appid]);
      assert.equal((await w.h.merchant('PUT', '/api/merchant/wechat', { appid: w.reg.appid, app_secret: 'wrong', mch_private_key: other.privateKey })).status, 200);
      const bad = (await w.h.merchant('POST', '/api/merchant/wechat/check')).body.check;
      assert.deepEqual([bad.official_account.ok, bad.official_account.errcode, bad.pay.ok, bad.pay.code], [false, 40125, false, 'SIGN_ERROR']);
      // An operator may not see or change them.
      const op = await w.h.staff('operator');
      assert.equal((await op('GET', '/api/merchant/wechat')).status, 403);
      // Another server SECRET cannot open them: a clear refusal, and entering them again works.
      const other2 = buildApp({ db: w.h.db, engine: w.h.engine, secret: 'another-secret', clock: () => w.h.clock.now });
      await other2.ready();
      try {
        const check = await other2.inject({ method: 'POST', url: '/api/merchant/wechat/check', headers: { 'x-api-key': w.h.apiKey } });
        assert.equal(check.json().errors[0].code, 'E_WECHAT_NOT_CONFIGURED');
        const again = await other2.inject({ method: 'PUT', url: '/api/merchant/wechat', headers: { 'x-api-key': w.h.apiKey }, payload: w.conf });
        assert.equal(again.statusCode, 200);
        assert.equal((await other2.inject({ method: 'POST', url: '/api/merchant/wechat/check', headers: { 'x-api-key': w.h.apiKey } })).json().check.pay.ok, true);
      } finally {
        await other2.close();
      }
      // Production: the stand-in's URLs are refused, and so is the development login.
      const prod = buildApp({ db: w.h.db, engine: w.h.engine, secret: 'test-secret', mode: 'production', clock: () => w.h.clock.now });
      await prod.ready();
      try {
        const put = await prod.inject({ method: 'PUT', url: '/api/merchant/wechat', headers: { 'x-api-key': w.h.apiKey }, payload: { urls: { pay: w.st.url } } });
        assert.equal(put.statusCode, 400);
        assert.equal(put.json().errors[0].code, 'E_WECHAT_HOST');
        const start = await prod.inject({ method: 'GET', url: `/api/wechat/oauth/start?merchant_id=${w.h.merchantId}` });
        assert.equal(start.statusCode, 400, 'stored stand-in URLs are refused in production too');
        const dev = await prod.inject({ method: 'POST', url: '/api/dev/login', payload: { merchant_id: w.h.merchantId, user_id: 1 } });
        assert.equal(dev.json().errors[0].code, 'E_DEV_ONLY');
      } finally {
        await prod.close();
      }
      const old = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      try {
        assert.throws(() => require('../../standin/wechat/server').createStandin(), /refuses/);
      } finally {
        if (old === undefined) delete process.env.NODE_ENV; else process.env.NODE_ENV = old;
      }
    } finally {
      await w.close();
    }
  });
}
