// In a real browser (headless Chromium), the whole WeChat path a page takes against the stand-in:
// the OAuth redirect chain with its cookie (user picked on the stand-in's page), the one-time code
// in the fragment traded for a session, the JS-SDK signature for location.href, wx.config checked
// by the stand-in's jweixin.js, share data for friends and Moments, and a JSAPI payment through
// WeixinJSBridge with the paySign the server made. The page is the test's own, served by a small
// front that passes /api to the app; the shop's pages are wired to this by a later session.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { wechatSetup } = require('./wechat-harness');
const { launch } = require('./pages-harness');
const { createWechat } = require('../../web/wechat');
const http = require('http');

// The shop's front: serves the test page and passes everything else to the app (as a reverse
// proxy in front of the server would), so the page, the OAuth return and /api share one origin.
async function front(appBase, html) {
  const srv = http.createServer((req, res) => {
    if (req.url.split('?')[0] === '/wx-test.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(html);
    }
    const up = http.request(`${appBase}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${srv.address().port}`, close: () => new Promise((r) => { srv.closeAllConnections(); srv.close(r); }) };
}

const PAGE = (standin) => `<!doctype html><html><head><meta charset="utf-8"><script src="${standin}/__standin/jweixin.js"></script></head><body>
<p id="out">…</p><script>
(async () => {
  const out = (t) => { document.getElementById('out').textContent = t; };
  const code = /#wx_login=([^&]+)/.exec(location.hash)[1];
  history.replaceState(null, '', location.pathname + location.search); // the code leaves the address bar
  const s = await (await fetch('/api/wechat/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) })).json();
  window.session = s.session;
  const sig = await (await fetch('/api/wechat/jssdk-signature', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + s.session },
    body: JSON.stringify({ url: location.href }) })).json();
  wx.config({ debug: false, appId: sig.appId, timestamp: sig.timestamp, nonceStr: sig.nonceStr, signature: sig.signature,
    jsApiList: ['updateAppMessageShareData', 'updateTimelineShareData'] });
  wx.error((e) => out('config error ' + e.errMsg));
  wx.ready(() => {
    wx.updateAppMessageShareData({ title: '一起拼', desc: '好物分享', link: location.href, imgUrl: location.origin + '/demo-logo.svg',
      success: () => wx.updateTimelineShareData({ title: '一起拼', link: location.href, imgUrl: location.origin + '/demo-logo.svg', success: () => out('shared ' + s.user_id) }) });
  });
})().catch((e) => { document.getElementById('out').textContent = 'error ' + e.message; });
</script></body></html>`;

test('browser: WeChat sign-in, wx.config, share data and a WeixinJSBridge payment through the stand-in', async () => {
  const w = await wechatSetup('pglite');
  const b = await launch();
  const site = await front(w.base, PAGE(w.st.url));
  try {
    assert.equal((await w.h.merchant('PUT', '/api/merchant/wechat', { appid: w.reg.appid, options: { h5_origin: site.url } })).status, 200);
    const ctx = await b.phone();
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => errors.push(`console ${m.type()}: ${m.text()}`));
    await page.goto(`${site.url}/api/wechat/oauth/start?merchant_id=${w.h.merchantId}&return=${encodeURIComponent('/wx-test.html?id=1')}&scope=userinfo`);
    assert.match(await page.textContent('body'), /申请获得你的昵称、头像/);
    await page.click('text=王芳');
    await page.waitForURL(/\/wx-test\.html/, { timeout: 20000 });
    await page.waitForFunction(() => document.getElementById('out') && /^shared|error/.test(document.getElementById('out').textContent), null, { timeout: 20000 }).catch(async (e) => {
      throw new Error(`${e.message}; page says ${await page.textContent('body')}; ${errors.join(' | ')}`);
    });
    const out = await page.textContent('#out');
    assert.match(out, /^shared \d+$/, out);
    assert.equal(new URL(page.url()).hash, '', 'the sign-in code is gone from the address bar');
    const state = await w.admin('GET', '/__admin/state');
    assert.deepEqual(state.shares.map((x) => x.kind), ['updateAppMessageShareData', 'updateTimelineShareData']);
    assert.equal(state.shares[0].appId, w.reg.appid);
    assert.match(state.shares[0].url, /\/wx-test\.html\?id=1$/);

    // The payment: the server's prepay parameters, WeixinJSBridge in the page, the user says 1 (pay).
    const c = await createWechat({ db: w.h.db, secret: 'test-secret', mode: 'development' }).forMerchant(w.h.merchantId);
    const [{ openid }] = await w.h.db.query('SELECT openid FROM wechat_users WHERE merchant_id = $1', [w.h.merchantId]);
    const pre = await c.pay.prepay({ out_trade_no: 'BROWSER0001', description: '测试', amount_fen: 100, openid, expire_ms: Date.now() + 600000, notify_url: w.conf.options.notify_url });
    page.once('dialog', (d) => d.accept('1'));
    const res = await page.evaluate((params) => new Promise((resolve) => window.WeixinJSBridge.invoke('getBrandWCPayRequest', params, resolve)), pre.params);
    assert.equal(res.err_msg, 'get_brand_wcpay_request:ok');
    await w.st.settle();
    const [n] = await w.h.db.query('SELECT event_type, resource FROM wechat_notifications WHERE merchant_id = $1', [w.h.merchantId]);
    assert.equal(n.resource.out_trade_no, 'BROWSER0001');
  } finally {
    await b.close();
    await site.close();
    await w.close();
  }
});
