// WeChat Pay through wechatpay-axios-plugin (docs/wechat.md says why this SDK): v3 JSAPI prepay
// (with time_expire), the parameters the page hands to WeixinJSBridge (paySign), order query and
// close, refunds and their query, 商家转账 transfer bills (package_info for the user's confirm)
// and their query and cancel; v2 现金红包 (sendredpack, XML, signed with the APIv2 key, over TLS
// with the merchant certificate). The SDK signs every v3 request (Authorization
// WECHATPAY2-SHA256-RSA2048) and verifies every v3 answer's Wechatpay-Signature with the platform
// key; base URLs are the merchant's configuration.
'use strict';
const https = require('https');
const crypto = require('crypto');
const { Wechatpay, Rsa, Formatter } = require('wechatpay-axios-plugin');

const CST_MS = 8 * 3600000;

// RFC 3339 in China time, as WeChat writes it: 2026-11-24T12:00:00+08:00.
function rfc3339(ms) {
  return `${new Date(Math.floor(ms / 1000) * 1000 + CST_MS).toISOString().replace(/\.\d{3}Z$/, '')}+08:00`;
}

class PayError extends Error {
  constructor(where, e) {
    const data = e && e.response && e.response.data;
    super(`wechat pay ${where}: ${data && data.code ? `${data.code} ${data.message || ''}` : (e && e.message) || 'failed'}`);
    this.code = 'E_WECHAT_PAY';
    this.status = e && e.response ? e.response.status : 0;
    this.wechat = data && typeof data === 'object' ? data : null;
    // No answer at all (timeout, connection refused): the request may or may not have been applied.
    this.unknown = !(e && e.response);
    this.cause = e;
  }
}

function createPayClient(cfg, { timeoutMs = 10000 } = {}) {
  const ca = cfg.options && cfg.options.pay_ca;
  const wxpay = new Wechatpay({
    mchid: cfg.mchid,
    serial: cfg.mch_serial,
    privateKey: cfg.mch_private_key,
    certs: cfg.platform_keys || { [cfg.platform_serial]: cfg.platform_public_key },
    secret: cfg.apiv2_key || undefined,
    merchant: cfg.mch_cert_pem ? { cert: cfg.mch_cert_pem, key: cfg.mch_private_key, ...(ca ? { ca } : {}) } : undefined,
    baseURL: `${cfg.urls.pay}/`,
    timeout: timeoutMs,
    ...(ca ? { httpsAgent: new https.Agent({ ca }) } : {}),
  });
  const privateKey = crypto.createPrivateKey(cfg.mch_private_key);
  const v3 = async (where, fn) => {
    try {
      const r = await fn();
      return r.data === '' ? {} : r.data;
    } catch (e) {
      throw new PayError(where, e);
    }
  };
  const byTradeNo = wxpay.v3.pay.transactions['out-trade-no']['{out_trade_no}'];
  const bills = wxpay.v3['fund-app']['mch-transfer']['transfer-bills'];

  return {
    // JSAPI prepay -> {prepay_id, params}; params go to WeixinJSBridge 'getBrandWCPayRequest'.
    async prepay({ out_trade_no: outTradeNo, description, amount_fen: total, openid, expire_ms: expireMs, notify_url: notifyUrl, attach }) {
      const data = await v3('jsapi', () => wxpay.v3.pay.transactions.jsapi.post({
        appid: cfg.appid, mchid: cfg.mchid, description, out_trade_no: outTradeNo, time_expire: rfc3339(expireMs),
        ...(attach ? { attach } : {}), notify_url: notifyUrl, amount: { total, currency: 'CNY' }, payer: { openid },
      }));
      return { prepay_id: data.prepay_id, params: this.jsapiParams(data.prepay_id) };
    },
    // paySign: RSA-SHA256 with the merchant key over appId, timeStamp, nonceStr, package (one per line).
    jsapiParams(prepayId, { nonceStr = Formatter.nonce(), timeStamp = String(Formatter.timestamp()) } = {}) {
      const pkg = `prepay_id=${prepayId}`;
      return { appId: cfg.appid, timeStamp, nonceStr, package: pkg, signType: 'RSA',
        paySign: Rsa.sign(Formatter.joinedByLineFeed(cfg.appid, timeStamp, nonceStr, pkg), privateKey) };
    },
    query(outTradeNo) {
      return v3('query', () => byTradeNo.get({ params: { mchid: cfg.mchid }, out_trade_no: outTradeNo }));
    },
    // 204 on success; closing a paid order is refused by WeChat (ORDERPAID).
    close(outTradeNo) {
      return v3('close', () => byTradeNo.close.post({ mchid: cfg.mchid }, { out_trade_no: outTradeNo }));
    },
    refund({ out_trade_no: outTradeNo, out_refund_no: outRefundNo, refund_fen: refund, total_fen: total, reason, notify_url: notifyUrl }) {
      return v3('refund', () => wxpay.v3.refund.domestic.refunds.post({
        out_trade_no: outTradeNo, out_refund_no: outRefundNo, ...(reason ? { reason } : {}), ...(notifyUrl ? { notify_url: notifyUrl } : {}),
        amount: { refund, total, currency: 'CNY' },
      }));
    },
    refundQuery(outRefundNo) {
      return v3('refund query', () => wxpay.v3.refund.domestic.refunds['{out_refund_no}'].get({ out_refund_no: outRefundNo }));
    },
    // 商家转账: -> {out_bill_no, transfer_bill_no, state: 'WAIT_USER_CONFIRM', package_info}; the
    // page calls wx.requestMerchantTransfer({mchId, appId, package: package_info}) for the user.
    transfer({ out_bill_no: outBillNo, openid, amount_fen: amount, remark, notify_url: notifyUrl,
      scene_id: sceneId = (cfg.options && cfg.options.transfer_scene_id) || '1005',
      report_infos: reportInfos = [{ info_type: '岗位类型', info_content: '推广员' }, { info_type: '报酬说明', info_content: '推广佣金' }],
      user_recv_perception: perception = '劳务报酬', user_name: userName }) {
      // The payee's real name (WeChat wants it from 2,000 yuan): RSA-OAEP with the platform key,
      // whose serial goes in the Wechatpay-Serial header.
      const name = userName ? { user_name: Rsa.encrypt(userName, cfg.platform_public_key) } : {};
      return v3('transfer', () => bills.post({
        appid: cfg.appid, out_bill_no: outBillNo, transfer_scene_id: sceneId, openid, ...name, transfer_amount: amount,
        transfer_remark: remark, ...(notifyUrl ? { notify_url: notifyUrl } : {}), user_recv_perception: perception,
        transfer_scene_report_infos: reportInfos,
      }, userName ? { headers: { 'Wechatpay-Serial': cfg.platform_serial } } : undefined));
    },
    transferQuery(outBillNo) {
      return v3('transfer query', () => bills['out-bill-no']['{out_bill_no}'].get({ out_bill_no: outBillNo }));
    },
    transferCancel(outBillNo) {
      return v3('transfer cancel', () => bills['out-bill-no']['{out_bill_no}'].cancel.post({}, { out_bill_no: outBillNo }));
    },
    // 现金红包 (v2): XML, MD5 sign with the APIv2 key, merchant certificate on the TLS connection.
    async sendRedpack({ mch_billno: billno, openid, amount_fen: amount, send_name: sendName, wishing, act_name: actName, remark, client_ip: ip = '127.0.0.1', scene_id: sceneId }) {
      try {
        const { data } = await wxpay.v2.mmpaymkttransfers.sendredpack.post({
          mch_billno: billno, mch_id: cfg.mchid, wxappid: cfg.appid, send_name: sendName, re_openid: openid, total_amount: amount,
          total_num: 1, wishing, client_ip: ip, act_name: actName, remark, ...(sceneId ? { scene_id: sceneId } : {}),
        }, { security: true, baseURL: `${cfg.urls.pay_v2}/` });
        return data;
      } catch (e) {
        const err = new PayError('sendredpack', e);
        if (e.response && e.response.data && e.response.data.err_code) err.wechat = e.response.data;
        throw err;
      }
    },
    async redpackQuery(billno) {
      try {
        const { data } = await wxpay.v2.mmpaymkttransfers.gethbinfo.post({ mch_billno: billno, mch_id: cfg.mchid, appid: cfg.appid, bill_type: 'MCHT' },
          { security: true, baseURL: `${cfg.urls.pay_v2}/` });
        return data;
      } catch (e) {
        throw new PayError('gethbinfo', e);
      }
    },
  };
}

module.exports = { createPayClient, PayError, rfc3339 };
