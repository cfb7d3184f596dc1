// Payout channels behind one interface: check(amount, context) before a withdrawal is accepted,
// and payout(withdrawal, now) when the merchant approves it. A WeChat Pay adapter implements the
// same two calls; these are the platform's rules with a sandbox in place of the real transfer.
'use strict';
const { bad } = require('./errors');

const HOUR_MS = 3600000;
const DAY_MS = 86400000;
const CST_MS = 8 * HOUR_MS;

// Start of the China-time day containing `ms`, as Unix ms.
function cstDayStart(ms) {
  return Math.floor((ms + CST_MS) / DAY_MS) * DAY_MS - CST_MS;
}

const redPacket = {
  name: 'red_packet',
  check(amount) {
    if (amount < 100 || amount > 20000) {
      throw bad('E_METHOD_LIMIT', 'amount_fen', 'a red packet carries 100 ... 20000 fen');
    }
  },
  // No packets 00:00-08:00 China time: they wait in a queue until 08:00.
  payout(w, now) {
    const eight = cstDayStart(now) + 8 * HOUR_MS;
    if (now < eight) return { status: 'approved', payout: { channel: 'red_packet', queued_until_ms: eight } };
    return { status: 'paid', payout: { channel: 'red_packet', sent_ms: now, packet_ref: `rp-${w.withdrawal_id}` } };
  },
};

const wechatTransfer = {
  name: 'wechat_transfer',
  check(amount, ctx) {
    if (amount < 10) throw bad('E_METHOD_LIMIT', 'amount_fen', 'a WeChat transfer is at least 10 fen');
    if (ctx.transferredToday + amount > 2000000) {
      throw bad('E_METHOD_LIMIT', 'amount_fen', 'WeChat transfers are at most 2,000,000 fen per user per day');
    }
    if (amount >= 200000 && !ctx.realName) {
      throw bad('E_REAL_NAME', 'amount_fen', 'a transfer of 200,000 fen or more needs the user\'s real name');
    }
  },
  // The user confirms the transfer in WeChat before it is paid.
  payout(w) {
    return { status: 'approved', payout: { channel: 'wechat_transfer', awaiting_user_confirmation: true } };
  },
};

// Bank card and Alipay are paid by hand; the merchant confirms when done.
const manual = (name) => ({
  name,
  check() {},
  payout() {
    return { status: 'approved', payout: { channel: name, awaiting_merchant_confirmation: true } };
  },
});

const shopBalance = {
  name: 'shop_balance',
  check() {},
  payout(w, now) {
    return { status: 'paid', payout: { channel: 'shop_balance', credited_ms: now } };
  },
};

const CHANNELS = {
  red_packet: redPacket,
  wechat_transfer: wechatTransfer,
  bank: manual('bank'),
  alipay: manual('alipay'),
  shop_balance: shopBalance,
};

module.exports = { CHANNELS, cstDayStart, DAY_MS, HOUR_MS };
