// Payment providers behind one interface: create(order) starts a payment and verify(callback)
// checks a provider's notification. The sandbox signs its callbacks like WeChat Pay does, and can
// succeed, fail, call back late (the test delivers it) or call back twice.
'use strict';
const crypto = require('crypto');

class SandboxPayments {
  constructor(secret) {
    this.secret = secret;
  }

  create(order) {
    return { provider_ref: `sbx-${order.merchant_id}-${order.order_id}-${crypto.randomUUID().slice(0, 12)}` };
  }

  callback(providerRef, status) {
    const body = { provider_ref: providerRef, status };
    return { ...body, signature: this.sign(body) };
  }

  sign({ provider_ref: ref, status }) {
    return crypto.createHmac('sha256', this.secret).update(`${ref}|${status}`).digest('hex');
  }

  verify(cb) {
    const want = Buffer.from(this.sign(cb), 'hex');
    const got = Buffer.from(String(cb.signature || ''), 'hex');
    return got.length === want.length && crypto.timingSafeEqual(got, want);
  }
}

module.exports = { SandboxPayments };
