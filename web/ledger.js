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

// The merchant's balances (or one program's share of them), from the running sums the ledger's
// trigger keeps (merchant_sums, migration 011): a few rows, however long the ledger.
async function merchantBalances(q, merchantId, programId = null) {
  const rows = programId == null
    ? await q(`SELECT account, COALESCE(SUM(total), 0) AS total FROM merchant_sums WHERE merchant_id = $1 GROUP BY account`, [merchantId])
    : await q(`SELECT account, COALESCE(SUM(total), 0) AS total FROM merchant_sums WHERE merchant_id = $1 AND program_id = $2
               GROUP BY account`, [merchantId, programId]);
  const out = { balance: 0, frozen: 0, paid_out: 0 };
  for (const r of rows) out[r.account] = Number(r.total);
  return out;
}

// The merchant row lock: every change of the merchant's red-packet balance (top-up, publish,
// stock, end) takes it first, so two of them never decide on the same balance.
async function lockMerchant(q, merchantId) {
  await q('SELECT 1 FROM merchants WHERE merchant_id = $1 FOR UPDATE', [merchantId]);
}

// What a ref says happened, for the balance statement (refs: 'topup:<key>', 'demo-topup',
// 'publish:<program>', 'stock:<program>[:<change>]', 'end:<program>', 'order:<order>').
function entryKind(ref, d) {
  if (ref.startsWith('topup:') || ref === 'demo-topup') return 'topup';
  if (ref.startsWith('publish:')) return 'freeze';
  if (ref.startsWith('stock:')) return d.balance < 0 ? 'freeze' : 'release';
  if (ref.startsWith('end:')) return 'return';
  // An order's payment pays its commission out (and after its campaign's end returns the rest of
  // the share the end kept); a failed one only returns that share.
  if (ref.startsWith('order:')) return d.paid_out !== 0 ? 'payout' : 'return';
  return 'other';
}

// The merchant's balance statement (余额流水), newest first: one entry per ref and moment (the
// rows one statement wrote together), keyed by its newest entry_id; `before` is the previous
// page's last entry_id. The page reads the newest rows below `before` (each entry has at most 4
// rows, so (limit + 1) * 4 rows hold limit + 1 entries, and an entry that began below the cursor
// but has a row above it was on the previous page, HAVING drops it), then each candidate's rows
// by ref. balance_after: the balance once the entry was written, = the sum of every balance row
// up to its newest row (one indexed sum for the page's newest entry, then walked down).
const STATEMENT = `WITH cand AS (
    SELECT DISTINCT ref, created_ms FROM (SELECT ref, created_ms FROM merchant_ledger WHERE merchant_id = $1 AND entry_id < $2
      ORDER BY entry_id DESC LIMIT $3) r
  )
  SELECT m.ref, m.created_ms, MAX(m.entry_id) AS entry_id, MAX(m.program_id) AS program_id,
    COALESCE(SUM(m.delta) FILTER (WHERE m.account = 'balance'), 0) AS balance,
    COALESCE(SUM(m.delta) FILTER (WHERE m.account = 'frozen'), 0) AS frozen,
    COALESCE(SUM(m.delta) FILTER (WHERE m.account = 'paid_out'), 0) AS paid_out
  FROM cand JOIN merchant_ledger m ON m.merchant_id = $1 AND m.ref = cand.ref AND m.created_ms = cand.created_ms
  GROUP BY m.ref, m.created_ms HAVING MAX(m.entry_id) < $2
  ORDER BY MAX(m.entry_id) DESC LIMIT $4`;

async function merchantStatement(q, merchantId, before, limit) {
  const cursor = before == null ? Number.MAX_SAFE_INTEGER : before;
  const rows = await q(STATEMENT, [merchantId, cursor, (limit + 1) * 4 + 8, limit + 1]);
  const page = rows.slice(0, limit);
  let after = 0;
  if (page.length) {
    const [b] = await q(`SELECT COALESCE(SUM(delta), 0) AS total FROM merchant_ledger WHERE merchant_id = $1 AND account = 'balance'
                         AND entry_id <= $2`, [merchantId, Number(page[0].entry_id)]);
    after = Number(b.total);
  }
  const entries = page.map((r) => {
    const d = { balance: Number(r.balance), frozen: Number(r.frozen), paid_out: Number(r.paid_out) };
    const e = {
      entry_id: Number(r.entry_id), kind: entryKind(r.ref, d), ref: r.ref, program_id: r.program_id == null ? null : Number(r.program_id),
      created_ms: Number(r.created_ms), balance_delta_fen: d.balance, frozen_delta_fen: d.frozen, paid_out_delta_fen: d.paid_out,
      balance_after_fen: after,
    };
    after -= d.balance;
    return e;
  });
  return { entries, next: rows.length > limit ? entries[entries.length - 1].entry_id : null };
}

// `*_text` beside every money field of the rows, from the engine (formatMoney, at most 1000
// amounts a call): `x_fen` gets `x_text`, a bare name (`balance`, `amount`) `balance_text`. A
// field that is null or absent gets no text; a negative amount (a statement's delta) is the text
// of its size after a minus sign.
function withMoneyTexts(engine, rows, fields) {
  const wanted = [];
  for (const row of rows) {
    for (const f of fields) if (row[f] != null) wanted.push([row, f]);
  }
  for (let i = 0; i < wanted.length; i += 1000) {
    const chunk = wanted.slice(i, i + 1000);
    const r = engine.call('formatMoney', { amounts_fen: chunk.map(([row, f]) => Math.abs(Number(row[f]))) });
    if (!r.ok) throw new Error(`formatMoney: ${JSON.stringify(r.errors)}`);
    chunk.forEach(([row, f], j) => { row[`${f.replace(/_fen$/, '')}_text`] = (Number(row[f]) < 0 ? '-' : '') + r.texts[j]; });
  }
  return rows;
}

module.exports = {
  lockWallet, post, balances, balancesOf, postMerchant, merchantBalances, lockMerchant, merchantStatement, entryKind, withMoneyTexts, ACCOUNTS,
};
