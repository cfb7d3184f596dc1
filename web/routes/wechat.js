// WeChat in the server (docs/wechat.md): sign-in through 网页授权, the fans-only gate's follow
// status, the JS-SDK signature, the Pay notification endpoint, and the merchant's credentials.
// Sets ctx.wechat (web/wechat/index.js) for the routes that move money through WeChat.
'use strict';
const crypto = require('crypto');
const { createWechat } = require('../wechat');
const { signSession } = require('../auth');
const { describe } = require('../wechat/config');
const { ApiError, notFound } = require('../errors');

const COOKIE = 'wx_oauth';
const OAUTH_MS = 10 * 60000; // the user has this long on WeChat's authorize page
const CODE_MS = 60000; // the page exchanges its one-time sign-in code within a minute
const FOLLOW_TTL_MS = 5 * 60000; // follow status cached this long
const FOLLOW_MIN_MS = 3000; // 我已关注: refreshed at most this often per user

const b64 = (s) => Buffer.from(s).toString('base64url');
const sha256 = (s) => crypto.createHash('sha256').update(s).digest('hex');

module.exports = async function wechatRoutes(app, { ctx }) {
  const { db, clock } = ctx;
  const wechat = ctx.wechat || createWechat({ db, secret: ctx.secret, mode: ctx.mode, clock });
  ctx.wechat = wechat;
  // Handlers of verified Pay notifications by event type ('TRANSACTION.SUCCESS', 'REFUND.SUCCESS',
  // 'MCHTRANSFER.BILL.FINISHED', …): fn(q, merchantId, notification), run in the transaction that
  // records the notification, only for its first delivery. The money flows register theirs.
  wechat.handlers = wechat.handlers || new Map();
  const stateKey = crypto.createHmac('sha256', ctx.secret).update('wechat-oauth-state-1').digest();
  const mac = (s) => crypto.createHmac('sha256', stateKey).update(s).digest('base64url');

  const ID = { type: 'string', pattern: '^[0-9]{1,16}$' };
  // A path of this site: resolved against our origin (so "/.//x", "/\t/x" and "\\x" cannot turn
  // into another host), kept as path and query; the result never starts with "//".
  const localPath = (u) => `/${u.pathname.replace(/^[/\\]+/, '')}${u.search}`;
  const sameSiteReturn = (req, ret, origin) => {
    if (!ret) return '/';
    if (/^[/\\]{2}/.test(ret.replace(/[\t\n\r]/g, ''))) return null;
    let u;
    try { u = new URL(ret, origin); } catch { return null; }
    return u.origin === new URL(origin).origin ? localPath(u) : null;
  };
  const originOf = (req, cfg) => (cfg.options && cfg.options.h5_origin) || `${req.protocol}://${req.headers.host}`;

  // 1. The page sends the browser here; we send it to WeChat's authorize page with a state that
  // only this browser can bring back (its nonce is in an HttpOnly cookie, MAC'd by us).
  app.get('/api/wechat/oauth/start', {
    schema: { querystring: { type: 'object', properties: { merchant_id: ID, program_id: ID, return: { type: 'string', maxLength: 1024 },
      scope: { type: 'string', enum: ['base', 'userinfo'] } }, required: ['merchant_id'], additionalProperties: false } },
  }, async (req, reply) => {
    const m = Number(req.query.merchant_id);
    const { cfg, oa } = await wechat.forMerchant(m);
    const origin = originOf(req, cfg);
    const ret = sameSiteReturn(req, req.query.return, origin);
    if (ret === null) throw new ApiError(400, 'E_RETURN', 'return', 'the return URL must be on this site');
    const nonce = crypto.randomBytes(16).toString('hex'); // WeChat's state: [A-Za-z0-9], ≤ 128 bytes
    const payload = b64(JSON.stringify({ m, n: nonce, r: ret, s: req.query.scope || 'base', p: req.query.program_id ? Number(req.query.program_id) : null,
      exp: clock() + OAUTH_MS }));
    reply.setCookie(COOKIE, `${payload}.${mac(payload)}`, { path: '/api/wechat/oauth', httpOnly: true, sameSite: 'lax',
      secure: ctx.mode === 'production', maxAge: OAUTH_MS / 1000 });
    const to = oa.authorizeUrl({ redirectUri: `${origin}/api/wechat/oauth/callback`, scope: req.query.scope === 'userinfo' ? 'snsapi_userinfo' : 'snsapi_base', state: nonce });
    return reply.redirect(to, 302);
  });

  function readState(req) {
    const refuse = (why) => new ApiError(403, 'E_OAUTH_STATE', 'state', why);
    const raw = req.cookies && req.cookies[COOKIE];
    if (!raw) throw refuse('no sign-in in progress in this browser');
    const [payload, tag] = raw.split('.');
    const want = Buffer.from(mac(payload || ''));
    if (!tag || Buffer.byteLength(tag) !== want.length || !crypto.timingSafeEqual(Buffer.from(tag), want)) throw refuse('state cookie is not ours');
    const st = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (st.exp <= clock()) throw refuse('sign-in took too long; start again');
    const got = Buffer.from(String(req.query.state || ''));
    if (got.length !== Buffer.byteLength(st.n) || !crypto.timingSafeEqual(got, Buffer.from(st.n))) throw refuse('state does not match this browser');
    return st;
  }

  // 2. WeChat sends the browser back with a code: checked state, code exchanged here, the user
  // found or created by openid (or unionid), follow status read, and a one-time code handed to
  // the page in the URL fragment (never sent to a server, so never in a log); the page trades it
  // for the session at POST /api/wechat/session.
  app.get('/api/wechat/oauth/callback', {
    schema: { querystring: { type: 'object', properties: { code: { type: 'string', maxLength: 256 }, state: { type: 'string', maxLength: 128 } },
      required: ['state'], additionalProperties: true } },
  }, async (req, reply) => {
    try {
      return await callback(req, reply);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      // A browser navigation inside WeChat: a page in words, with the code for the page's script.
      const zh = { E_OAUTH_STATE: '登录已过期，或不是从本页面发起的。请返回重新打开页面。', E_OAUTH_DENIED: '你没有同意授权，无法登录。',
        E_WECHAT: '微信暂时无法完成登录，请稍后再试。' }[e.code] || '登录失败，请重新打开页面。';
      reply.clearCookie(COOKIE, { path: '/api/wechat/oauth' });
      return reply.code(e.status).type('text/html; charset=utf-8').header('cache-control', 'no-store')
        .send(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>登录失败</title></head>
<body style="font-family:sans-serif;padding:24px"><p id="error" data-code="${e.code}">${zh}</p><p><a href="/">返回首页</a></p></body></html>`);
    }
  });

  async function callback(req, reply) {
    const st = readState(req);
    reply.clearCookie(COOKIE, { path: '/api/wechat/oauth' });
    if (!req.query.code) throw new ApiError(403, 'E_OAUTH_DENIED', 'code', 'the user did not allow the sign-in');
    const { cfg, oa } = await wechat.forMerchant(st.m);
    const tok = await oa.exchangeCode(req.query.code).catch((e) => { throw new ApiError(502, 'E_WECHAT', 'code', e.message); });
    let profile = null;
    if (st.s === 'userinfo' && /snsapi_userinfo/.test(tok.scope || '')) profile = await oa.snsUserinfo(tok.access_token, tok.openid).catch(() => null);
    const unionid = tok.unionid || (profile && profile.unionid) || null;
    const follow = await oa.userInfo(tok.openid).catch(() => null); // sign-in does not depend on it
    const now = clock();
    const userId = await ctx.tx(async (q) => {
      let [w] = await q('SELECT user_id FROM wechat_users WHERE merchant_id = $1 AND openid = $2', [st.m, tok.openid]);
      if (!w && unionid) [w] = await q('SELECT user_id FROM wechat_users WHERE merchant_id = $1 AND unionid = $2 ORDER BY created_ms LIMIT 1', [st.m, unionid]);
      let id;
      if (w) {
        id = Number(w.user_id);
        await q(`INSERT INTO wechat_users (merchant_id, appid, openid, unionid, user_id, created_ms) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (merchant_id, openid) DO UPDATE SET unionid = COALESCE(wechat_users.unionid, EXCLUDED.unionid)`, [st.m, cfg.appid, tok.openid, unionid, id, now]);
      } else {
        [{ id }] = await q("SELECT nextval('wechat_user_ids')::bigint AS id");
        id = Number(id);
        await q('INSERT INTO users (merchant_id, user_id, nickname, created_ms) VALUES ($1, $2, $3, $4)', [st.m, id, '', now]);
        await q('INSERT INTO wechat_users (merchant_id, appid, openid, unionid, user_id, created_ms) VALUES ($1, $2, $3, $4, $5, $6)',
          [st.m, cfg.appid, tok.openid, unionid, id, now]);
      }
      if (profile) {
        await q('UPDATE users SET nickname = $3 WHERE merchant_id = $1 AND user_id = $2', [st.m, id, String(profile.nickname || '').slice(0, 64)]);
        await q('UPDATE wechat_users SET avatar_url = $3 WHERE merchant_id = $1 AND openid = $2', [st.m, tok.openid, String(profile.headimgurl || '')]);
      }
      if (follow) await storeFollow(q, st.m, id, tok.openid, !!follow.subscribe, now);
      return id;
    });
    const code = crypto.randomBytes(24).toString('base64url');
    await db.query('DELETE FROM wechat_login_codes WHERE expires_ms < $1', [now - CODE_MS]);
    await db.query('INSERT INTO wechat_login_codes (code_hash, merchant_id, user_id, expires_ms) VALUES ($1, $2, $3, $4)', [sha256(code), st.m, userId, now + CODE_MS]);
    const back = localPath(new URL(st.r, 'http://x'));
    reply.header('cache-control', 'no-store');
    reply.header('referrer-policy', 'no-referrer');
    return reply.redirect(`${back}#wx_login=${code}${st.p ? `&program_id=${st.p}` : ''}`, 302);
  }

  async function storeFollow(q, m, userId, openid, subscribed, now) {
    await q('UPDATE users SET is_fan = $3 WHERE merchant_id = $1 AND user_id = $2', [m, userId, subscribed]);
    await q('UPDATE wechat_users SET subscribe = $3, follow_checked_ms = $4 WHERE merchant_id = $1 AND openid = $2', [m, openid, subscribed, now]);
  }

  // 3. The page trades its one-time code for the session (the format of web/auth.js, as the
  // development login gives it).
  app.post('/api/wechat/session', {
    schema: { body: { type: 'object', properties: { code: { type: 'string', minLength: 16, maxLength: 128 } }, required: ['code'], additionalProperties: false } },
  }, async (req) => {
    const now = clock();
    const [row] = await db.query('DELETE FROM wechat_login_codes WHERE code_hash = $1 RETURNING merchant_id, user_id, expires_ms', [sha256(req.body.code)]);
    if (!row || Number(row.expires_ms) <= now) throw new ApiError(401, 'E_SESSION', 'code', 'sign-in code unknown, used or expired; sign in again');
    const m = Number(row.merchant_id);
    const u = Number(row.user_id);
    return { ok: true, session: signSession(ctx.secret, m, u, now), merchant_id: m, user_id: u };
  });

  // The fans-only gate reads users.is_fan; this keeps it true to the official account: cached for
  // a few minutes, read again at once (at most every 3 s) when the user taps 我已关注.
  app.post('/api/wechat/follow-status', {
    onRequest: ctx.userAuth,
    schema: { body: { type: 'object', properties: { refresh: { type: 'boolean' } }, additionalProperties: false } },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const now = clock();
    const { cfg, oa } = await wechat.forMerchant(m);
    const [w] = await db.query(`SELECT w.openid, w.follow_checked_ms, u.is_fan FROM wechat_users w JOIN users u ON u.merchant_id = w.merchant_id AND u.user_id = w.user_id
                                WHERE w.merchant_id = $1 AND w.user_id = $2 AND w.appid = $3 LIMIT 1`, [m, req.userId, cfg.appid]);
    if (!w) throw notFound('wechat user');
    const ttl = Number(cfg.options.follow_ttl_ms) || FOLLOW_TTL_MS;
    const age = now - Number(w.follow_checked_ms);
    if (age < (req.body && req.body.refresh ? FOLLOW_MIN_MS : ttl)) return { ok: true, is_fan: w.is_fan, checked_ms: Number(w.follow_checked_ms), cached: true };
    const info = await oa.userInfo(w.openid).catch((e) => { throw new ApiError(502, 'E_WECHAT', '', e.message); });
    await ctx.tx((q) => storeFollow(q, m, req.userId, w.openid, !!info.subscribe, now));
    return { ok: true, is_fan: !!info.subscribe, checked_ms: now, cached: false };
  });

  // wx.config for the page at `url` (its fragment dropped, as the JS-SDK signs it).
  app.post('/api/wechat/jssdk-signature', {
    onRequest: ctx.userAuth,
    schema: { body: { type: 'object', properties: { url: { type: 'string', minLength: 8, maxLength: 2048 } }, required: ['url'], additionalProperties: false } },
  }, async (req) => {
    const { cfg, oa } = await wechat.forMerchant(req.merchant.merchant_id);
    let u;
    try { u = new URL(req.body.url); } catch { throw new ApiError(400, 'E_URL', 'url', 'not a URL'); }
    const site = new URL(originOf(req, cfg));
    if (u.host !== site.host) throw new ApiError(400, 'E_URL', 'url', 'only pages of this site are signed');
    const ticket = await oa.jsapiTicket().catch((e) => { throw new ApiError(502, 'E_WECHAT', '', e.message); });
    const url = wechat.pageUrl(req.body.url);
    const sig = wechat.jssdkSignature(ticket, url, { timestamp: Math.floor(clock() / 1000) });
    return { ok: true, appId: cfg.appid, timestamp: sig.timestamp, nonceStr: sig.nonceStr, signature: sig.signature, url };
  });

  // WeChat Pay's notifications: the raw body is what the signature covers, so this route reads it
  // as text. A bad signature, stale timestamp or undecryptable resource is refused (WeChat then
  // retries); the first delivery of an id is recorded and handed to the handler of its event, a
  // replay is answered SUCCESS without being applied.
  app.register(async (raw) => {
    raw.removeContentTypeParser('application/json');
    raw.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (req, body, done) => done(null, body));
    raw.post('/api/wechat/pay/notify/:merchant_id', { schema: { params: { type: 'object', properties: { merchant_id: ID } } } }, async (req, reply) => {
      const m = Number(req.params.merchant_id);
      let cfg;
      try { ({ cfg } = await wechat.forMerchant(m)); } catch { return reply.code(404).send({ code: 'FAIL', message: 'unknown merchant' }); }
      let n;
      try {
        n = wechat.openNotification(cfg, req.headers, typeof req.body === 'string' ? req.body : '', { nowMs: Date.now() });
      } catch (e) {
        req.log.warn({ merchant: m, code: e.code }, 'wechat notification refused');
        return reply.code(401).send({ code: 'FAIL', message: e.code || 'refused' });
      }
      const r = await ctx.tx(async (q) => {
        const rec = await wechat.recordNotification(q, m, n, clock());
        const h = wechat.handlers.get(n.event_type);
        if (rec.first && h) await h(q, m, n);
        return rec;
      });
      return reply.code(200).send({ code: 'SUCCESS', message: '成功', replayed: !r.first });
    });
  });

  // The merchant's WeChat credentials (owner only): secrets are written, never read back.
  app.register(async (mer) => {
    mer.addHook('onRequest', ctx.merchantAuth);
    const S = (max = 8192) => ({ type: 'string', maxLength: max });
    const SN = (max = 8192) => ({ type: ['string', 'null'], maxLength: max });
    mer.get('/api/merchant/wechat', async (req) => {
      const [row] = await db.query('SELECT 1 FROM wechat_merchants WHERE merchant_id = $1', [req.merchant.merchant_id]);
      if (!row) return { ok: true, wechat: null };
      const cfg = await wechat.config.load(req.merchant.merchant_id);
      return { ok: true, wechat: describe(cfg) };
    });
    mer.put('/api/merchant/wechat', {
      schema: { body: { type: 'object', additionalProperties: false, properties: {
        appid: S(32), app_secret: S(64), mchid: S(32), mch_serial: S(64), mch_private_key: S(), mch_cert_pem: S(), apiv2_key: S(64), apiv3_key: S(64),
        platform_serial: S(64), platform_public_key: S(),
        urls: { type: 'object', properties: { open: S(256), api: S(256), pay: S(256), pay_v2: S(256) }, additionalProperties: false },
        // An option set to null is removed.
        options: { type: 'object', properties: { pay_ca: SN(), notify_url: SN(512), follow_ttl_ms: { type: ['integer', 'null'], minimum: 0, maximum: 86400000 },
          transfer_scene_id: SN(16), redpack_send_name: SN(32), h5_origin: SN(256),
          platform_keys_extra: { type: ['object', 'null'], maxProperties: 4, additionalProperties: S() } }, additionalProperties: false },
      } } },
    }, async (req) => {
      const saved = await ctx.tx((q) => wechat.config.save(q, req.merchant.merchant_id, req.body, clock()));
      return { ok: true, wechat: saved };
    });
    // Tries the stored credentials without moving money: the access token (appid + app secret),
    // and a query for an order that does not exist — WeChat answers ORDER_NOT_EXIST only to a
    // request signed with the right merchant key and serial (a wrong one gets 401 SIGN_ERROR).
    mer.post('/api/merchant/wechat/check', async (req) => {
      const c = await wechat.forMerchant(req.merchant.merchant_id);
      const out = {};
      try {
        await c.oa.accessToken();
        out.official_account = { ok: true };
      } catch (e) {
        out.official_account = { ok: false, errcode: e.errcode ?? null, message: e.message };
      }
      try {
        await c.pay.query(`CHECK${crypto.randomBytes(8).toString('hex')}`);
        out.pay = { ok: true };
      } catch (e) {
        const code = e.wechat && e.wechat.code;
        out.pay = code === 'ORDER_NOT_EXIST' ? { ok: true } : { ok: false, status: e.status ?? null, code: code || e.code || null, message: e.message };
      }
      return { ok: true, check: out };
    });
  });
};
