// For the WeChat tests: the stand-in (standin/wechat) on free ports, the app from server-harness
// listening on a free port (the stand-in delivers Pay notifications to it), one merchant registered
// with the stand-in and its credentials PUT through the merchant API, and the browser's path
// through 网页授权 (start -> WeChat's authorize page -> pick a user -> callback -> one-time code ->
// session), cookies carried by hand.
'use strict';
const { createStandin } = require('../../standin/wechat/server');
const { harness } = require('./server-harness');

async function wechatSetup(kind, { unionid = false, users } = {}) {
  const st = await createStandin().start();
  const h = await harness(kind);
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${h.app.server.address().port}`;
  const reg = st.registerMerchant({ unionid, users });
  const conf = st.merchantConfig(reg);
  conf.options.notify_url = `${base}/api/wechat/pay/notify/${h.merchantId}`;
  conf.options.h5_origin = base;
  const put = await h.merchant('PUT', '/api/merchant/wechat', conf);
  if (put.status !== 200) throw new Error(`PUT /api/merchant/wechat: ${JSON.stringify(put.body)}`);
  const admin = async (method, path, body) => {
    const r = await fetch(`${st.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return r.json();
  };
  const userBy = (nickname) => reg.users.find((u) => u.nickname === nickname);

  // The browser's sign-in; `tamper` changes one step to show what the server refuses.
  async function signIn(nickname, { scope = 'base', ret = '/activity.html?id=1', tamper } = {}) {
    const start = await fetch(`${base}/api/wechat/oauth/start?${new URLSearchParams({ merchant_id: String(h.merchantId), return: ret, scope })}`, { redirect: 'manual' });
    if (start.status !== 302) return { step: 'start', status: start.status, body: await start.json() };
    const cookie = (start.headers.get('set-cookie') || '').split(';')[0];
    const authorize = start.headers.get('location');
    const pageHtml = await (await fetch(authorize.split('#')[0])).text();
    const u = userBy(nickname);
    const href = [...pageHtml.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].find((m) => m[2] === (u ? u.nickname : nickname));
    if (!href) throw new Error(`no ${nickname} on the authorize page`);
    const pick = await fetch(`${st.url}${href[1].replace(/&(?:amp|#38);/g, '&')}`, { redirect: 'manual' });
    let callback = new URL(pick.headers.get('location'));
    if (tamper === 'state') callback.searchParams.set('state', 'f'.repeat(32));
    const headers = tamper === 'cookie' ? {} : { cookie };
    if (tamper === 'other-browser') {
      // Another browser's own start: its cookie, our callback (login CSRF).
      const other = await fetch(`${base}/api/wechat/oauth/start?merchant_id=${h.merchantId}`, { redirect: 'manual' });
      headers.cookie = (other.headers.get('set-cookie') || '').split(';')[0];
    }
    const cb = await fetch(`${callback.pathname.startsWith('/') ? base : ''}${callback.pathname}${callback.search}`, { headers, redirect: 'manual' });
    if (cb.status !== 302) {
      const text = await cb.text(); // a page for the person, the code in data-code
      return { step: 'callback', status: cb.status, body: { errors: [{ code: (/data-code="([^"]+)"/.exec(text) || [])[1] }] }, text, pageHtml };
    }
    const back = cb.headers.get('location');
    const code = /#wx_login=([^&]+)/.exec(back)[1];
    const s = await fetch(`${base}/api/wechat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    const sbody = await s.json();
    return { step: 'done', status: s.status, back, code, session: sbody.session, userId: sbody.user_id, pageHtml, clearedCookie: cb.headers.get('set-cookie') };
  }

  // A signed-in user's caller (inject, the session as a Bearer token).
  const as = (session) => async (method, url, payload) => {
    const r = await h.app.inject({ method, url, payload, headers: { authorization: `Bearer ${session}` } });
    return { status: r.statusCode, body: r.json() };
  };

  return {
    st, h, base, reg, conf, admin, signIn, as, userBy,
    async close() { await h.close(); await st.stop(); },
  };
}

module.exports = { wechatSetup };
