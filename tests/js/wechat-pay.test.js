// The WeChat Pay clients against the stand-in: every v3 request signed (the stand-in verifies it
// against the merchant certificate) and every answer verified (a wrong platform key refuses it);
// JSAPI prepay with time_expire and the paySign WeixinJSBridge checks; the notification verified,
// decrypted and recorded once (tampered refused, replayed and doubled detected, late and never
// handled by query); close, refund and its query; a transfer bill through the user's confirm; a
// red packet (v2 XML, sign, merchant certificate on TLS); a template message; failures and
// timeouts surfaced as such.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('crypto');
const { wechatSetup } = require('./wechat-harness');
const { createWechat } = require('../../web/wechat');
const { createPayClient } = require('../../web/wechat/pay');
const { openNotification } = require('../../web/wechat/notify');

const DB = process.env.PG_TEST_URL ? ['pglite', 'postgres'] : ['pglite'];
const HOUR = 3600000;
const cstHourOffset = (hour) => {
  // An offset that puts the stand-in's business clock at `hour`:30 China time today.
  const now = Date.now();
  const cst = new Date(now + 8 * HOUR);
  const target = Date.UTC(cst.getUTCFullYear(), cst.getUTCMonth(), cst.getUTCDate(), hour, 30) - 8 * HOUR;
  return target - now;
};

async function setup(kind) {
  const w = await wechatSetup(kind);
  const wx = createWechat({ db: w.h.db, secret: 'test-secret', mode: 'development' });
  const c = await wx.forMerchant(w.h.merchantId);
  const openid = w.userBy('王芳').openid;
  const notifyUrl = w.conf.options.notify_url;
  const notes = async () => w.h.db.query('SELECT notify_id, event_type, resource, deliveries FROM wechat_notifications WHERE merchant_id = $1 ORDER BY received_ms, notify_id',
    [w.h.merchantId]);
  const state = () => w.admin('GET', '/__admin/state');
  const payAs = (params, outcome) => w.admin('POST', '/__standin/pay', { ...params, ...(outcome ? { outcome } : {}) });
  return { ...w, wx, c, pay: c.pay, openid, notifyUrl, notes, state, payAs };
}

const order = (t, n, extra = {}) => ({ out_trade_no: n, description: '测试商品', amount_fen: 9900, openid: t.openid,
  expire_ms: Date.now() + 15 * 60000, notify_url: t.notifyUrl, ...extra });

for (const kind of DB) {
  test(`${kind}: JSAPI prepay is signed and its answer verified; the page's paySign pays; the notification is verified, decrypted, recorded once`, async () => {
    const t = await setup(kind);
    try {
      const pre = await t.pay.prepay(order(t, 'ORDER0001', { attach: 'm1' }));
      assert.match(pre.prepay_id, /^wx/);
      const [o] = (await t.state()).orders;
      assert.match(o.time_expire, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
      assert.ok(Math.abs(Date.parse(o.time_expire) - (Date.now() + 15 * 60000)) < 5000);
      // The page's parameters: WeixinJSBridge (the stand-in) checks paySign; a changed one fails.
      assert.deepEqual(Object.keys(pre.params).sort(), ['appId', 'nonceStr', 'package', 'paySign', 'signType', 'timeStamp']);
      assert.equal((await t.payAs({ ...pre.params, nonceStr: 'changed' })).err_msg, 'get_brand_wcpay_request:fail');
      assert.equal((await t.payAs(pre.params, 'cancel')).err_msg, 'get_brand_wcpay_request:cancel');
      const paid = await t.payAs(pre.params);
      assert.equal(paid.err_msg, 'get_brand_wcpay_request:ok');
      await t.st.settle();
      const [n] = await t.notes();
      assert.equal(n.notify_id, paid.notification_id);
      assert.equal(n.event_type, 'TRANSACTION.SUCCESS');
      assert.equal(n.resource.out_trade_no, 'ORDER0001');
      assert.equal(n.resource.trade_state, 'SUCCESS');
      assert.equal(n.resource.amount.total, 9900);
      assert.equal(n.resource.attach, 'm1');
      // Query says the same.
      const q = await t.pay.query('ORDER0001');
      assert.equal(q.trade_state, 'SUCCESS');
      assert.equal(q.transaction_id, n.resource.transaction_id);
      // The same out_trade_no again returns the paid refusal; a paid order cannot be closed.
      await assert.rejects(t.pay.prepay(order(t, 'ORDER0001')), (e) => e.wechat.code === 'ORDERPAID');
      await assert.rejects(t.pay.close('ORDER0001'), (e) => e.status === 400 && e.wechat.code === 'ORDERPAID');
    } finally {
      await t.close();
    }
  });

  test(`${kind}: tampered, replayed, doubled, late and never-delivered notifications`, async () => {
    const t = await setup(kind);
    try {
      const pre = await t.pay.prepay(order(t, 'ORDER0002'));
      const paid = await t.payAs(pre.params);
      await t.st.settle();
      // A replay of the same delivery: answered SUCCESS, recognised, not recorded twice.
      const replay = await t.admin('POST', `/__admin/notifications/${paid.notification_id}/deliver`, {});
      assert.equal(replay.delivery.status, 200);
      assert.equal(JSON.parse(replay.delivery.body).replayed, true);
      let rows = await t.notes();
      assert.equal(rows.length, 1);
      assert.equal(rows[0].deliveries, 2);
      // The body changed under its signature: refused (WeChat would retry), nothing recorded.
      const tampered = await t.admin('POST', `/__admin/notifications/${paid.notification_id}/deliver`, { tamper: true });
      assert.equal(tampered.delivery.status, 401);
      assert.equal(JSON.parse(tampered.delivery.body).code, 'FAIL');
      // Signed by someone else's key, or with an APIv3 key that is not ours, or too old.
      const raw = (await t.admin('GET', `/__admin/notifications/raw?id=${paid.notification_id}`)).body;
      const forge = (body, { key = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, ts = Math.floor(Date.now() / 1000) } = {}) => {
        const nonce = 'n'.repeat(16);
        return fetch(t.notifyUrl, { method: 'POST', body, headers: { 'content-type': 'application/json', 'wechatpay-timestamp': String(ts), 'wechatpay-nonce': nonce,
          'wechatpay-serial': t.reg.platform_serial, 'wechatpay-signature': crypto.sign('sha256', Buffer.from(`${ts}\n${nonce}\n${body}\n`), key).toString('base64') } });
      };
      const why = async (r) => [r.status, (await r.json()).message];
      assert.deepEqual(await why(await forge(raw)), [401, 'E_NOTIFY_SIGNATURE'], 'not the platform key');
      const platformKey = t.st.platformPrivateKeyForTests();
      assert.deepEqual(await why(await forge(raw, { key: platformKey, ts: Math.floor(Date.now() / 1000) - 600 })), [401, 'E_NOTIFY_STALE'], 'older than 5 minutes');
      const otherKey = JSON.parse(raw);
      otherKey.id = crypto.randomUUID();
      otherKey.resource.ciphertext = Buffer.from('x'.repeat(64)).toString('base64');
      assert.deepEqual(await why(await forge(JSON.stringify(otherKey), { key: platformKey })), [401, 'E_NOTIFY_DECRYPT'], 'resource does not decrypt');
      // Signed and sealed right, but about another merchant (one APIv3 key shared by two shops): refused.
      const foreign = JSON.parse(raw);
      foreign.id = crypto.randomUUID();
      const res = { ...JSON.parse(require('wechatpay-axios-plugin').Aes.AesGcm.decrypt(foreign.resource.ciphertext, t.reg.apiv3_key, foreign.resource.nonce, foreign.resource.associated_data)), mchid: '1900000001' };
      foreign.resource.ciphertext = require('wechatpay-axios-plugin').Aes.AesGcm.encrypt(JSON.stringify(res), t.reg.apiv3_key, foreign.resource.nonce, foreign.resource.associated_data);
      const refused = await forge(JSON.stringify(foreign), { key: platformKey });
      assert.deepEqual([refused.status, (await refused.json()).message], [401, 'E_NOTIFY_MERCHANT']);
      // The direct call names what is wrong.
      assert.throws(() => openNotification(t.c.cfg, { 'wechatpay-timestamp': '1', 'wechatpay-nonce': 'x', 'wechatpay-serial': 'y', 'wechatpay-signature': 'z' }, raw),
        (e) => e.code === 'E_NOTIFY_STALE');
      rows = await t.notes();
      assert.equal(rows.length, 1);

      // Delivered twice by WeChat: recorded once, the second recognised.
      await t.admin('POST', '/__admin/faults', { path: 'notify:TRANSACTION.SUCCESS', mode: 'twice', times: 1 });
      const p3 = await t.payAs((await t.pay.prepay(order(t, 'ORDER0003'))).params);
      await t.st.settle();
      const st3 = (await t.state()).notifications.find((x) => x.id === p3.notification_id);
      assert.deepEqual(st3.deliveries.map((d) => [d.status, JSON.parse(d.body).replayed]), [[200, false], [200, true]]);
      // Late: the order is paid before its notification arrives; the query already knows.
      await t.admin('POST', '/__admin/faults', { path: 'notify:TRANSACTION.SUCCESS', mode: 'late', ms: 400, times: 1 });
      const p4 = await t.payAs((await t.pay.prepay(order(t, 'ORDER0004'))).params);
      assert.equal((await t.pay.query('ORDER0004')).trade_state, 'SUCCESS');
      assert.ok(!(await t.notes()).some((r) => r.notify_id === p4.notification_id), 'not arrived yet');
      await t.st.settle();
      assert.ok((await t.notes()).some((r) => r.notify_id === p4.notification_id));
      // Refused (the shop was down, or answered 5xx): WeChat delivers again later.
      await t.admin('POST', '/__admin/notify-retry', { delays_ms: [100, 100] });
      const http = require('http');
      let hits = 0;
      const flaky = http.createServer((req, res) => { req.resume(); res.writeHead(++hits === 1 ? 503 : 200); res.end(); });
      await new Promise((r) => flaky.listen(0, '127.0.0.1', r));
      try {
        const p6 = await t.payAs((await t.pay.prepay(order(t, 'ORDER0006', { notify_url: `http://127.0.0.1:${flaky.address().port}/n` }))).params);
        await t.st.settle();
        await new Promise((r) => setTimeout(r, 400));
        const d6 = (await t.state()).notifications.find((x) => x.id === p6.notification_id).deliveries.map((d) => d.status);
        assert.deepEqual(d6, [503, 200]);
      } finally {
        flaky.close();
      }
      // Never: only the query tells; delivered by hand later, it is recorded then.
      await t.admin('POST', '/__admin/faults', { path: 'notify:TRANSACTION.SUCCESS', mode: 'never', times: 1 });
      const p5 = await t.payAs((await t.pay.prepay(order(t, 'ORDER0005'))).params);
      await t.st.settle();
      assert.ok(!(await t.notes()).some((r) => r.notify_id === p5.notification_id));
      assert.equal((await t.pay.query('ORDER0005')).trade_state, 'SUCCESS');
      await t.admin('POST', `/__admin/notifications/${p5.notification_id}/deliver`, {});
      assert.ok((await t.notes()).some((r) => r.notify_id === p5.notification_id));
    } finally {
      await t.close();
    }
  });

  test(`${kind}: the stand-in refuses requests not signed by the merchant; the client refuses answers not signed by WeChat; faults surface`, async () => {
    const t = await setup(kind);
    try {
      const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
      const wrongKey = createPayClient({ ...t.c.cfg, mch_private_key: other.privateKey });
      await assert.rejects(wrongKey.prepay(order(t, 'ORDER0101')), (e) => e.status === 401 && e.wechat.code === 'SIGN_ERROR');
      const wrongSerial = createPayClient({ ...t.c.cfg, mch_serial: 'ABCDEF' });
      await assert.rejects(wrongSerial.query('ORDER0101'), (e) => e.status === 401);
      // The platform's key is not the one we hold: the answer is not believed.
      const wrongPlatform = createPayClient({ ...t.c.cfg, platform_keys: { [t.c.cfg.platform_serial]: other.publicKey } });
      await assert.rejects(wrongPlatform.prepay(order(t, 'ORDER0102')), (e) => /EV3_RES_HEADER_SIGNATURE_DIGEST|Verify the response/.test(e.message));
      // WeChat fails, or is too slow: an error that says whether WeChat answered at all.
      await t.admin('POST', '/__admin/faults', { path: '/v3/pay/transactions/jsapi', mode: 'fail', times: 1 });
      await assert.rejects(t.pay.prepay(order(t, 'ORDER0103')), (e) => e.status === 500 && e.wechat.code === 'SYSTEM_ERROR' && !e.unknown);
      await t.admin('POST', '/__admin/faults', { path: '/v3/pay/transactions/jsapi', mode: 'slow', ms: 600, times: 1 });
      const impatient = createPayClient(t.c.cfg, { timeoutMs: 200 });
      await assert.rejects(impatient.prepay(order(t, 'ORDER0104')), (e) => e.unknown === true);
      // The slow request was still applied by the stand-in: the retry with the same number is answered with the same prepay.
      await new Promise((r) => setTimeout(r, 500));
      const again = await t.pay.prepay(order(t, 'ORDER0104'));
      assert.equal(again.prepay_id, (await t.state()).orders.find((o) => o.out_trade_no === 'ORDER0104').prepay_id);
    } finally {
      await t.close();
    }
  });

  test(`${kind}: WeChat rotates its platform key: answers under an unknown key are refused until the merchant adds it`, async () => {
    const t = await setup(kind);
    try {
      const next = await t.admin('POST', '/__admin/platform/rotate', {});
      await assert.rejects(t.pay.prepay(order(t, 'ORDER0301')), (e) => /EV3_RES_HEADER_PLATFORM_SERIAL|Cannot found the serial/.test(e.message));
      const put = await t.h.merchant('PUT', '/api/merchant/wechat', { appid: t.reg.appid, options: { platform_keys_extra: { [next.platform_serial]: next.platform_public_key } } });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      const c = await t.wx.forMerchant(t.h.merchantId);
      const pre = await c.pay.prepay(order(t, 'ORDER0302'));
      const paid = await t.payAs(pre.params);
      await t.st.settle();
      const n = (await t.notes()).find((x) => x.notify_id === paid.notification_id);
      assert.equal(n.resource.out_trade_no, 'ORDER0302', 'the notification signed with the new key is accepted');
      assert.equal((await t.h.merchant('PUT', '/api/merchant/wechat', { appid: t.reg.appid, options: { platform_keys_extra: { x: 'not a key' } } })).body.errors[0].code, 'E_KEY');
    } finally {
      await t.close();
    }
  });

  test(`${kind}: close an unpaid order; refund, its query and notification; a refund beyond the order refused`, async () => {
    const t = await setup(kind);
    try {
      const unpaid = await t.pay.prepay(order(t, 'ORDER0201'));
      assert.deepEqual(await t.pay.close('ORDER0201'), {});
      assert.equal((await t.pay.query('ORDER0201')).trade_state, 'CLOSED');
      assert.equal((await t.payAs(unpaid.params)).err_msg, 'get_brand_wcpay_request:fail');
      await assert.rejects(t.pay.query('NO-SUCH-ORDER'), (e) => e.status === 404 && e.wechat.code === 'ORDER_NOT_EXIST');

      await t.payAs((await t.pay.prepay(order(t, 'ORDER0202'))).params);
      const r = await t.pay.refund({ out_trade_no: 'ORDER0202', out_refund_no: 'REFUND0202A', refund_fen: 3000, total_fen: 9900, reason: '退货', notify_url: t.notifyUrl });
      assert.equal(r.status, 'PROCESSING');
      assert.equal(r.amount.refund, 3000);
      // The same refund number again: the same refund, not a second one.
      assert.equal((await t.pay.refund({ out_trade_no: 'ORDER0202', out_refund_no: 'REFUND0202A', refund_fen: 3000, total_fen: 9900, notify_url: t.notifyUrl })).refund_id, r.refund_id);
      await assert.rejects(t.pay.refund({ out_trade_no: 'ORDER0202', out_refund_no: 'REFUND0202B', refund_fen: 7000, total_fen: 9900 }), (e) => e.wechat.code === 'NOT_ENOUGH');
      await new Promise((res) => setTimeout(res, 150));
      await t.st.settle();
      assert.equal((await t.pay.refundQuery('REFUND0202A')).status, 'SUCCESS');
      const note = (await t.notes()).find((n) => n.event_type === 'REFUND.SUCCESS');
      assert.equal(note.resource.out_refund_no, 'REFUND0202A');
      assert.equal(note.resource.refund_status, 'SUCCESS');
      assert.equal(note.resource.amount.refund, 3000);
    } finally {
      await t.close();
    }
  });

  test(`${kind}: a transfer bill waits for the user's confirm with package_info, then succeeds; cancel; limits`, async () => {
    const t = await setup(kind);
    try {
      const bill = await t.pay.transfer({ out_bill_no: 'BILL0001', openid: t.openid, amount_fen: 1234, remark: '推广佣金提现', notify_url: t.notifyUrl });
      assert.equal(bill.state, 'WAIT_USER_CONFIRM');
      assert.ok(bill.package_info);
      const [stored] = (await t.state()).bills;
      assert.equal(stored.transfer_amount, 1234);
      // What wx.requestMerchantTransfer({mchId, appId, package}) does in the user's WeChat.
      const confirm = (extra = {}) => t.admin('POST', '/__standin/transfer/confirm', { mchId: t.reg.mchid, appId: t.reg.appid, package: bill.package_info, ...extra });
      assert.match((await confirm({ package: 'forged' })).errMsg, /fail/);
      assert.equal((await confirm({ accept: false })).errMsg, 'requestMerchantTransfer:cancel');
      assert.equal((await t.pay.transferQuery('BILL0001')).state, 'WAIT_USER_CONFIRM');
      assert.equal((await confirm()).errMsg, 'requestMerchantTransfer:ok');
      await t.st.settle();
      assert.equal((await t.pay.transferQuery('BILL0001')).state, 'SUCCESS');
      const note = (await t.notes()).find((n) => n.event_type === 'MCHTRANSFER.BILL.FINISHED');
      assert.deepEqual([note.resource.out_bill_no, note.resource.state, note.resource.transfer_amount], ['BILL0001', 'SUCCESS', 1234]);
      await assert.rejects(t.pay.transferCancel('BILL0001'), (e) => e.status === 400);
      // Another bill, cancelled before the user confirms.
      await t.pay.transfer({ out_bill_no: 'BILL0002', openid: t.openid, amount_fen: 500, remark: '推广佣金提现', notify_url: t.notifyUrl });
      assert.equal((await t.pay.transferCancel('BILL0002')).state, 'CANCELING');
      assert.equal((await t.pay.transferQuery('BILL0002')).state, 'CANCELLED');
      // From 2,000 yuan the real name is needed, encrypted for the platform key.
      await assert.rejects(t.pay.transfer({ out_bill_no: 'BILL0004', openid: t.openid, amount_fen: 250000, remark: '推广佣金提现' }), (e) => /user_name/.test(e.wechat.message));
      assert.equal((await t.pay.transfer({ out_bill_no: 'BILL0005', openid: t.openid, amount_fen: 250000, remark: '推广佣金提现', user_name: '王芳' })).state, 'WAIT_USER_CONFIRM');
      assert.equal((await t.state()).bills.find((x) => x.out_bill_no === 'BILL0005').real_name, '王芳');
      // Under 0.1 yuan is refused.
      await assert.rejects(t.pay.transfer({ out_bill_no: 'BILL0003', openid: t.openid, amount_fen: 9, remark: 'x' }), (e) => e.wechat.code === 'PARAM_ERROR');
    } finally {
      await t.close();
    }
  });

  test(`${kind}: a red packet: XML signed with the APIv2 key over TLS with the merchant certificate; none at night`, async () => {
    const t = await setup(kind);
    try {
      const packet = { mch_billno: `${t.reg.mchid}20261124${String(crypto.randomInt(1e9)).padStart(10, '0')}`, openid: t.openid, amount_fen: 888,
        send_name: '测试小店', wishing: '感谢推广', act_name: '推广佣金', remark: '佣金提现' };
      await t.admin('POST', '/__admin/clock', { offset_ms: cstHourOffset(3) });
      await assert.rejects(t.pay.sendRedpack(packet), (e) => e.wechat && e.wechat.err_code === 'TIME_LIMITED');
      await t.admin('POST', '/__admin/clock', { offset_ms: cstHourOffset(10) });
      const sent = await t.pay.sendRedpack(packet);
      assert.equal(sent.result_code, 'SUCCESS');
      assert.equal(sent.total_amount, '888');
      assert.ok(sent.send_listid);
      const [rp] = (await t.state()).redpacks;
      assert.equal(rp.total_amount, 888);
      assert.equal((await t.pay.redpackQuery(packet.mch_billno)).status, 'SENT');
      // The same bill number again: the same packet, not a second one.
      assert.equal((await t.pay.sendRedpack(packet)).send_listid, sent.send_listid);
      // Signed with another key: refused; without the certificate (plain HTTP): refused.
      const wrongKey = createPayClient({ ...t.c.cfg, apiv2_key: 'k'.repeat(32) });
      await assert.rejects(wrongKey.sendRedpack({ ...packet, mch_billno: `${packet.mch_billno.slice(0, -1)}9` }), (e) => /return_code/.test(e.message));
      assert.equal((await t.state()).redpacks.length, 1);
      const noCert = createPayClient({ ...t.c.cfg, mch_cert_pem: null });
      await assert.rejects(noCert.sendRedpack({ ...packet, mch_billno: `${packet.mch_billno.slice(0, -1)}8` }));
      const overHttp = createPayClient({ ...t.c.cfg, urls: { ...t.c.cfg.urls, pay_v2: t.st.url } });
      await assert.rejects(overHttp.sendRedpack({ ...packet, mch_billno: `${packet.mch_billno.slice(0, -1)}7` }));
      assert.equal((await t.state()).redpacks.length, 1);
      // Outside 1 … 200 yuan.
      await assert.rejects(t.pay.sendRedpack({ ...packet, mch_billno: `${packet.mch_billno.slice(0, -1)}6`, amount_fen: 99 }), (e) => e.wechat.err_code === 'PARAM_ERROR');
    } finally {
      await t.close();
    }
  });

  test(`${kind}: a template message reaches a follower; a bad token is fetched again once`, async () => {
    const t = await setup(kind);
    try {
      const r = await t.c.oa.sendTemplate({ touser: t.openid, template_id: 'TPL-commission', url: `${t.base}/me.html`, data: { first: { value: '你有一笔佣金到账' } } });
      assert.equal(r.errcode, 0);
      assert.ok(r.msgid);
      const [sent] = (await t.state()).templates;
      assert.equal(sent.touser, t.openid);
      await assert.rejects(t.c.oa.sendTemplate({ touser: t.userBy('赵磊').openid, template_id: 'TPL', data: {} }), (e) => e.errcode === 43004);
      // The stored token is no longer WeChat's (say, another tool fetched a new one): one refetch.
      await t.h.db.query("UPDATE wechat_tokens SET value = 'stale' WHERE appid = $1 AND kind = 'access_token'", [t.reg.appid]);
      const before = (await t.state()).counts[`token:${t.reg.appid}`];
      assert.equal((await t.c.oa.sendTemplate({ touser: t.openid, template_id: 'TPL', data: {} })).errcode, 0);
      assert.equal((await t.state()).counts[`token:${t.reg.appid}`], before + 1);
    } finally {
      await t.close();
    }
  });
}
