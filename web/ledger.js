// The distributor ledger: every balance change is an appended entry; a balance is a sum of
// entries. Callers hold the wallet's row lock (lockWallet) inside their transaction, so two
// withdrawals of one user can never both see the same available balance.
'use strict';

const ACCOUNTS = ['pending', 'frozen', 'available', 'withdrawing', 'withdrawn', 'debt', 'forgiven', 'points', 'balance'];

async function lockWallet(q, merchantId, userId) {
  await q('INSERT INTO wallets (merchant_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [merchantId, userId]);
  await q('SELECT 1 FROM wallets WHERE merchant_id = $1 AND user_id = $2 FOR UPDATE', [merchantId, userId]);
}

async function post(q, merchantId, userId, entries, ref, now, lineId = null) {
  for (const [account, delta] of entries) {
    if (!delta) continue;
    await q(`INSERT INTO ledger (merchant_id, user_id, account, delta, ref, line_id, created_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7)`, [merchantId, userId, account, delta, ref, lineId, now]);
  }
}

async function balances(q, merchantId, userId) {
  const rows = await q(`SELECT account, COALESCE(SUM(delta), 0) AS total FROM ledger
                        WHERE merchant_id = $1 AND user_id = $2 GROUP BY account`, [merchantId, userId]);
  const out = Object.fromEntries(ACCOUNTS.map((a) => [a, 0]));
  for (const r of rows) out[r.account] = Number(r.total);
  return out;
}

// Merchant side: red-packet balance, frozen campaign budgets, commission paid out.
async function postMerchant(q, merchantId, entries, programId, ref, now) {
  for (const [account, delta] of entries) {
    if (!delta) continue;
    await q(`INSERT INTO merchant_ledger (merchant_id, account, delta, program_id, ref, created_ms)
             VALUES ($1, $2, $3, $4, $5, $6)`, [merchantId, account, delta, programId, ref, now]);
  }
}

async function merchantBalances(q, merchantId, programId = null) {
  const rows = await q(`SELECT account, COALESCE(SUM(delta), 0) AS total FROM merchant_ledger
                        WHERE merchant_id = $1 AND ($2::bigint IS NULL OR program_id = $2)
                        GROUP BY account`, [merchantId, programId]);
  const out = { balance: 0, frozen: 0, paid_out: 0 };
  for (const r of rows) out[r.account] = Number(r.total);
  return out;
}

module.exports = { lockWallet, post, balances, postMerchant, merchantBalances, ACCOUNTS };
