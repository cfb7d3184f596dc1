// The official account's side of WeChat (api.weixin.qq.com, open.weixin.qq.com): 网页授权
// (authorize URL, code -> openid/unionid, snsapi_userinfo), the global access token and the
// jsapi_ticket (through the shared cache), a user's follow status, template messages. These
// interfaces are unsigned HTTPS + JSON with the token in the query, so plain fetch does it; every
// base URL comes from the merchant's configuration.
'use strict';

class WechatError extends Error {
  constructor(where, body, status) {
    super(`wechat ${where}: ${body && body.errcode !== undefined ? `${body.errcode} ${body.errmsg || ''}` : `HTTP ${status}`}`);
    this.code = 'E_WECHAT';
    this.errcode = body && body.errcode;
    this.errmsg = body && body.errmsg;
    this.status = status;
  }
}

// errcodes meaning "this access token is no good": drop it and fetch again once.
const BAD_TOKEN = new Set([40001, 40014, 42001]);

function createOaClient(cfg, { tokens, timeoutMs = 5000, fetchImpl = fetch }) {
  const api = cfg.urls.api;

  async function call(where, url, init = {}) {
    let res;
    try {
      res = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      throw Object.assign(new WechatError(where, null, 0), { message: `wechat ${where}: ${e.message}`, cause: e });
    }
    let body = null;
    try { body = await res.json(); } catch { /* not JSON */ }
    if (!res.ok || !body || (body.errcode && body.errcode !== 0)) throw new WechatError(where, body, res.status);
    return body;
  }

  const q = (params) => new URLSearchParams(params).toString();

  function accessToken(opts) {
    return tokens.get(cfg.appid, 'access_token', async () => {
      const b = await call('token', `${api}/cgi-bin/token?${q({ grant_type: 'client_credential', appid: cfg.appid, secret: cfg.app_secret })}`);
      return { value: b.access_token, expires_in: b.expires_in };
    }, opts);
  }

  // A call with the global token; a refused token is dropped and the call made once more.
  async function withToken(where, build) {
    for (let attempt = 0; ; attempt++) {
      const token = await accessToken();
      try {
        return await build(token);
      } catch (e) {
        if (attempt > 0 || !BAD_TOKEN.has(e.errcode)) throw e;
        await tokens.invalidate(cfg.appid, 'access_token', token);
      }
    }
  }

  return {
    // 网页授权: snsapi_base (silent, openid only) or snsapi_userinfo (asks, gives nickname and avatar).
    authorizeUrl({ redirectUri, scope = 'snsapi_base', state }) {
      return `${cfg.urls.open}/connect/oauth2/authorize?${q({ appid: cfg.appid, redirect_uri: redirectUri, response_type: 'code', scope, state })}#wechat_redirect`;
    },
    // -> {access_token, expires_in, refresh_token, openid, scope, unionid?}
    exchangeCode(code) {
      return call('oauth2/access_token', `${api}/sns/oauth2/access_token?${q({ appid: cfg.appid, secret: cfg.app_secret, code, grant_type: 'authorization_code' })}`);
    },
    // snsapi_userinfo only -> {openid, nickname, headimgurl, unionid?, ...}
    snsUserinfo(oauthToken, openid) {
      return call('sns/userinfo', `${api}/sns/userinfo?${q({ access_token: oauthToken, openid, lang: 'zh_CN' })}`);
    },
    accessToken,
    jsapiTicket(opts) {
      return tokens.get(cfg.appid, 'jsapi_ticket', async () => {
        const b = await withToken('getticket', (t) => call('getticket', `${api}/cgi-bin/ticket/getticket?${q({ access_token: t, type: 'jsapi' })}`));
        return { value: b.ticket, expires_in: b.expires_in };
      }, opts);
    },
    // -> {subscribe: 0|1, openid, unionid?, subscribe_time?, ...}
    userInfo(openid) {
      return withToken('user/info', (t) => call('user/info', `${api}/cgi-bin/user/info?${q({ access_token: t, openid, lang: 'zh_CN' })}`));
    },
    // -> {errcode: 0, msgid}
    sendTemplate({ touser, template_id: templateId, url, data }) {
      return withToken('template/send', (t) => call('template/send', `${api}/cgi-bin/message/template/send?${q({ access_token: t })}`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ touser, template_id: templateId, url, data }),
      }));
    },
  };
}

module.exports = { createOaClient, WechatError };
