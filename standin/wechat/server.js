// A local stand-in for WeChat, for development and tests only (it refuses NODE_ENV=production).
// It speaks the protocol of the interfaces the shop's adapters (web/wechat/) call:
//   open.weixin.qq.com  网页授权 page with a user picker (snsapi_base / snsapi_userinfo consent)
//   api.weixin.qq.com   sns/oauth2/access_token, sns/userinfo, cgi-bin/token, ticket/getticket,
//                       user/info (subscribe), message/template/send
//   api.mch.weixin.qq.com  v3 JSAPI prepay / query / close, refunds and their query, transfer bills
//                       (create, query, cancel; the user's confirm step), v2 sendredpack / gethbinfo
// It checks every request as WeChat does (app secret and tokens; v3 Authorization
// WECHATPAY2-SHA256-RSA2048 against the merchant certificate, timestamp and nonce; v2 sign with the
// APIv2 key and the merchant certificate on the TLS connection), signs every v3 answer and
// notification with its own platform key pair (made at start), encrypts notifications with the
// merchant's APIv3 key (AEAD_AES_256_GCM) and delivers them to the notify_url. What WeixinJSBridge
// and wx.requestMerchantTransfer do in the user's WeChat is under /__standin/, the controls
// (merchants, users, faults, notifications, clock) under /__admin/. docs/wechat.md.
'use strict';
const crypto = require('crypto');
const http = require('http');
const https = require('https');
const { createCa, rsaPair } = require('./certs');

const CST_MS = 8 * 3600000;
const rand = (n) => crypto.randomBytes(n).toString('hex');
const b64u = (n) => crypto.randomBytes(n).toString('base64url');
const nowS = () => Math.floor(Date.now() / 1000);
const rfc3339 = (ms) => `${new Date(Math.floor(ms / 1000) * 1000 + CST_MS).toISOString().replace(/\.\d{3}Z$/, '')}+08:00`;
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// v2 XML: flat <xml><k>v</k>…</xml>, CDATA or text.
function parseXml(xml) {
  const out = {};
  const body = /<xml>([\s\S]*)<\/xml>/.exec(String(xml));
  if (!body) return null;
  for (const m of body[1].matchAll(/<(\w+)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g)) out[m[1]] = m[2] !== undefined ? m[2] : m[3];
  return out;
}
const toXml = (o) => `<xml>${Object.entries(o).map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`).join('')}</xml>`;

function v2Sign(params, key, type = 'MD5') {
  const plain = `${Object.keys(params).filter((k) => k !== 'sign' && params[k] !== undefined && params[k] !== '').sort()
    .map((k) => `${k}=${params[k]}`).join('&')}&key=${key}`;
  return type === 'HMAC-SHA256' ? crypto.createHmac('sha256', key).update(plain).digest('hex').toUpperCase()
    : crypto.createHash('md5').update(plain).digest('hex').toUpperCase();
}

function createStandin({ host = '127.0.0.1', log = () => {} } = {}) {
  if (process.env.NODE_ENV === 'production') throw new Error('the WeChat stand-in refuses to run with NODE_ENV=production');
  const ca = createCa();
  const tlsKey = rsaPair();
  const tlsCert = ca.issue(tlsKey.privateKey, '/CN=127.0.0.1', { san: 'IP:127.0.0.1,DNS:localhost' });
  const newPlatformKey = () => ({ ...rsaPair(), id: `PUB_KEY_ID_01${String(Date.now()).slice(-10)}${rand(4)}`.slice(0, 40) });
  let platform = newPlatformKey();

  const s = {
    apps: new Map(), // appid -> {appid, secret, unionid, users: Map openid -> user}
    merchants: new Map(), // mchid -> {mchid, appid, serial, publicKey, fingerprint, apiv2_key, apiv3_key}
    codes: new Map(), oauthTokens: new Map(), accessTokens: new Map(), tickets: new Map(),
    orders: new Map(), prepays: new Map(), refunds: new Map(), bills: new Map(), packages: new Map(), redpacks: new Map(),
    templates: [], shares: [], nonces: new Map(), faults: [], outbox: [], counts: {}, clockOffsetMs: 0,
    retryDelaysMs: [15000, 15000, 30000, 180000, 600000],
  };
  const count = (k) => { s.counts[k] = (s.counts[k] || 0) + 1; };
  const bizNow = () => Date.now() + s.clockOffsetMs; // business time (red packet hours, expiry); signatures use real time

  // ---- notifications: signed with the platform key, resource sealed with the APIv3 key ----
  function sealResource(m, originalType, obj) {
    const nonce = b64u(9).slice(0, 12);
    const aad = originalType;
    const c = crypto.createCipheriv('aes-256-gcm', Buffer.from(m.apiv3_key), nonce).setAAD(Buffer.from(aad));
    const ct = Buffer.concat([c.update(JSON.stringify(obj), 'utf8'), c.final(), c.getAuthTag()]).toString('base64');
    return { original_type: originalType, algorithm: 'AEAD_AES_256_GCM', ciphertext: ct, associated_data: aad, nonce };
  }
  function signedHeaders(body) {
    const ts = String(nowS());
    const nonce = rand(16);
    const sig = crypto.sign('sha256', Buffer.from(`${ts}\n${nonce}\n${body}\n`), platform.privateKey).toString('base64');
    return { 'Wechatpay-Timestamp': ts, 'Wechatpay-Nonce': nonce, 'Wechatpay-Serial': platform.id, 'Wechatpay-Signature': sig, 'Request-ID': rand(8) };
  }
  async function deliver(n) {
    const headers = { 'content-type': 'application/json', ...signedHeaders(n.body) };
    try {
      const r = await fetch(n.url, { method: 'POST', headers, body: n.body, signal: AbortSignal.timeout(5000) });
      n.deliveries.push({ status: r.status, body: await r.text().catch(() => '') });
    } catch (e) {
      n.deliveries.push({ status: 0, error: e.message });
    }
    return n.deliveries[n.deliveries.length - 1];
  }
  function notify(m, url, eventType, originalType, resource, summary) {
    if (!url) return null;
    const body = JSON.stringify({ id: crypto.randomUUID(), create_time: rfc3339(bizNow()), resource_type: 'encrypt-resource', event_type: eventType,
      summary, resource: sealResource(m, originalType, resource) });
    const n = { id: JSON.parse(body).id, url, event_type: eventType, body, deliveries: [], held: false };
    s.outbox.push(n);
    const f = fault(`notify:${eventType}`);
    if (f && f.mode === 'never') { n.held = true; return n; }
    const delay = f && (f.mode === 'late' || f.mode === 'slow') ? f.ms || 1000 : 0;
    n.pending = (async () => {
      if (delay) await sleep(delay);
      const d = await deliver(n);
      if (f && f.mode === 'twice') await deliver(n);
      else if (!(d.status >= 200 && d.status < 300)) retry(n, 0);
    })();
    return n;
  }
  // Not answered 2xx: delivered again after each of s.retryDelaysMs (WeChat: 15s/15s/30s/3m/10m/…),
  // on timers that do not keep the process alive.
  function retry(n, i) {
    if (i >= s.retryDelaysMs.length) return;
    setTimeout(async () => {
      const d = await deliver(n);
      if (!(d.status >= 200 && d.status < 300)) retry(n, i + 1);
    }, s.retryDelaysMs[i]).unref();
  }

  // ---- faults: {path (substring of the path, or notify:<EVENT>), mode: slow|fail|twice|late|never, ms, times} ----
  function fault(where) {
    const i = s.faults.findIndex((f) => where.includes(f.path));
    if (i < 0) return null;
    const f = s.faults[i];
    if (f.times !== undefined && --f.times <= 0) s.faults.splice(i, 1);
    return f;
  }

  // ---- merchants and users ----
  function addUser(app, { nickname, subscribe = true, openid = `o${b64u(20)}`.slice(0, 28), headimgurl } = {}) {
    const u = { openid, unionid: app.unionid ? `u${b64u(20)}`.slice(0, 28) : undefined, nickname: nickname || `微信用户${app.users.size + 1}`,
      headimgurl: headimgurl || `https://thirdwx.qlogo.cn/mmopen/standin/${openid}/132`, subscribe: !!subscribe, subscribe_time: nowS() };
    app.users.set(u.openid, u);
    return u;
  }
  function registerMerchant({ unionid = false, users } = {}) {
    const appid = `wx${rand(8)}`;
    const app = { appid, secret: rand(16), unionid, users: new Map() };
    s.apps.set(appid, app);
    for (const u of users || [{ nickname: '王芳', subscribe: true }, { nickname: '赵磊', subscribe: false }, { nickname: '张小红', subscribe: true }]) addUser(app, u);
    const mchid = String(1600000000 + crypto.randomInt(99999999));
    const key = rsaPair();
    const cert = ca.issue(key.privateKey, `/O=WeChat Stand-in/OU=${mchid}/CN=${mchid}`);
    const m = { mchid, appid, serial: cert.x509.serialNumber.toUpperCase(), publicKey: key.publicKey, fingerprint: cert.x509.fingerprint256,
      apiv2_key: b64u(24).slice(0, 32), apiv3_key: b64u(24).slice(0, 32) };
    s.merchants.set(mchid, m);
    return {
      appid, app_secret: app.secret, mchid, mch_serial: m.serial, mch_private_key: key.privateKey, mch_cert_pem: cert.pem,
      apiv2_key: m.apiv2_key, apiv3_key: m.apiv3_key, platform_serial: platform.id, platform_public_key: platform.publicKey, pay_ca: ca.caPem,
      users: [...app.users.values()],
    };
  }

  // ---- HTTP plumbing ----
  const send = (res, status, body, headers = {}) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': typeof body === 'string' && !headers['content-type'] ? 'text/html; charset=utf-8' : 'application/json', ...headers });
    res.end(text);
  };
  const json = (res, body, status = 200) => send(res, status, body, { 'content-type': 'application/json' });
  const oaErr = (res, errcode, errmsg) => json(res, { errcode, errmsg });
  // v3 answers are signed, errors included (WeChat signs them too).
  const v3 = (res, status, body) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { ...(text ? { 'content-type': 'application/json' } : {}), ...signedHeaders(text) });
    res.end(text);
  };
  const v3err = (res, status, code, message) => v3(res, status, { code, message });

  // v3: Authorization WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"
  function checkV3(req, raw) {
    const a = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(req.headers.authorization || '');
    if (!a) return [401, 'SIGN_ERROR', '缺少或无法识别的 Authorization'];
    const kv = Object.fromEntries([...a[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const m = s.merchants.get(kv.mchid);
    if (!m) return [401, 'SIGN_ERROR', '商户号不存在'];
    if (kv.serial_no !== m.serial) return [401, 'SIGN_ERROR', '证书序列号不匹配'];
    if (!/^\d+$/.test(kv.timestamp || '') || Math.abs(nowS() - Number(kv.timestamp)) > 300) return [401, 'SIGN_ERROR', '时间戳超出 5 分钟'];
    const nonceKey = `${kv.mchid}:${kv.nonce_str}`;
    if (!kv.nonce_str || s.nonces.has(nonceKey)) return [401, 'SIGN_ERROR', '随机串重复'];
    const msg = `${req.method}\n${req.url}\n${kv.timestamp}\n${kv.nonce_str}\n${raw}\n`;
    let ok = false;
    try { ok = crypto.verify('sha256', Buffer.from(msg), m.publicKey, Buffer.from(kv.signature || '', 'base64')); } catch { ok = false; }
    if (!ok) return [401, 'SIGN_ERROR', '签名错误'];
    s.nonces.set(nonceKey, Date.now());
    if (s.nonces.size > 10000) for (const [k, t] of s.nonces) if (t < Date.now() - 600000) s.nonces.delete(k);
    return m;
  }

  const token = (map, t, appid) => {
    const x = map.get(t);
    return x && x.exp > Date.now() && (!appid || x.appid === appid) ? x : null;
  };

  async function handle(req, res, secure) {
    const url = new URL(req.url, 'http://standin');
    const p = url.pathname;
    const qs = Object.fromEntries(url.searchParams);
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = () => { try { return raw ? JSON.parse(raw) : {}; } catch { return null; } };
    count(`${req.method} ${p.replace(/\/(?:out-trade-no|out-bill-no|refunds)\/[^/]+/, (x) => x.replace(/\/[^/]+$/, '/:id'))}`);
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'content-type');
    if (req.method === 'OPTIONS') return send(res, 204, '');

    if (!p.startsWith('/__admin')) {
      const f = fault(p);
      if (f && (f.mode === 'slow' || f.mode === 'late')) await sleep(f.ms || 1000);
      if (f && f.mode === 'fail') {
        if (p.startsWith('/v3/')) return v3err(res, f.status || 500, f.code || 'SYSTEM_ERROR', '系统繁忙，请稍后再试');
        if (p.startsWith('/mmpaymkttransfers/')) return send(res, 200, toXml({ return_code: 'SUCCESS', result_code: 'FAIL', err_code: f.code || 'SYSTEM_ERROR', err_code_des: '系统繁忙,请稍后再试' }), { 'content-type': 'text/xml' });
        return oaErr(res, -1, 'system error');
      }
    }

    // ---------- admin ----------
    if (p === '/__admin/merchants' && req.method === 'POST') return json(res, { ok: true, ...registerMerchant(body() || {}) });
    if (p === '/__admin/users' && req.method === 'POST') {
      const b = body() || {};
      const app = s.apps.get(b.appid);
      if (!app) return json(res, { ok: false, error: 'unknown appid' }, 404);
      return json(res, { ok: true, user: addUser(app, b) });
    }
    if (p.startsWith('/__admin/users/') && req.method === 'PATCH') {
      const openid = decodeURIComponent(p.slice('/__admin/users/'.length));
      const b = body() || {};
      for (const app of s.apps.values()) {
        const u = app.users.get(openid);
        if (u) {
          if (b.subscribe !== undefined) { u.subscribe = !!b.subscribe; u.subscribe_time = nowS(); }
          if (b.nickname) u.nickname = b.nickname;
          return json(res, { ok: true, user: u });
        }
      }
      return json(res, { ok: false, error: 'unknown openid' }, 404);
    }
    if (p === '/__admin/faults' && req.method === 'POST') { s.faults.push(body()); return json(res, { ok: true, faults: s.faults }); }
    if (p === '/__admin/faults' && req.method === 'DELETE') { s.faults.length = 0; return json(res, { ok: true }); }
    if (p === '/__admin/notify-retry' && req.method === 'POST') { s.retryDelaysMs = (body() || {}).delays_ms || []; return json(res, { ok: true }); }
    // WeChat rotates its platform key: answers and notifications are signed with the new one from now on.
    if (p === '/__admin/platform/rotate' && req.method === 'POST') {
      platform = newPlatformKey();
      return json(res, { ok: true, platform_serial: platform.id, platform_public_key: platform.publicKey });
    }
    if (p === '/__admin/clock' && req.method === 'POST') { s.clockOffsetMs = Number((body() || {}).offset_ms) || 0; return json(res, { ok: true }); }
    if (p === '/__admin/state' && req.method === 'GET') {
      return json(res, { ok: true, counts: s.counts, templates: s.templates, shares: s.shares, orders: [...s.orders.values()], refunds: [...s.refunds.values()],
        bills: [...s.bills.values()], redpacks: [...s.redpacks.values()],
        notifications: s.outbox.map((n) => ({ id: n.id, url: n.url, event_type: n.event_type, held: n.held, deliveries: n.deliveries })) });
    }
    // Deliver a notification again (a replay), held ones for the first time, or with a changed body (tamper).
    const nm = /^\/__admin\/notifications\/([^/]+)\/deliver$/.exec(p);
    if (nm && req.method === 'POST') {
      const n = s.outbox.find((x) => x.id === nm[1]);
      if (!n) return json(res, { ok: false }, 404);
      if (n.pending) await n.pending;
      const b = body() || {};
      n.held = false;
      if (b.tamper) {
        const copy = { ...n, body: n.body.replace('"event_type":"', '"event_type":"X'), deliveries: [] };
        const headers = { 'content-type': 'application/json', ...signedHeaders(n.body) }; // signed over the original
        const r = await fetch(n.url, { method: 'POST', headers, body: copy.body });
        return json(res, { ok: true, delivery: { status: r.status, body: await r.text() } });
      }
      return json(res, { ok: true, delivery: await deliver(n) });
    }
    if (p === '/__admin/notifications/raw' && req.method === 'GET') {
      const n = s.outbox.find((x) => x.id === qs.id);
      return n ? json(res, { ok: true, body: n.body, url: n.url }) : json(res, { ok: false }, 404);
    }
    const rp = /^\/__admin\/redpacks\/([^/]+)\/receive$/.exec(p);
    if (rp && req.method === 'POST') {
      const r = s.redpacks.get(rp[1]);
      if (!r) return json(res, { ok: false }, 404);
      r.status = 'RECEIVED';
      r.rcv_time = rfc3339(bizNow());
      return json(res, { ok: true });
    }

    // ---------- 网页授权 ----------
    if (p === '/connect/oauth2/authorize' && req.method === 'GET') {
      const app = s.apps.get(qs.appid);
      if (!app) return send(res, 200, page('出错了', '<p>appid 无效（10003 redirect_uri 域名与后台配置不一致 / appid 不存在）</p>'));
      if (qs.response_type !== 'code' || !['snsapi_base', 'snsapi_userinfo'].includes(qs.scope) || !/^https?:\/\//.test(qs.redirect_uri || '')) {
        return send(res, 200, page('出错了', '<p>参数错误：response_type、scope 或 redirect_uri 无效</p>'));
      }
      const link = (openid) => `/connect/oauth2/authorize/pick?${new URLSearchParams({ ...qs, openid })}`;
      const consent = qs.scope === 'snsapi_userinfo' ? '<p class="ask">该网页申请获得你的昵称、头像</p>' : '<p class="ask">静默授权（snsapi_base）：只取 openid</p>';
      const items = [...app.users.values()].map((u) => `<li><a href="${esc(link(u.openid))}">${esc(u.nickname)}</a>
        <span>${u.subscribe ? '已关注公众号' : '未关注'}</span></li>`).join('');
      return send(res, 200, page('微信授权（本地替身）', `${consent}<p>选择以哪位微信用户的身份${qs.scope === 'snsapi_userinfo' ? '允许' : '进入'}：</p>
        <ul>${items}<li><a href="${esc(link('new'))}">新的微信用户</a></li></ul>`));
    }
    if (p === '/connect/oauth2/authorize/pick' && req.method === 'GET') {
      const app = s.apps.get(qs.appid);
      if (!app) return send(res, 404, page('出错了', '<p>appid 无效</p>'));
      const u = qs.openid === 'new' ? addUser(app, {}) : app.users.get(qs.openid);
      if (!u) return send(res, 404, page('出错了', '<p>用户不存在</p>'));
      const code = b64u(24);
      s.codes.set(code, { appid: app.appid, openid: u.openid, scope: qs.scope, exp: Date.now() + 300000 });
      const to = new URL(qs.redirect_uri);
      to.searchParams.set('code', code);
      to.searchParams.set('state', qs.state || '');
      return send(res, 302, '', { location: to.toString() });
    }
    if (p === '/sns/oauth2/access_token' && req.method === 'GET') {
      const app = s.apps.get(qs.appid);
      if (!app || app.secret !== qs.secret) return oaErr(res, 40125, 'invalid appsecret');
      if (qs.grant_type !== 'authorization_code') return oaErr(res, 40002, 'invalid grant_type');
      const c = s.codes.get(qs.code);
      s.codes.delete(qs.code); // a code is good once
      if (!c || c.appid !== app.appid || c.exp < Date.now()) return oaErr(res, 40029, 'invalid code');
      const u = app.users.get(c.openid);
      const t = b64u(32);
      s.oauthTokens.set(t, { appid: app.appid, openid: u.openid, scope: c.scope, exp: Date.now() + 7200000 });
      return json(res, { access_token: t, expires_in: 7200, refresh_token: b64u(32), openid: u.openid, scope: c.scope,
        ...(u.unionid && c.scope === 'snsapi_userinfo' ? { unionid: u.unionid } : {}) });
    }
    if (p === '/sns/userinfo' && req.method === 'GET') {
      const t = token(s.oauthTokens, qs.access_token);
      if (!t || t.openid !== qs.openid) return oaErr(res, 40001, 'invalid credential, access_token is invalid or not latest');
      if (t.scope !== 'snsapi_userinfo') return oaErr(res, 48001, 'api unauthorized');
      const u = s.apps.get(t.appid).users.get(t.openid);
      return json(res, { openid: u.openid, nickname: u.nickname, sex: 0, province: '', city: '', country: '', headimgurl: u.headimgurl, privilege: [],
        ...(u.unionid ? { unionid: u.unionid } : {}) });
    }

    // ---------- official account ----------
    if (p === '/cgi-bin/token' && req.method === 'GET') {
      const app = s.apps.get(qs.appid);
      if (!app) return oaErr(res, 40013, 'invalid appid');
      if (app.secret !== qs.secret) return oaErr(res, 40125, 'invalid appsecret');
      count(`token:${app.appid}`);
      // A new token; the previous one stays valid for 5 more minutes, as WeChat does.
      for (const [k, v] of s.accessTokens) if (v.appid === app.appid) v.exp = Math.min(v.exp, Date.now() + 300000);
      const t = b64u(48);
      s.accessTokens.set(t, { appid: app.appid, exp: Date.now() + 7200000 });
      return json(res, { access_token: t, expires_in: 7200 });
    }
    const at = () => token(s.accessTokens, qs.access_token);
    if (p === '/cgi-bin/ticket/getticket' && req.method === 'GET') {
      const t = at();
      if (!t) return oaErr(res, 40001, 'invalid credential, access_token is invalid or not latest');
      if (qs.type !== 'jsapi') return oaErr(res, 40097, 'invalid args');
      count(`ticket:${t.appid}`);
      const ticket = b64u(60);
      s.tickets.set(ticket, { appid: t.appid, exp: Date.now() + 7200000 });
      return json(res, { errcode: 0, errmsg: 'ok', ticket, expires_in: 7200 });
    }
    if (p === '/cgi-bin/user/info' && req.method === 'GET') {
      const t = at();
      if (!t) return oaErr(res, 40001, 'invalid credential, access_token is invalid or not latest');
      const u = s.apps.get(t.appid).users.get(qs.openid);
      if (!u) return oaErr(res, 40003, 'invalid openid');
      if (!u.subscribe) return json(res, { subscribe: 0, openid: u.openid, ...(u.unionid ? { unionid: u.unionid } : {}) });
      return json(res, { subscribe: 1, openid: u.openid, language: 'zh_CN', subscribe_time: u.subscribe_time, remark: '', groupid: 0, tagid_list: [],
        subscribe_scene: 'ADD_SCENE_QR_CODE', qr_scene: 0, qr_scene_str: '', ...(u.unionid ? { unionid: u.unionid } : {}) });
    }
    if (p === '/cgi-bin/message/template/send' && req.method === 'POST') {
      const t = at();
      if (!t) return oaErr(res, 40001, 'invalid credential, access_token is invalid or not latest');
      const b = body();
      if (!b) return oaErr(res, 47001, 'data format error');
      const u = s.apps.get(t.appid).users.get(b.touser);
      if (!u) return oaErr(res, 40003, 'invalid openid');
      if (!b.template_id) return oaErr(res, 40037, 'invalid template_id');
      if (!u.subscribe) return oaErr(res, 43004, 'require subscribe');
      const msgid = crypto.randomInt(1e9, 9e9);
      s.templates.push({ appid: t.appid, msgid, ...b });
      return json(res, { errcode: 0, errmsg: 'ok', msgid });
    }

    // ---------- what the user's WeChat does ----------
    if (p === '/__standin/jweixin.js' && req.method === 'GET') {
      return send(res, 200, require('fs').readFileSync(require('path').join(__dirname, 'jweixin.js'), 'utf8'), { 'content-type': 'application/javascript; charset=utf-8' });
    }
    // wx.updateAppMessageShareData / updateTimelineShareData: recorded, for the pages' tests.
    if (p === '/__standin/share' && req.method === 'POST') {
      const b = body() || {};
      s.shares.push({ ...b, at_ms: Date.now() });
      return json(res, { errMsg: `${b.kind}:ok` });
    }
    // wx.config: the JS-SDK recomputes the signature with the account's ticket.
    if (p === '/__standin/jssdk/check' && req.method === 'POST') {
      const b = body() || {};
      const ok = [...s.tickets].filter(([, v]) => v.appid === b.appId && v.exp > Date.now()).some(([ticket]) => {
        const plain = `jsapi_ticket=${ticket}&noncestr=${b.nonceStr}&timestamp=${b.timestamp}&url=${String(b.url).split('#')[0]}`;
        return crypto.createHash('sha1').update(plain).digest('hex') === b.signature;
      });
      return json(res, ok ? { errMsg: 'config:ok' } : { errMsg: 'config:invalid signature' });
    }
    // WeixinJSBridge.invoke('getBrandWCPayRequest', params): checks paySign, then the user pays.
    if (p === '/__standin/pay' && req.method === 'POST') {
      const b = body() || {};
      const pre = s.prepays.get(String(b.package || '').replace(/^prepay_id=/, ''));
      if (!pre) return json(res, { err_msg: 'get_brand_wcpay_request:fail', why: 'prepay_id unknown' });
      const o = s.orders.get(pre);
      const m = s.merchants.get(o.mchid);
      let ok = false;
      try {
        ok = b.signType === 'RSA' && b.appId === o.appid && crypto.verify('sha256', Buffer.from(`${b.appId}\n${b.timeStamp}\n${b.nonceStr}\n${b.package}\n`),
          m.publicKey, Buffer.from(String(b.paySign || ''), 'base64'));
      } catch { ok = false; }
      if (!ok) return json(res, { err_msg: 'get_brand_wcpay_request:fail', why: 'paySign invalid' });
      if (b.outcome === 'cancel') return json(res, { err_msg: 'get_brand_wcpay_request:cancel' });
      if (o.trade_state !== 'NOTPAY') return json(res, { err_msg: 'get_brand_wcpay_request:fail', why: `order ${o.trade_state}` });
      if (bizNow() > o.expire_ms) return json(res, { err_msg: 'get_brand_wcpay_request:fail', why: 'order expired' });
      if (b.outcome === 'fail') {
        o.trade_state = 'PAYERROR';
        o.trade_state_desc = '支付失败';
      } else {
        o.trade_state = 'SUCCESS';
        o.trade_state_desc = '支付成功';
        o.transaction_id = `4200${String(Date.now())}${crypto.randomInt(1e9)}`.slice(0, 28);
        o.success_time = rfc3339(bizNow());
        o.bank_type = 'OTHERS';
      }
      const n = notify(m, o.notify_url, o.trade_state === 'SUCCESS' ? 'TRANSACTION.SUCCESS' : 'TRANSACTION.PAYERROR', 'transaction', txView(o),
        o.trade_state === 'SUCCESS' ? '支付成功' : '支付失败');
      return json(res, { err_msg: o.trade_state === 'SUCCESS' ? 'get_brand_wcpay_request:ok' : 'get_brand_wcpay_request:fail', notification_id: n && n.id });
    }
    // wx.requestMerchantTransfer({mchId, appId, package}): the user confirms receiving the transfer.
    if (p === '/__standin/transfer/confirm' && req.method === 'POST') {
      const b = body() || {};
      const bill = s.packages.get(b.package);
      if (!bill || bill.mch_id !== b.mchId || bill.appid !== b.appId) return json(res, { errMsg: 'requestMerchantTransfer:fail invalid package' });
      if (bill.state !== 'WAIT_USER_CONFIRM') return json(res, { errMsg: `requestMerchantTransfer:fail ${bill.state}` });
      if (b.accept === false) return json(res, { errMsg: 'requestMerchantTransfer:cancel' });
      bill.state = 'SUCCESS';
      bill.update_time = rfc3339(bizNow());
      const n = notify(s.merchants.get(bill.mch_id), bill.notify_url, 'MCHTRANSFER.BILL.FINISHED', 'mch_payment', billView(bill), '商家转账单据终态通知');
      return json(res, { errMsg: 'requestMerchantTransfer:ok', notification_id: n && n.id });
    }

    // ---------- WeChat Pay v3 ----------
    if (p.startsWith('/v3/')) {
      const m = checkV3(req, raw);
      if (Array.isArray(m)) return v3err(res, m[0], m[1], m[2]);
      const b = body();
      if (b === null) return v3err(res, 400, 'PARAM_ERROR', '请求体不是合法的 JSON');
      return pay(req, res, p, qs, b, m);
    }

    // ---------- WeChat Pay v2 (merchant certificate required) ----------
    if (p === '/mmpaymkttransfers/sendredpack' || p === '/mmpaymkttransfers/gethbinfo') return v2(req, res, p, raw, secure);

    return json(res, { errcode: 404, errmsg: `stand-in has no ${req.method} ${p}` }, 404);
  }

  function txView(o) {
    return { appid: o.appid, mchid: o.mchid, out_trade_no: o.out_trade_no, transaction_id: o.transaction_id, trade_type: 'JSAPI', trade_state: o.trade_state,
      trade_state_desc: o.trade_state_desc, bank_type: o.bank_type, attach: o.attach || '', success_time: o.success_time, payer: { openid: o.openid },
      amount: { total: o.total, payer_total: o.trade_state === 'SUCCESS' ? o.total : undefined, currency: 'CNY', payer_currency: 'CNY' } };
  }
  const refundView = (r) => ({ refund_id: r.refund_id, out_refund_no: r.out_refund_no, transaction_id: r.transaction_id, out_trade_no: r.out_trade_no,
    channel: 'ORIGINAL', user_received_account: '支付用户零钱', success_time: r.success_time, create_time: r.create_time, status: r.status,
    amount: { total: r.total, refund: r.refund, payer_total: r.total, payer_refund: r.refund, settlement_refund: r.refund, settlement_total: r.total,
      discount_refund: 0, currency: 'CNY', refund_fee: 0 } });
  const billView = (x) => ({ mch_id: x.mch_id, out_bill_no: x.out_bill_no, transfer_bill_no: x.transfer_bill_no, appid: x.appid, state: x.state,
    transfer_amount: x.transfer_amount, transfer_remark: x.transfer_remark, openid: x.openid, create_time: x.create_time, update_time: x.update_time,
    ...(x.fail_reason ? { fail_reason: x.fail_reason } : {}) });

  function pay(req, res, p, qs, b, m) {
    const post = req.method === 'POST';
    if (p === '/v3/pay/transactions/jsapi' && post) {
      if (b.mchid !== m.mchid) return v3err(res, 400, 'PARAM_ERROR', 'mchid 与请求头不一致');
      if (b.appid !== m.appid) return v3err(res, 400, 'APPID_MCHID_NOT_MATCH', 'appid 和 mch_id 不匹配');
      if (!/^[0-9A-Za-z_\-*|]{6,32}$/.test(b.out_trade_no || '')) return v3err(res, 400, 'PARAM_ERROR', 'out_trade_no 不合法');
      if (!b.description || !b.notify_url || !b.amount || !Number.isInteger(b.amount.total) || b.amount.total < 1) return v3err(res, 400, 'PARAM_ERROR', '缺少必填参数');
      const openid = b.payer && b.payer.openid;
      if (!s.apps.get(m.appid).users.has(openid)) return v3err(res, 400, 'PARAM_ERROR', 'openid 不属于该 appid');
      const expire = b.time_expire ? Date.parse(b.time_expire) : bizNow() + 2 * 3600000;
      if (b.time_expire && (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([+-]\d\d:\d\d)$/.test(b.time_expire) || Number.isNaN(expire))) return v3err(res, 400, 'PARAM_ERROR', 'time_expire 格式错误（RFC3339）');
      const key = `${m.mchid}:${b.out_trade_no}`;
      const old = s.orders.get(key);
      if (old) {
        if (old.trade_state === 'SUCCESS') return v3err(res, 400, 'ORDERPAID', '该订单已支付');
        if (old.trade_state === 'CLOSED') return v3err(res, 400, 'ORDERCLOSED', '该订单已关闭');
        if (old.total !== b.amount.total || old.openid !== openid || old.description !== b.description) return v3err(res, 400, 'INVALID_REQUEST', '201 商户订单号重复');
        return v3(res, 200, { prepay_id: old.prepay_id });
      }
      const o = { mchid: m.mchid, appid: m.appid, out_trade_no: b.out_trade_no, description: b.description, total: b.amount.total, openid,
        notify_url: b.notify_url, attach: b.attach, expire_ms: expire, time_expire: b.time_expire, trade_state: 'NOTPAY', trade_state_desc: '未支付',
        prepay_id: `wx${Date.now()}${rand(8)}`.slice(0, 36) };
      s.orders.set(key, o);
      s.prepays.set(o.prepay_id, key);
      return v3(res, 200, { prepay_id: o.prepay_id });
    }
    const tx = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)(\/close)?$/.exec(p);
    if (tx) {
      const o = s.orders.get(`${m.mchid}:${decodeURIComponent(tx[1])}`);
      if (tx[2] && post) {
        if (b.mchid !== m.mchid) return v3err(res, 400, 'PARAM_ERROR', 'mchid 不一致');
        if (!o) return v3err(res, 404, 'ORDER_NOT_EXIST', '订单不存在');
        if (o.trade_state === 'SUCCESS') return v3err(res, 400, 'ORDERPAID', '订单已支付，不能关闭');
        o.trade_state = 'CLOSED';
        o.trade_state_desc = '订单已关闭';
        return v3(res, 204);
      }
      if (!tx[2] && req.method === 'GET') {
        if (qs.mchid !== m.mchid) return v3err(res, 400, 'PARAM_ERROR', 'mchid 不一致');
        if (!o) return v3err(res, 404, 'ORDER_NOT_EXIST', '订单不存在');
        return v3(res, 200, txView(o));
      }
    }
    if (p === '/v3/refund/domestic/refunds' && post) {
      const o = s.orders.get(`${m.mchid}:${b.out_trade_no}`);
      if (!o) return v3err(res, 404, 'RESOURCE_NOT_EXISTS', '订单不存在');
      if (o.trade_state !== 'SUCCESS' && o.trade_state !== 'REFUND') return v3err(res, 400, 'INVALID_REQUEST', '订单未支付');
      if (!b.out_refund_no || !b.amount || !Number.isInteger(b.amount.refund) || b.amount.refund < 1) return v3err(res, 400, 'PARAM_ERROR', '缺少必填参数');
      if (b.amount.total !== o.total) return v3err(res, 400, 'PARAM_ERROR', '订单金额与原订单不一致');
      const key = `${m.mchid}:${b.out_refund_no}`;
      const old = s.refunds.get(key);
      if (old) return old.refund === b.amount.refund ? v3(res, 200, refundView(old)) : v3err(res, 400, 'INVALID_REQUEST', '退款单号重复，金额不一致');
      const refunded = [...s.refunds.values()].filter((r) => r.mchid === m.mchid && r.out_trade_no === o.out_trade_no && r.status !== 'ABNORMAL')
        .reduce((a, r) => a + r.refund, 0);
      if (refunded + b.amount.refund > o.total) return v3err(res, 400, 'NOT_ENOUGH', '申请退款金额超过订单可退金额');
      const r = { mchid: m.mchid, out_trade_no: o.out_trade_no, transaction_id: o.transaction_id, out_refund_no: b.out_refund_no,
        refund_id: `5030${Date.now()}${crypto.randomInt(1e6)}`, refund: b.amount.refund, total: o.total, status: 'PROCESSING',
        create_time: rfc3339(bizNow()), notify_url: b.notify_url };
      s.refunds.set(key, r);
      o.trade_state = 'REFUND';
      o.trade_state_desc = '转入退款';
      // The refund completes shortly after, with its notification.
      setTimeout(() => {
        r.status = 'SUCCESS';
        r.success_time = rfc3339(bizNow());
        notify(m, r.notify_url, 'REFUND.SUCCESS', 'refund', { mchid: m.mchid, out_trade_no: r.out_trade_no, transaction_id: r.transaction_id,
          out_refund_no: r.out_refund_no, refund_id: r.refund_id, refund_status: 'SUCCESS', success_time: r.success_time, user_received_account: '支付用户零钱',
          amount: { total: r.total, refund: r.refund, payer_total: r.total, payer_refund: r.refund } }, '退款成功');
      }, 50).unref();
      return v3(res, 200, refundView(r));
    }
    const rq = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(p);
    if (rq && req.method === 'GET') {
      const r = s.refunds.get(`${m.mchid}:${decodeURIComponent(rq[1])}`);
      return r ? v3(res, 200, refundView(r)) : v3err(res, 404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    }
    if (p === '/v3/fund-app/mch-transfer/transfer-bills' && post) {
      if (b.appid !== m.appid) return v3err(res, 400, 'APPID_MCHID_NOT_MATCH', 'appid 和 mch_id 不匹配');
      if (!b.out_bill_no || !b.transfer_scene_id || !b.transfer_remark || !Array.isArray(b.transfer_scene_report_infos)) return v3err(res, 400, 'PARAM_ERROR', '缺少必填参数');
      if (!s.apps.get(m.appid).users.has(b.openid)) return v3err(res, 400, 'PARAM_ERROR', 'openid 不属于该 appid');
      if (!Number.isInteger(b.transfer_amount) || b.transfer_amount < 10) return v3err(res, 400, 'PARAM_ERROR', '转账金额不能低于 0.1 元');
      // From 2,000 yuan the payee's real name, encrypted with the platform key named in Wechatpay-Serial.
      let realName = null;
      if (b.user_name !== undefined) {
        if (req.headers['wechatpay-serial'] !== platform.id) return v3err(res, 400, 'PARAM_ERROR', 'Wechatpay-Serial 不是当前平台公钥');
        try {
          realName = crypto.privateDecrypt({ key: platform.privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
            Buffer.from(String(b.user_name), 'base64')).toString('utf8');
        } catch { return v3err(res, 400, 'PARAM_ERROR', 'user_name 解密失败'); }
      }
      if (b.transfer_amount >= 200000 && !realName) return v3err(res, 400, 'PARAM_ERROR', '转账金额 >= 2000 元时，user_name 必填');
      const key = `${m.mchid}:${b.out_bill_no}`;
      const old = s.bills.get(key);
      if (old) return v3(res, 200, { out_bill_no: old.out_bill_no, transfer_bill_no: old.transfer_bill_no, create_time: old.create_time, state: old.state, package_info: old.package_info });
      const day = Math.floor((bizNow() + CST_MS) / 86400000);
      const today = [...s.bills.values()].filter((x) => x.mch_id === m.mchid && x.openid === b.openid && x.day === day && x.state !== 'CANCELLED' && x.state !== 'FAIL')
        .reduce((a, x) => a + x.transfer_amount, 0);
      if (today + b.transfer_amount > 2000000) return v3err(res, 400, 'INVALID_REQUEST', '超过用户单日收款额度');
      const bill = { mch_id: m.mchid, appid: m.appid, out_bill_no: b.out_bill_no, transfer_bill_no: `1330${Date.now()}${rand(6)}`, openid: b.openid,
        transfer_amount: b.transfer_amount, transfer_remark: b.transfer_remark, notify_url: b.notify_url, state: 'WAIT_USER_CONFIRM', day, real_name: realName,
        create_time: rfc3339(bizNow()), update_time: rfc3339(bizNow()), package_info: b64u(48) };
      s.bills.set(key, bill);
      s.packages.set(bill.package_info, bill);
      return v3(res, 200, { out_bill_no: bill.out_bill_no, transfer_bill_no: bill.transfer_bill_no, create_time: bill.create_time, state: bill.state, package_info: bill.package_info });
    }
    const bq = /^\/v3\/fund-app\/mch-transfer\/transfer-bills\/out-bill-no\/([^/]+)(\/cancel)?$/.exec(p);
    if (bq) {
      const bill = s.bills.get(`${m.mchid}:${decodeURIComponent(bq[1])}`);
      if (!bill) return v3err(res, 404, 'NOT_FOUND', '单据不存在');
      if (bq[2] && post) {
        if (!['ACCEPTED', 'PROCESSING', 'WAIT_USER_CONFIRM', 'TRANSFERING'].includes(bill.state)) return v3err(res, 400, 'INVALID_REQUEST', `单据状态为 ${bill.state}，不能撤销`);
        bill.state = 'CANCELLED';
        bill.update_time = rfc3339(bizNow());
        notify(m, bill.notify_url, 'MCHTRANSFER.BILL.FINISHED', 'mch_payment', billView(bill), '商家转账单据终态通知');
        return v3(res, 200, { out_bill_no: bill.out_bill_no, transfer_bill_no: bill.transfer_bill_no, state: 'CANCELING', update_time: bill.update_time });
      }
      if (!bq[2] && req.method === 'GET') return v3(res, 200, billView(bill));
    }
    return v3err(res, 404, 'NOT_FOUND', `stand-in has no ${req.method} ${p}`);
  }

  function v2(req, res, p, raw, secure) {
    const xml = (o) => send(res, 200, toXml(o), { 'content-type': 'text/xml; charset=utf-8' });
    const fail = (code, des) => xml({ return_code: 'SUCCESS', return_msg: '', result_code: 'FAIL', err_code: code, err_code_des: des });
    const params = parseXml(raw);
    if (!params) return xml({ return_code: 'FAIL', return_msg: 'XML 格式错误' });
    const m = s.merchants.get(params.mch_id);
    if (!m) return fail('PARAM_ERROR', '商户号不存在');
    // The merchant certificate must be on the TLS connection, issued by our CA, and be this merchant's.
    const peer = secure && req.socket.getPeerCertificate ? req.socket.getPeerCertificate() : null;
    if (!secure || !req.socket.authorized || !peer || peer.fingerprint256 !== m.fingerprint) return xml({ return_code: 'FAIL', return_msg: '证书错误：需要商户 API 证书' });
    const type = params.sign_type === 'HMAC-SHA256' ? 'HMAC-SHA256' : 'MD5';
    if (!params.sign || params.sign !== v2Sign(params, m.apiv2_key, type)) return xml({ return_code: 'FAIL', return_msg: '签名错误' });
    if (!params.nonce_str) return fail('PARAM_ERROR', '缺少 nonce_str');
    if (p === '/mmpaymkttransfers/gethbinfo') {
      const r = s.redpacks.get(`${m.mchid}:${params.mch_billno}`);
      if (!r) return fail('NOT_FOUND', '指定单号数据不存在');
      return xml({ return_code: 'SUCCESS', return_msg: 'OK', result_code: 'SUCCESS', err_code: 'SUCCESS', err_code_des: 'OK', mch_billno: r.mch_billno, mch_id: m.mchid,
        detail_id: r.send_listid, status: r.status, send_type: 'API', hb_type: 'NORMAL', total_num: 1, total_amount: r.total_amount, send_time: r.send_time,
        ...(r.rcv_time ? { rcv_time: r.rcv_time } : {}), openid: r.re_openid });
    }
    if (params.wxappid !== m.appid) return fail('PARAM_ERROR', 'wxappid 与商户号不匹配');
    const amount = Number(params.total_amount);
    if (!Number.isInteger(amount) || amount < 100 || amount > 20000) return fail('PARAM_ERROR', '每个红包的平均金额必须在1.00元到200.00元之间');
    if (params.total_num !== '1') return fail('PARAM_ERROR', '普通红包 total_num 必须为 1');
    if (!params.send_name || !params.wishing || !params.act_name || !params.remark || !params.client_ip) return fail('PARAM_ERROR', '缺少必填参数');
    const app = s.apps.get(m.appid);
    if (!app.users.has(params.re_openid)) return fail('OPENID_ERROR', 'openid 和 appid 不匹配');
    const hour = new Date(bizNow() + CST_MS).getUTCHours();
    if (hour < 8) return fail('TIME_LIMITED', '企业红包的发放时间为北京时间 8:00-24:00');
    const key = `${m.mchid}:${params.mch_billno}`;
    let r = s.redpacks.get(key);
    if (r && (r.total_amount !== amount || r.re_openid !== params.re_openid)) return fail('PARAM_ERROR', '商户订单号重复，参数不一致');
    if (!r) {
      r = { mch_billno: params.mch_billno, mch_id: m.mchid, wxappid: m.appid, re_openid: params.re_openid, total_amount: amount,
        send_listid: `1000041701${Date.now()}${crypto.randomInt(1e6)}`, status: 'SENT', send_time: rfc3339(bizNow()), sign_type: type };
      s.redpacks.set(key, r);
    }
    return xml({ return_code: 'SUCCESS', return_msg: '发放成功', result_code: 'SUCCESS', err_code: 'SUCCESS', err_code_des: '发放成功',
      mch_billno: r.mch_billno, mch_id: m.mchid, wxappid: m.appid, re_openid: r.re_openid, total_amount: r.total_amount, send_listid: r.send_listid });
  }

  function page(title, inner) {
    return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#ededed}
header{background:#07c160;color:#fff;padding:14px 16px;font-size:17px}main{padding:16px}.ask{color:#555}ul{list-style:none;padding:0}
li{background:#fff;margin:8px 0;border-radius:8px;display:flex;justify-content:space-between;align-items:center}
li a{flex:1;padding:14px 16px;color:#111;text-decoration:none;font-size:16px}li span{color:#999;font-size:13px;padding-right:16px}
footer{color:#999;font-size:12px;text-align:center;padding:12px}</style></head><body><header>${esc(title)}</header><main>${inner}</main>
<footer>本页是本地开发用的微信替身，不是微信。</footer></body></html>`;
  }

  const onRequest = (secure) => (req, res) => handle(req, res, secure).catch((e) => {
    log(e);
    if (!res.headersSent) json(res, { errcode: -1, errmsg: e.message }, 500);
  });
  const httpServer = http.createServer(onRequest(false));
  const httpsServer = https.createServer({ key: tlsKey.privateKey, cert: tlsCert.pem, ca: ca.caPem, requestCert: true, rejectUnauthorized: false }, onRequest(true));
  const listen = (srv, port) => new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(port, host, () => resolve(srv.address().port));
  });

  return {
    state: s, caPem: ca.caPem, registerMerchant,
    get platform() { return { id: platform.id, publicKey: platform.publicKey }; },
    // For tests that forge a notification the way only WeChat could (a stale timestamp, a bad resource).
    platformPrivateKeyForTests: () => platform.privateKey,
    async start({ port = 0, httpsPort = 0 } = {}) {
      const hp = await listen(httpServer, port);
      const sp = await listen(httpsServer, httpsPort);
      this.url = `http://${host}:${hp}`;
      this.httpsUrl = `https://${host}:${sp}`;
      return this;
    },
    // The merchant's configuration for the shop (PUT /api/merchant/wechat) pointing at this stand-in.
    merchantConfig(reg) {
      return { appid: reg.appid, app_secret: reg.app_secret, mchid: reg.mchid, mch_serial: reg.mch_serial, mch_private_key: reg.mch_private_key,
        mch_cert_pem: reg.mch_cert_pem, apiv2_key: reg.apiv2_key, apiv3_key: reg.apiv3_key, platform_serial: reg.platform_serial,
        platform_public_key: reg.platform_public_key, urls: { open: this.url, api: this.url, pay: this.url, pay_v2: this.httpsUrl }, options: { pay_ca: reg.pay_ca } };
    },
    async settle() { await Promise.all(s.outbox.map((n) => n.pending)); },
    async stop() {
      await Promise.all([new Promise((r) => httpServer.close(r)), new Promise((r) => httpsServer.close(r))]);
      httpServer.closeAllConnections && httpServer.closeAllConnections();
      ca.cleanup();
    },
  };
}

module.exports = { createStandin, v2Sign, parseXml, toXml };

// node standin/wechat/server.js [port] [https-port]: prints one merchant's credentials to configure.
if (require.main === module) {
  (async () => {
    const st = createStandin({ log: console.error });
    await st.start({ port: Number(process.argv[2] || 8090), httpsPort: Number(process.argv[3] || 8443) });
    const reg = st.registerMerchant();
    const conf = st.merchantConfig(reg);
    console.log(`WeChat stand-in on ${st.url} and ${st.httpsUrl} (development only)`);
    // SHOP_URL (e.g. http://127.0.0.1:8080) and SHOP_API_KEY (demo-merchant-key): configure that shop's merchant.
    if (process.env.SHOP_URL && process.env.SHOP_API_KEY) {
      conf.options.h5_origin = process.env.SHOP_URL;
      conf.options.notify_url = `${process.env.SHOP_URL}/api/wechat/pay/notify/${process.env.SHOP_MERCHANT_ID || 1}`;
      const r = await fetch(`${process.env.SHOP_URL}/api/merchant/wechat`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-api-key': process.env.SHOP_API_KEY },
        body: JSON.stringify(conf) });
      console.log(`PUT ${process.env.SHOP_URL}/api/merchant/wechat: ${r.status} ${await r.text()}`);
      console.log(`Sign in: ${process.env.SHOP_URL}/api/wechat/oauth/start?merchant_id=${process.env.SHOP_MERCHANT_ID || 1}&return=/`);
    } else {
      console.log('A merchant registered; PUT this as /api/merchant/wechat (x-api-key of the shop):');
      console.log(JSON.stringify(conf, null, 2));
    }
    console.log(`Users: ${reg.users.map((u) => `${u.nickname} ${u.openid}${u.subscribe ? ' (已关注)' : ''}`).join(', ')}`);
  })().catch((e) => { console.error(e.message); process.exit(1); });
}
