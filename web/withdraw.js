// Withdrawals (SPEC 9): requested -> approved -> paid, or rejected (the whole amount returns).
// Whether a withdrawal may be made, its fee and what arrives are the engine's (previewWithdrawal,
// the same call the page makes); this file keeps the books. The wallet row lock makes concurrent
// requests of one user see each other; the idempotency key makes a retried request return the
// first result instead of paying twice.
'use strict';
const ledger = require('./ledger');
const { CHANNELS } = require('./payouts');
const { ApiError, notFound, conflict, fromEngine } = require('./errors');

const DAY_MS = 86400000;
// The engine counts the period (day, week from Monday, month from the 1st, China time) and the
// WeChat-transfer day from this history; 32 days cover the longest period.
const HISTORY_MS = 32 * DAY_MS;

const storedSettings = (merchant) => ((merchant && merchant.settings) || {}).withdrawal || {};

// The merchant's settings with every default filled in, as the engine reads them.
function settingsOf(engine, merchant) {
  const r = engine.call('withdrawalSettings', { settings: storedSettings(merchant) });
  if (!r.ok) throw fromEngine(r, { settings: 'withdrawal' });
  return r.settings;
}

async function request(q, engine, merchant, userId, { amount_fen: amount, method, idem_key: idemKey }, now) {
  const m = merchant.merchant_id;
  const b = await ledger.lockWallet(q, m, userId);
  const prior = await q('SELECT * FROM withdrawals WHERE merchant_id = $1 AND user_id = $2 AND idem_key = $3',
    [m, userId, idemKey]);
  if (prior.length) return { ...prior[0], replayed: true };
  const history = await q(`SELECT created_ms, method, net_fen FROM withdrawals WHERE merchant_id = $1 AND user_id = $2
                           AND status <> 'rejected' AND created_ms > $3 AND created_ms <= $4 ORDER BY created_ms DESC LIMIT 1000`,
  [m, userId, now - HISTORY_MS, now]);
  const [user] = await q('SELECT real_name FROM users WHERE merchant_id = $1 AND user_id = $2', [m, userId]);
  const p = engine.call('previewWithdrawal', {
    settings: storedSettings(merchant), available_fen: b.available, amount_fen: amount, method, now_ms: now,
    real_name: !!(user && user.real_name),
    history: history.map((h) => ({ created_ms: Number(h.created_ms), method: h.method, net_fen: Number(h.net_fen) })),
  });
  if (!p.ok) throw fromEngine(p, { settings: 'withdrawal' });
  if (!p.allowed) {
    // Every reason at once, as the page shows them; too many this period is a state conflict.
    const first = p.reasons[0];
    const err = new ApiError(first.code === 'E_FREQUENCY' ? 409 : 400, first.code, first.path, first.message);
    err.errors = p.reasons.map((r) => ({ ...r, ...(r.code === 'E_FREQUENCY' && p.changes_at_ms ? { until_ms: p.changes_at_ms } : {}) }));
    throw err;
  }
  const [w] = await q(`INSERT INTO withdrawals (merchant_id, user_id, amount_fen, fee_fen, net_fen, method, status, idem_key, created_ms)
                       VALUES ($1, $2, $3, $4, $5, $6, 'requested', $7, $8) RETURNING *`,
  [m, userId, amount, p.fee_fen, p.net_fen, method, idemKey, now]);
  await ledger.post(q, m, userId, [['available', -amount], ['withdrawing', amount]], `withdrawal:${w.withdrawal_id}`, now);
  return w;
}

async function load(q, m, id) {
  const rows = await q('SELECT * FROM withdrawals WHERE merchant_id = $1 AND withdrawal_id = $2 FOR UPDATE', [m, id]);
  if (!rows.length) throw notFound('withdrawal', 'withdrawal_id');
  return rows[0];
}

// Paid: the net left through the channel and the fee went to the merchant. Rejected: the whole
// amount is available again.
async function settle(q, w, status, payout, now) {
  const m = w.merchant_id;
  await q(`UPDATE withdrawals SET status = $3, payout = $4, decided_ms = $5 WHERE merchant_id = $1 AND withdrawal_id = $2`,
    [m, w.withdrawal_id, status, JSON.stringify(payout), now]);
  const amount = Number(w.amount_fen);
  const ref = `withdrawal:${w.withdrawal_id}`;
  if (status === 'paid') {
    await ledger.post(q, m, w.user_id, [['withdrawing', -amount], ['withdrawn', Number(w.net_fen)], ['fee', Number(w.fee_fen)]], ref, now);
  }
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

module.exports = { request, approve, reject, confirm, sendQueued, settingsOf, storedSettings };
