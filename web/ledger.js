// The distributor ledger: every balance change is an appended entry, and the wallet row carries
// the running balance per account, updated by the same statement that appends the entries (so
// the two can never disagree, and reading a balance is one row, not a sum over the history).
// `ledger` stays the record: a wallet's columns are derivable from it, and the crash test checks
// that they are. Callers hold the wallet's row lock (lockWallet) inside their transaction, so two
// withdrawals of one user can never both see the same available balance.
'use strict';

const ACCOUNTS = ['pending', 'frozen', 'available', 'withdrawing', 'withdrawn', 'fee', 'debt', 'forgiven', 'points', 'balance'];

function balancesOf(row) {
  const out = {};
  for (const a of ACCOUNTS) out[a] = row ? Number(row[a]) : 0;
  return out;
}

const SELECT_LOCKED = `SELECT ${ACCOUNTS.join(', ')} FROM wallets WHERE merchant_id = $1 AND user_id = $2 FOR UPDATE`;

// Locks the wallet (creating it on first use) and returns its balances.
async function lockWallet(q, merchantId, userId) {
  let [row] = await q(SELECT_LOCKED, [merchantId, userId]);
  if (!row) {
    await q('INSERT INTO wallets (merchant_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [merchantId, userId]);
    [row] = await q(SELECT_LOCKED, [merchantId, userId]);
  }
  return balancesOf(row);
}

// Appends the entries and moves the wallet's balances by them, in one statement; returns the
// balances after. The upsert takes the wallet's row lock if the caller did not already hold it.
const POST = `WITH entries AS (
    INSERT INTO ledger (merchant_id, user_id, account, delta, ref, line_id, created_ms)
    SELECT $1, $2, e.account, e.delta, $4, $5, $6 FROM jsonb_to_recordset($3::jsonb) AS e(account text, delta bigint)
  )
  INSERT INTO wallets AS w (merchant_id, user_id, ${ACCOUNTS.join(', ')})
  VALUES ($1, $2, ${ACCOUNTS.map((_, i) => `$${i + 7}`).join(', ')})
  ON CONFLICT (merchant_id, user_id) DO UPDATE SET ${ACCOUNTS.map((a) => `${a} = w.${a} + EXCLUDED.${a}`).join(', ')}
  RETURNING ${ACCOUNTS.join(', ')}`;

async function post(q, merchantId, userId, entries, ref, now, lineId = null) {
  const rows = entries.filter(([, delta]) => delta);
  if (!rows.length) return null;
  const sums = Object.fromEntries(ACCOUNTS.map((a) => [a, 0]));
  for (const [account, delta] of rows) {
    if (!(account in sums)) throw new Error(`unknown ledger account ${account}`);
    sums[account] += delta;
  }
  const [w] = await q(POST, [merchantId, userId, JSON.stringify(rows.map(([account, delta]) => ({ account, delta }))),
    ref, lineId, now, ...ACCOUNTS.map((a) => sums[a])]);
  return balancesOf(w);
}

async function balances(q, merchantId, userId) {
  const [row] = await q(`SELECT ${ACCOUNTS.join(', ')} FROM wallets WHERE merchant_id = $1 AND user_id = $2`, [merchantId, userId]);
  return balancesOf(row);
}

// Merchant side: red-packet balance, frozen campaign budgets, commission paid out. Append-only
// and summed when read: every attributed campaign sale appends here, and a cached row per
// merchant would make all of a merchant's sales wait for one lock.
async function postMerchant(q, merchantId, entries, programId, ref, now) {
  const rows = entries.filter(([, delta]) => delta);
  if (!rows.length) return;
  await q(`INSERT INTO merchant_ledger (merchant_id, account, delta, program_id, ref, created_ms)
           SELECT $1, e.account, e.delta, $3, $4, $5 FROM jsonb_to_recordset($2::jsonb) AS e(account text, delta bigint)`,
  [merchantId, JSON.stringify(rows.map(([account, delta]) => ({ account, delta }))), programId, ref, now]);
}

async function merchantBalances(q, merchantId, programId = null) {
  const rows = await q(`SELECT account, COALESCE(SUM(delta), 0) AS total FROM merchant_ledger
                        WHERE merchant_id = $1 AND ($2::bigint IS NULL OR program_id = $2)
                        GROUP BY account`, [merchantId, programId]);
  const out = { balance: 0, frozen: 0, paid_out: 0 };
  for (const r of rows) out[r.account] = Number(r.total);
  return out;
}

module.exports = { lockWallet, post, balances, balancesOf, postMerchant, merchantBalances, ACCOUNTS };
