// The JS-SDK's wx.config signature: sha1 over "jsapi_ticket=…&noncestr=…&timestamp=…&url=…"
// (keys in ASCII order, values raw, not URL-encoded), for the page's URL without its #fragment —
// what the JS-SDK itself signs (location.href.split('#')[0], WeChat's own ?from=… included).
'use strict';
const crypto = require('crypto');

function pageUrl(url) {
  return String(url).split('#')[0];
}

function jssdkSignature(ticket, url, { nonceStr = crypto.randomBytes(12).toString('hex'), timestamp = Math.floor(Date.now() / 1000) } = {}) {
  const plain = `jsapi_ticket=${ticket}&noncestr=${nonceStr}&timestamp=${timestamp}&url=${pageUrl(url)}`;
  return { nonceStr, timestamp, signature: crypto.createHash('sha1').update(plain).digest('hex') };
}

module.exports = { jssdkSignature, pageUrl };
