// Payout channels behind one interface: payout(withdrawal, now) when the merchant approves a
// withdrawal, carrying its net_fen. Whether a withdrawal fits a channel (red packet 100 ... 20000
// fen, WeChat transfer limits, real name) is decided before it is accepted, by the engine's
// previewWithdrawal. A WeChat Pay adapter implements the same call; these are sandboxes.
'use strict';

const HOUR_MS = 3600000;
const DAY_MS = 86400000;
const CST_MS = 8 * HOUR_MS;

// Start of the China-time day containing `ms`, as Unix ms.
function cstDayStart(ms) {
  return Math.floor((ms + CST_MS) / DAY_MS) * DAY_MS - CST_MS;
}

const redPacket = {
  name: 'red_packet',
  // No packets 00:00-08:00 China time: they wait in a queue until 08:00.
  payout(w, now) {
    const eight = cstDayStart(now) + 8 * HOUR_MS;
    const amount = Number(w.net_fen);
    if (now < eight) return { status: 'approved', payout: { channel: 'red_packet', amount_fen: amount, queued_until_ms: eight } };
    return { status: 'paid', payout: { channel: 'red_packet', amount_fen: amount, sent_ms: now, packet_ref: `rp-${w.withdrawal_id}` } };
  },
};

const wechatTransfer = {
  name: 'wechat_transfer',
  // The user confirms the transfer in WeChat before it is paid.
  payout(w) {
    return { status: 'approved', payout: { channel: 'wechat_transfer', amount_fen: Number(w.net_fen), awaiting_user_confirmation: true } };
  },
};

// Bank card and Alipay are paid by hand; the merchant confirms when done.
const manual = (name) => ({
  name,
  payout(w) {
    return { status: 'approved', payout: { channel: name, amount_fen: Number(w.net_fen), awaiting_merchant_confirmation: true } };
  },
});

const shopBalance = {
  name: 'shop_balance',
  payout(w, now) {
    return { status: 'paid', payout: { channel: 'shop_balance', amount_fen: Number(w.net_fen), credited_ms: now } };
  },
};

// The China-time offset, the one place the server has it (the engine's formatCst words a date
// without its year; exports and the stats' periods need the year): SQL that groups by China day
// or month gets it from here as a parameter.
const two = (n) => String(n).padStart(2, '0');
function cstParts(ms) {
  const d = new Date(Number(ms) + CST_MS);
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds() };
}
// "2026-11-24 12:00:00" China time, for exports.
function cstDateTime(ms) {
  if (ms == null) return '';
  const p = cstParts(ms);
  return `${p.y}-${two(p.mo)}-${two(p.d)} ${two(p.h)}:${two(p.mi)}:${two(p.s)}`;
}
// A China-time period's label: "2026-11-24" (day) or "2026-11" (month), from its start in ms.
function cstPeriod(ms, granularity) {
  const p = cstParts(ms);
  return granularity === 'month' ? `${p.y}-${two(p.mo)}` : `${p.y}-${two(p.mo)}-${two(p.d)}`;
}
// The start (Unix ms) of the China-time month after the one containing `ms`.
function cstNextMonth(ms) {
  const p = cstParts(ms);
  return Date.UTC(p.y, p.mo, 1) - CST_MS;
}

const CHANNELS = {
  red_packet: redPacket,
  wechat_transfer: wechatTransfer,
  bank: manual('bank'),
  alipay: manual('alipay'),
  shop_balance: shopBalance,
};

module.exports = { CHANNELS, cstDayStart, cstDateTime, cstPeriod, cstNextMonth, CST_MS, DAY_MS, HOUR_MS };
