// A merchant's WeChat credentials, from the wechat_merchants table (never from git or the
// environment). Secrets are stored as one AES-256-GCM blob under a key derived from the server's
// SECRET. Base URLs default to WeChat's own hosts; in production any other host is refused, so a
// shop never talks to the stand-in (or anything else) with real money.
'use strict';
const crypto = require('crypto');
const { ApiError } = require('../errors');

const OFFICIAL = {
  open: 'https://open.weixin.qq.com', // 网页授权 pages
  api: 'https://api.weixin.qq.com', // official account APIs (sns, cgi-bin)
  pay: 'https://api.mch.weixin.qq.com', // WeChat Pay v3
  pay_v2: 'https://api.mch.weixin.qq.com', // v2 (red packets, with the merchant certificate)
};
const SECRET_FIELDS = ['app_secret', 'mch_private_key', 'apiv2_key', 'apiv3_key'];
const PUBLIC_FIELDS = ['appid', 'mchid', 'mch_serial', 'mch_cert_pem', 'platform_serial', 'platform_public_key'];
// Non-secret switches: pay_ca (a CA to trust for the pay hosts, the stand-in's), notify_url (the
// public https URL of /api/wechat/pay/notify/:merchant), template ids, follow cache time.
// platform_keys_extra: {serial: PEM} of further platform keys WeChat may sign with (while it
// rotates the public key, or several platform certificates), next to platform_serial's.
const OPTION_FIELDS = ['pay_ca', 'notify_url', 'follow_ttl_ms', 'transfer_scene_id', 'redpack_send_name', 'h5_origin', 'platform_keys_extra'];

function keyOf(secret) {
  return crypto.createHmac('sha256', String(secret)).update('wechat-credentials-1').digest();
}

function seal(secret, obj) {
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', keyOf(secret), iv);
  const ct = Buffer.concat([c.update(JSON.stringify(obj), 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64');
}

function unseal(secret, blob) {
  const buf = Buffer.from(blob, 'base64');
  const d = crypto.createDecipheriv('aes-256-gcm', keyOf(secret), buf.subarray(0, 12));
  d.setAuthTag(buf.subarray(12, 28));
  return JSON.parse(Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8'));
}

const trimSlash = (u) => String(u).replace(/\/+$/, '');

// Checks base URLs: http(s) only; production only WeChat's.
function checkUrls(urls, mode) {
  const out = {};
  for (const [k, v] of Object.entries(urls || {})) {
    if (!(k in OFFICIAL)) throw new ApiError(400, 'E_UNKNOWN_FIELD', `urls.${k}`, 'unknown base URL');
    if (v == null || v === '') continue;
    let u;
    try { u = new URL(v); } catch { throw new ApiError(400, 'E_URL', `urls.${k}`, 'not a URL'); }
    if (!/^https?:$/.test(u.protocol)) throw new ApiError(400, 'E_URL', `urls.${k}`, 'http or https only');
    if (mode === 'production' && trimSlash(v) !== OFFICIAL[k]) {
      throw new ApiError(400, 'E_WECHAT_HOST', `urls.${k}`, `production talks only to ${OFFICIAL[k]}`);
    }
    out[k] = trimSlash(v);
  }
  return out;
}

function createConfigStore({ db, secret, mode }) {
  // Parsed configs per merchant and updated_ms, so the clients (and their keys) are built once.
  const cache = new Map();

  function openSecrets(row) {
    try {
      return unseal(secret, row.secrets_enc);
    } catch {
      throw new ApiError(409, 'E_WECHAT_NOT_CONFIGURED', '', 'the stored WeChat secrets do not open with this server SECRET; enter them again');
    }
  }

  async function load(q, merchantId) {
    const [row] = await q('SELECT * FROM wechat_merchants WHERE merchant_id = $1', [merchantId]);
    if (!row) throw new ApiError(409, 'E_WECHAT_NOT_CONFIGURED', '', 'this shop has no WeChat credentials yet');
    const hit = cache.get(merchantId);
    if (hit && hit.updated_ms === Number(row.updated_ms)) return hit;
    const urls = { ...OFFICIAL, ...checkUrls(row.urls, mode) };
    const cfg = {
      merchant_id: Number(row.merchant_id), updated_ms: Number(row.updated_ms),
      appid: row.appid, mchid: row.mchid, mch_serial: row.mch_serial, mch_cert_pem: row.mch_cert_pem,
      platform_serial: row.platform_serial, platform_public_key: row.platform_public_key,
      ...openSecrets(row), urls, options: row.options || {},
    };
    cfg.platform_keys = { ...((row.options || {}).platform_keys_extra || {}), ...(row.platform_serial ? { [row.platform_serial]: row.platform_public_key } : {}) };
    cache.set(merchantId, cfg);
    return cfg;
  }

  // Replaces the given fields; a secret left out keeps its stored value.
  async function save(q, merchantId, input, now) {
    const [row] = await q('SELECT * FROM wechat_merchants WHERE merchant_id = $1 FOR UPDATE', [merchantId]);
    let old = {};
    if (row) {
      // Secrets sealed under another SECRET cannot be kept: the ones given now replace them.
      try { old = { ...row, ...unseal(secret, row.secrets_enc) }; } catch { old = { ...row }; }
    }
    const pick = (f) => (input[f] !== undefined ? input[f] : old[f] ?? null);
    const secrets = Object.fromEntries(SECRET_FIELDS.map((f) => [f, pick(f)]));
    const pub = Object.fromEntries(PUBLIC_FIELDS.map((f) => [f, pick(f)]));
    if (!pub.appid) throw new ApiError(400, 'E_REQUIRED', 'appid', 'is required');
    if (secrets.apiv3_key && Buffer.byteLength(secrets.apiv3_key) !== 32) throw new ApiError(400, 'E_RANGE', 'apiv3_key', 'APIv3 key is 32 bytes');
    if (secrets.apiv2_key && Buffer.byteLength(secrets.apiv2_key) !== 32) throw new ApiError(400, 'E_RANGE', 'apiv2_key', 'APIv2 key is 32 bytes');
    for (const f of ['mch_private_key', 'platform_public_key']) {
      const v = f === 'mch_private_key' ? secrets[f] : pub[f];
      if (!v) continue;
      try {
        if (f === 'mch_private_key') crypto.createPrivateKey(v); else crypto.createPublicKey(v);
      } catch { throw new ApiError(400, 'E_KEY', f, 'not a PEM key'); }
    }
    const urls = checkUrls({ ...(row ? row.urls : {}), ...(input.urls || {}) }, mode);
    const options = { ...(row ? row.options : {}) };
    for (const [k, v] of Object.entries(input.options || {})) {
      if (!OPTION_FIELDS.includes(k)) throw new ApiError(400, 'E_UNKNOWN_FIELD', `options.${k}`, 'unknown option');
      if (v === null) delete options[k]; else options[k] = v;
    }
    for (const [serial, pem] of Object.entries(options.platform_keys_extra || {})) {
      try { crypto.createPublicKey(pem); } catch { throw new ApiError(400, 'E_KEY', `options.platform_keys_extra.${serial}`, 'not a PEM key'); }
    }
    // WeChat calls notify_url from the internet, over https only.
    if (mode === 'production' && options.notify_url && !/^https:\/\//.test(options.notify_url)) {
      throw new ApiError(400, 'E_URL', 'options.notify_url', 'WeChat Pay notifies https URLs only');
    }
    if (mode === 'production' && options.pay_ca) throw new ApiError(400, 'E_WECHAT_HOST', 'options.pay_ca', 'production trusts only the public CAs');
    const updated = Math.max(now, row ? Number(row.updated_ms) + 1 : 0);
    await q(`INSERT INTO wechat_merchants (merchant_id, appid, mchid, mch_serial, mch_cert_pem, platform_serial, platform_public_key, secrets_enc, urls, options, updated_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (merchant_id) DO UPDATE SET appid = $2, mchid = $3, mch_serial = $4, mch_cert_pem = $5, platform_serial = $6,
               platform_public_key = $7, secrets_enc = $8, urls = $9, options = $10, updated_ms = $11`,
    [merchantId, pub.appid, pub.mchid, pub.mch_serial, pub.mch_cert_pem, pub.platform_serial, pub.platform_public_key,
      seal(secret, secrets), JSON.stringify(urls), JSON.stringify(options), updated]);
    cache.delete(merchantId);
    return describe({ ...pub, ...secrets, urls: { ...OFFICIAL, ...urls }, options, updated_ms: updated });
  }

  return { load: (merchantId) => load(db.query, merchantId), loadIn: load, save };
}

// What the console may see: public fields, which secrets are set (never their values).
function describe(cfg) {
  return {
    ...Object.fromEntries(PUBLIC_FIELDS.filter((f) => f !== 'mch_cert_pem' && f !== 'platform_public_key').map((f) => [f, cfg[f] ?? null])),
    mch_cert_set: !!cfg.mch_cert_pem, platform_public_key_set: !!cfg.platform_public_key,
    ...Object.fromEntries(SECRET_FIELDS.map((f) => [`${f}_set`, !!cfg[f]])),
    urls: cfg.urls, options: cfg.options, updated_ms: cfg.updated_ms,
  };
}

module.exports = { createConfigStore, describe, OFFICIAL, SECRET_FIELDS, PUBLIC_FIELDS, OPTION_FIELDS, checkUrls };
