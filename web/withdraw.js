// Withdrawals (SPEC 9): requested -> approved -> paid, or rejected (the money returns). The
// wallet row lock makes concurrent requests of one user see each other; the idempotency key
// makes a retried request return the first result instead of paying twice.
'use strict';
const ledger = require('./ledger');
const { CHANNELS, cstDayStart, DAY_MS } = require('./payouts');
const { bad, notFound, conflict } = require('./errors');

const DEFAULTS = {
  methods: ['red_packet', 'wechat_transfer', 'bank', 'alipay', 'shop_balance'],
  threshold_fen: 100,   // below this the balance waits
  min_fen: 100,
  max_fen: 2000000,
  period: 'day',        // day | week | month
  max_per_period: 5,
};

function settingsOf(merchant) {
  return { ...DEFAULTS, ...((merchant.settings || {}).withdrawal || {}) };
}

function periodStart(period, now) {
  const day = cstDayStart(now);
  if (period === 'week') {
    const weekday = (Math.floor((day + 8 * 3600000) / DAY_MS) + 3) % 7; // 0 = Monday
    return day - weekday * DAY_MS;
  }
  if (period === 'month') {
    const d = new Date(day + 8 * 3600000);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - 8 * 3600000;
  }
  return day;
}

async function request(q, merchant, userId, { amount_fen: amount, method, idem_key: idemKey }, now) {
  const m = merchant.merchant_id;
  await ledger.lockWallet(q, m, userId);
  const prior = await q('SELECT * FROM withdrawals WHERE merchant_id = $1 AND user_id = $2 AND idem_key = $3',
    [m, userId, idemKey]);
  if (prior.length) return { ...prior[0], replayed: true };
  const s = settingsOf(merchant);
  if (!s.methods.includes(method) || !CHANNELS[method]) throw bad('E_METHOD', 'method', `method ${method} is not offered`);
  const b = await ledger.balances(q, m, userId);
  if (b.available < s.threshold_fen) {
    throw bad('E_THRESHOLD', 'amount_fen', `withdrawals start at ${s.threshold_fen} fen available; you have ${b.available}`);
  }
  if (amount < s.min_fen) throw bad('E_MIN', 'amount_fen', `at least ${s.min_fen} fen per withdrawal`);
  if (amount > s.max_fen) throw bad('E_MAX', 'amount_fen', `at most ${s.max_fen} fen per withdrawal`);
  if (amount > b.available) {
    throw bad('E_INSUFFICIENT', 'amount_fen', `only ${b.available} fen is available`);
  }
  const since = periodStart(s.period, now);
  const [{ n }] = await q(`SELECT COUNT(*)::int AS n FROM withdrawals WHERE merchant_id = $1 AND user_id = $2
                           AND created_ms >= $3 AND status <> 'rejected'`, [m, userId, since]);
  if (n >= s.max_per_period) throw conflict('E_FREQUENCY', `at most ${s.max_per_period} withdrawals per ${s.period}`);
  const [{ today }] = await q(`SELECT COALESCE(SUM(amount_fen), 0) AS today FROM withdrawals WHERE merchant_id = $1
      AND user_id = $2 AND method = 'wechat_transfer' AND created_ms >= $3 AND status <> 'rejected'`,
  [m, userId, cstDayStart(now)]);
  const [user] = await q('SELECT real_name FROM users WHERE merchant_id = $1 AND user_id = $2', [m, userId]);
  CHANNELS[method].check(amount, { transferredToday: Number(today), realName: !!(user && user.real_name) });
  const [w] = await q(`INSERT INTO withdrawals (merchant_id, user_id, amount_fen, method, status, idem_key, created_ms)
                       VALUES ($1, $2, $3, $4, 'requested', $5, $6) RETURNING *`, [m, userId, amount, method, idemKey, now]);
  await ledger.post(q, m, userId, [['available', -amount], ['withdrawing', amount]], `withdrawal:${w.withdrawal_id}`, now);
  return w;
}

async function load(q, m, id) {
  const rows = await q('SELECT * FROM withdrawals WHERE merchant_id = $1 AND withdrawal_id = $2 FOR UPDATE', [m, id]);
  if (!rows.length) throw notFound('withdrawal', 'withdrawal_id');
  return rows[0];
}

async function settle(q, w, status, payout, now) {
  const m = w.merchant_id;
  await ledger.lockWallet(q, m, w.user_id);
  await q(`UPDATE withdrawals SET status = $3, payout = $4, decided_ms = $5 WHERE merchant_id = $1 AND withdrawal_id = $2`,
    [m, w.withdrawal_id, status, JSON.stringify(payout), now]);
  const amount = Number(w.amount_fen);
  const ref = `withdrawal:${w.withdrawal_id}`;
  if (status === 'paid') await ledger.post(q, m, w.user_id, [['withdrawing', -amount], ['withdrawn', amount]], ref, now);
  if (status === 'rejected') await ledger.post(q, m, w.user_id, [['withdrawing', -amount], ['available', amount]], ref, now);
  return { ...w, status, payout };
}

async function approve(q, merchantId, id, now) {
  const w = await load(q, merchantId, id);
  if (w.status !== 'requested') return w; // approving twice pays once
  const r = CHANNELS[w.method].payout(w, now);
  return settle(q, w, r.status, r.payout, now);
}

async function reject(q, merchantId, id, now) {
  const w = await load(q, merchantId, id);
  if (w.status === 'rejected') return w;
  if (w.status !== 'requested' && w.status !== 'approved') throw conflict('E_WITHDRAWAL_STATE', `withdrawal is ${w.status}`);
  return settle(q, w, 'rejected', { ...w.payout, rejected: true }, now);
}

// Merchant confirms a manual payout, or the user confirms a WeChat transfer.
async function confirm(q, merchantId, id, now, who) {
  const w = await load(q, merchantId, id);
  if (w.status === 'paid') return w;
  if (w.status !== 'approved') throw conflict('E_WITHDRAWAL_STATE', `withdrawal is ${w.status}`);
  const p = w.payout || {};
  const ok = who === 'user' ? p.awaiting_user_confirmation : p.awaiting_merchant_confirmation;
  if (!ok) throw conflict('E_WITHDRAWAL_STATE', `this withdrawal is not waiting for the ${who}`);
  return settle(q, w, 'paid', { ...p, confirmed_by: who, confirmed_ms: now }, now);
}

// Red packets queued over the night go out once their hour has come.
async function sendQueued(q, merchantId, now) {
  const rows = await q(`SELECT * FROM withdrawals WHERE merchant_id = $1 AND status = 'approved' AND method = 'red_packet'
                        AND (payout->>'queued_until_ms')::bigint <= $2 FOR UPDATE`, [merchantId, now]);
  for (const w of rows) await settle(q, w, 'paid', { ...w.payout, sent_ms: now, packet_ref: `rp-${w.withdrawal_id}` }, now);
  return rows.length;
}

module.exports = { request, approve, reject, confirm, sendQueued, settingsOf, DEFAULTS };
