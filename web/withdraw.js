// Withdrawals (SPEC 9): requested -> approved -> paid, or rejected (the whole amount returns).
// Whether a withdrawal may be made, its fee and what arrives are the engine's (previewWithdrawal,
// the same call the page makes); this file keeps the books. The wallet row lock makes concurrent
// requests of one user see each other; the idempotency key makes a retried request return the
// first result instead of paying twice.
'use strict';
const ledger = require('./ledger');
const { CHANNELS } = require('./payouts');
const { ApiError, bad, notFound, conflict, fromEngine } = require('./errors');

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

// What the server keeps beside the engine's withdrawal settings (the engine knows nothing of
// them): 打款说明 (`payout_note`, shown to the distributor) and the methods paid without review
// (`auto_payout`: red packets and WeChat transfers go out as the request is made, within the
// engine's channel limits, which the request has already passed).
const AUTO_METHODS = ['red_packet', 'wechat_transfer'];
function payoutOptions(merchant) {
  const o = ((merchant && merchant.settings) || {}).payouts || {};
  return { payout_note: o.payout_note || '', auto_payout: (o.auto_payout || []).filter((x) => AUTO_METHODS.includes(x)) };
}

// The payee a method needs: bank {name, bank, card_no (12…19 digits)}, Alipay {name, account (a
// mainland mobile number or an e-mail)}. Spaces in a card number are dropped. E_PAYEE at
// payee.<field>; other methods take no payee (null).
const PAYEE_METHODS = ['bank', 'alipay'];
const PHONE = /^1[3-9][0-9]{9}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;
function checkPayee(method, payee) {
  if (!PAYEE_METHODS.includes(method)) return null;
  const fail = (field, message) => bad('E_PAYEE', `payee.${field}`, message);
  if (!payee || typeof payee !== 'object') throw fail('name', `a ${method} withdrawal needs the payee's account`);
  const text = (field, max) => {
    const v = typeof payee[field] === 'string' ? payee[field].trim() : '';
    if (!v) throw fail(field, `${field} is required`);
    if ([...v].length > max) throw fail(field, `${field} is at most ${max} characters`);
    return v;
  };
  const name = text('name', 32);
  if (method === 'bank') {
    const bank = text('bank', 64);
    const cardNo = text('card_no', 32).replace(/\s+/g, '');
    if (!/^[0-9]{12,19}$/.test(cardNo)) throw fail('card_no', 'a card number is 12 to 19 digits');
    return { name, bank, card_no: cardNo };
  }
  const account = text('account', 64);
  if (!PHONE.test(account) && !EMAIL.test(account)) throw fail('account', 'an Alipay account is a mobile number or an e-mail');
  return { name, account };
}

// The account in a payee, masked for anyone but the distributor and the merchant's money role:
// a card shows its last four digits, a phone its first three and last four, an e-mail its first
// character and domain.
function maskPayee(payee) {
  if (!payee) return null;
  const acct = payee.card_no || payee.account || '';
  let masked;
  if (payee.card_no) masked = `**** **** ${acct.slice(-4)}`;
  else if (acct.includes('@')) masked = `${acct[0]}***${acct.slice(acct.indexOf('@'))}`;
  else masked = `${acct.slice(0, 3)}****${acct.slice(-4)}`;
  const name = [...payee.name];
  return { name: name.length > 1 ? `*${name.slice(1).join('')}` : name.join(''), bank: payee.bank || null, account_masked: masked };
}

async function request(q, engine, merchant, userId, { amount_fen: amount, method, idem_key: idemKey, payee: rawPayee }, now) {
  const m = merchant.merchant_id;
  const b = await ledger.lockWallet(q, m, userId);
  const prior = await q('SELECT * FROM withdrawals WHERE merchant_id = $1 AND user_id = $2 AND idem_key = $3',
    [m, userId, idemKey]);
  if (prior.length) return { ...prior[0], replayed: true };
  // A distributor the merchant froze keeps what he earned but takes nothing out.
  const frozen = await q(`SELECT 1 FROM distributors WHERE merchant_id = $1 AND user_id = $2 AND status = 'frozen' LIMIT 1`, [m, userId]);
  if (frozen.length) throw new ApiError(403, 'E_FROZEN', 'method', 'the merchant has frozen this distributor: no withdrawals');
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
  const payee = checkPayee(method, rawPayee);
  const [w] = await q(`INSERT INTO withdrawals (merchant_id, user_id, amount_fen, fee_fen, net_fen, method, status, idem_key, created_ms, payee)
                       VALUES ($1, $2, $3, $4, $5, $6, 'requested', $7, $8, $9) RETURNING *`,
  [m, userId, amount, p.fee_fen, p.net_fen, method, idemKey, now, payee == null ? null : JSON.stringify(payee)]);
  await ledger.post(q, m, userId, [['available', -amount], ['withdrawing', amount]], `withdrawal:${w.withdrawal_id}`, now);
  // Paid without review where the merchant allows it (seed 000: 点击领取 sends the packet at once).
  if (payoutOptions(merchant).auto_payout.includes(method)) {
    const r = CHANNELS[w.method].payout(w, now);
    return { ...(await settle(q, w, r.status, { ...r.payout, auto: true }, now)), auto: true };
  }
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

// Under the withdrawal's row lock: approving twice answers the first approval (replayed) and pays
// once; approving a rejected one is refused.
async function approve(q, merchantId, id, now) {
  const w = await load(q, merchantId, id);
  if (w.status === 'rejected') throw conflict('E_WITHDRAWAL_STATE', 'withdrawal is rejected', 'withdrawal_id');
  if (w.status !== 'requested') return { ...w, replayed: true };
  const r = CHANNELS[w.method].payout(w, now);
  return settle(q, w, r.status, r.payout, now);
}

// The whole amount returns to the wallet; the distributor reads `reason`. Rejecting twice
// answers the first; a paid one cannot be.
async function reject(q, merchantId, id, now, reason = null) {
  const w = await load(q, merchantId, id);
  if (w.status === 'rejected') return { ...w, replayed: true };
  if (w.status !== 'requested' && w.status !== 'approved') throw conflict('E_WITHDRAWAL_STATE', `withdrawal is ${w.status}`, 'withdrawal_id');
  if (reason != null) await q('UPDATE withdrawals SET reject_reason = $3 WHERE merchant_id = $1 AND withdrawal_id = $2', [merchantId, id, reason]);
  return { ...(await settle(q, w, 'rejected', { ...w.payout, rejected: true }, now)), reject_reason: reason };
}

// Merchant confirms a manual payout (with the bank's or Alipay's reference), or the user
// confirms a WeChat transfer. Confirming twice answers the first.
async function confirm(q, merchantId, id, now, who, reference = null) {
  const w = await load(q, merchantId, id);
  if (w.status === 'paid') return { ...w, replayed: true };
  if (w.status !== 'approved') throw conflict('E_WITHDRAWAL_STATE', `withdrawal is ${w.status}`, 'withdrawal_id');
  const p = w.payout || {};
  const ok = who === 'user' ? p.awaiting_user_confirmation : p.awaiting_merchant_confirmation;
  if (!ok) throw conflict('E_WITHDRAWAL_STATE', `this withdrawal is not waiting for the ${who}`, 'withdrawal_id');
  if (reference != null) await q('UPDATE withdrawals SET payout_ref = $3 WHERE merchant_id = $1 AND withdrawal_id = $2', [merchantId, id, reference]);
  return { ...(await settle(q, w, 'paid', { ...p, confirmed_by: who, confirmed_ms: now }, now)), payout_ref: reference ?? w.payout_ref };
}

// Red packets queued over the night go out once their hour has come.
async function sendQueued(q, merchantId, now) {
  const rows = await q(`SELECT * FROM withdrawals WHERE merchant_id = $1 AND status = 'approved' AND method = 'red_packet'
                        AND (payout->>'queued_until_ms')::bigint <= $2 FOR UPDATE`, [merchantId, now]);
  for (const w of rows) await settle(q, w, 'paid', { ...w.payout, sent_ms: now, packet_ref: `rp-${w.withdrawal_id}` }, now);
  return rows.length;
}

module.exports = { request, approve, reject, confirm, sendQueued, settingsOf, storedSettings, payoutOptions, checkPayee, maskPayee, AUTO_METHODS, PAYEE_METHODS };
