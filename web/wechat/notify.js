// WeChat Pay v3 notifications (payment, refund, transfer bill): the signature over
// "timestamp\nnonce\nbody\n" checked with the platform public key named by Wechatpay-Serial, the
// timestamp within 5 minutes, the resource decrypted (AEAD_AES_256_GCM with the APIv3 key, the
// SDK's Aes.AesGcm), and the notification id recorded once, so a replayed or repeated delivery
// is recognised and not applied twice.
'use strict';
const { Rsa, Aes, Formatter } = require('wechatpay-axios-plugin');

const MAX_SKEW_S = 300;

class NotifyError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function header(headers, name) {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

// -> {id, event_type, create_time, summary, resource (decrypted object)}; throws NotifyError.
function openNotification(cfg, headers, rawBody, { nowMs = Date.now() } = {}) {
  const ts = header(headers, 'wechatpay-timestamp');
  const nonce = header(headers, 'wechatpay-nonce');
  const signature = header(headers, 'wechatpay-signature');
  const serial = header(headers, 'wechatpay-serial');
  if (!ts || !nonce || !signature || !serial) throw new NotifyError('E_NOTIFY_HEADERS', 'missing Wechatpay-* headers');
  if (!/^\d{1,12}$/.test(ts) || Math.abs(Math.floor(nowMs / 1000) - Number(ts)) > MAX_SKEW_S) throw new NotifyError('E_NOTIFY_STALE', 'timestamp outside 5 minutes');
  const keys = cfg.platform_keys || { [cfg.platform_serial]: cfg.platform_public_key };
  if (!Object.prototype.hasOwnProperty.call(keys, serial)) throw new NotifyError('E_NOTIFY_SERIAL', `unknown platform key ${serial}`);
  let ok = false;
  try { ok = Rsa.verify(Formatter.response(ts, nonce, rawBody), signature, keys[serial]); } catch { ok = false; }
  if (!ok) throw new NotifyError('E_NOTIFY_SIGNATURE', 'signature does not verify');
  let body;
  try { body = JSON.parse(rawBody); } catch { throw new NotifyError('E_NOTIFY_BODY', 'not JSON'); }
  const r = body && body.resource;
  if (!r || r.algorithm !== 'AEAD_AES_256_GCM') throw new NotifyError('E_NOTIFY_BODY', 'unknown resource algorithm');
  let resource;
  try {
    resource = JSON.parse(Aes.AesGcm.decrypt(r.ciphertext, cfg.apiv3_key, r.nonce, r.associated_data || ''));
  } catch {
    throw new NotifyError('E_NOTIFY_DECRYPT', 'resource does not decrypt with the APIv3 key');
  }
  // Ours: a notification about another merchant or account is not applied here.
  const mch = resource.mchid ?? resource.mch_id ?? resource.sp_mchid;
  if (mch !== undefined && String(mch) !== String(cfg.mchid)) throw new NotifyError('E_NOTIFY_MERCHANT', 'notification for another merchant');
  if (resource.appid !== undefined && resource.appid !== cfg.appid) throw new NotifyError('E_NOTIFY_MERCHANT', 'notification for another appid');
  return { id: body.id, event_type: body.event_type, create_time: body.create_time, summary: body.summary, resource };
}

// Records a verified notification; -> {first: true} the first time its id is seen, else
// {first: false, deliveries}. Run inside the transaction that applies it, so a crash before the
// commit leaves it unrecorded and WeChat's retry applies it.
async function recordNotification(q, merchantId, n, now) {
  const [row] = await q(`INSERT INTO wechat_notifications (merchant_id, notify_id, event_type, resource, received_ms)
                         VALUES ($1, $2, $3, $4, $5)
                         ON CONFLICT (merchant_id, notify_id) DO UPDATE SET deliveries = wechat_notifications.deliveries + 1
                         RETURNING deliveries`, [merchantId, String(n.id), n.event_type, JSON.stringify(n.resource), now]);
  return { first: row.deliveries === 1, deliveries: row.deliveries };
}

module.exports = { openNotification, recordNotification, NotifyError, MAX_SKEW_S };
