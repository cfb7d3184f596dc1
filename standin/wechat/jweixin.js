// The stand-in's jweixin.js (development only): what the JS-SDK and WeixinJSBridge do inside the
// WeChat browser, against the local stand-in that serves this file. A page loads it in place of
// https://res.wx.qq.com/open/js/jweixin-1.6.0.js. wx.config's signature is checked by the
// stand-in with the account's jsapi_ticket for location.href without its fragment, as WeChat
// does; share data is recorded there; payments and transfer confirms ask the user (a dialog).
(function () {
  'use strict';
  var base = (document.currentScript && new URL(document.currentScript.src).origin) || '';
  function post(path, body) {
    return fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(function (r) { return r.json(); });
  }
  var cfg = null, ok = false, readyFns = [], errorFns = [];
  function share(kind) {
    return function (d) {
      if (!ok) { if (d.fail) d.fail({ errMsg: kind + ':fail config not ok' }); return; }
      post('/__standin/share', { appId: cfg.appId, kind: kind, url: location.href, data: { title: d.title, desc: d.desc, link: d.link, imgUrl: d.imgUrl } })
        .then(function () { if (d.success) d.success({ errMsg: kind + ':ok' }); });
    };
  }
  window.wx = {
    config: function (c) {
      cfg = c;
      post('/__standin/jssdk/check', { appId: c.appId, timestamp: c.timestamp, nonceStr: c.nonceStr, signature: c.signature, url: location.href })
        .then(function (r) {
          ok = r.errMsg === 'config:ok';
          (ok ? readyFns : errorFns).forEach(function (f) { f(r); });
        });
    },
    ready: function (f) { if (ok) f(); else readyFns.push(f); },
    error: function (f) { errorFns.push(f); },
    updateAppMessageShareData: share('updateAppMessageShareData'),
    updateTimelineShareData: share('updateTimelineShareData'),
    // 商家转账: the user confirms receiving the money.
    requestMerchantTransfer: function (o) {
      var accept = window.confirm('（微信替身）确认收款？');
      post('/__standin/transfer/confirm', { mchId: o.mchId, appId: o.appId, package: o.package, accept: accept }).then(function (r) {
        if (/:ok$/.test(r.errMsg)) { if (o.success) o.success(r); } else if (o.fail) o.fail(r);
      });
    },
  };
  // WeixinJSBridge.invoke('getBrandWCPayRequest', params, cb): the cashier.
  window.WeixinJSBridge = {
    invoke: function (name, params, cb) {
      if (name !== 'getBrandWCPayRequest') { cb({ err_msg: name + ':fail not in the stand-in' }); return; }
      var choice = window.prompt('（微信替身）支付：输入 1 支付成功，2 支付失败，取消则不支付', '1');
      var outcome = choice === null ? 'cancel' : choice === '2' ? 'fail' : 'success';
      post('/__standin/pay', Object.assign({}, params, { outcome: outcome })).then(cb);
    },
  };
  setTimeout(function () { document.dispatchEvent(new Event('WeixinJSBridgeReady')); }, 0);
})();
