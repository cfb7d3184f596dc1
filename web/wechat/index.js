// WeChat for one server: the merchants' credentials (config.js), the shared token cache
// (tokens.js), and per merchant the official-account client (oa.js) and the Pay client (pay.js),
// built once per version of the credentials. docs/wechat.md.
'use strict';
const { createConfigStore } = require('./config');
const { createTokenCache } = require('./tokens');
const { createOaClient } = require('./oa');
const { createPayClient } = require('./pay');
const { jssdkSignature, pageUrl } = require('./jssdk');
const { openNotification, recordNotification } = require('./notify');

function createWechat({ db, secret, mode, clock = () => Date.now(), timeoutMs } = {}) {
  const config = createConfigStore({ db, secret, mode });
  const tokens = createTokenCache({ db, clock });
  const clients = new Map();

  async function forMerchant(merchantId) {
    const cfg = await config.load(merchantId);
    const hit = clients.get(merchantId);
    if (hit && hit.cfg === cfg) return hit;
    const c = {
      cfg,
      oa: createOaClient(cfg, { tokens, timeoutMs }),
      // Built on first use: a shop may sign users in before its Pay credentials are set.
      get pay() {
        if (!this._pay) {
          if (!cfg.mchid || !cfg.mch_private_key || !cfg.platform_public_key) {
            throw Object.assign(new Error('WeChat Pay credentials are incomplete'), { code: 'E_WECHAT_PAY_NOT_CONFIGURED' });
          }
          this._pay = createPayClient(cfg, { timeoutMs });
        }
        return this._pay;
      },
    };
    clients.set(merchantId, c);
    return c;
  }

  return { config, tokens, forMerchant, jssdkSignature, pageUrl, openNotification, recordNotification };
}

module.exports = { createWechat };
