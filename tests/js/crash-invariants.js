// Ledger invariants that must hold whatever happened, including a kill -9 in the middle of a load.
// Returns a list of violations (empty when the books are whole).
'use strict';

async function checkLedger(query, merchantId) {
  const bad = [];
  const accounts = await query(`SELECT user_id, account, SUM(delta) AS total FROM ledger WHERE merchant_id = $1 GROUP BY user_id, account`, [merchantId]);
  const users = new Map();
  for (const r of accounts) {
    const u = users.get(Number(r.user_id)) || {};
    u[r.account] = Number(r.total);
    users.set(Number(r.user_id), u);
  }
  const lines = await query(`SELECT beneficiary_id, SUM(amount - clawed) AS owed FROM commission_lines WHERE merchant_id = $1 AND reward = 'cash' GROUP BY beneficiary_id`, [merchantId]);
  const owed = new Map(lines.map((r) => [Number(r.beneficiary_id), Number(r.owed)]));
  for (const [user, a] of users) {
    const v = (k) => a[k] || 0;
    for (const k of ['pending', 'frozen', 'available', 'withdrawing', 'withdrawn', 'fee', 'debt', 'forgiven']) {
      if (v(k) < 0) bad.push(`user ${user}: ${k} is negative (${v(k)})`);
    }
    // What the user holds (withdrawals paid out count as what arrived plus their fee), less what
    // he owes, less what was forgiven, is what his lines are worth.
    const held = v('pending') + v('frozen') + v('available') + v('withdrawing') + v('withdrawn') + v('fee') - v('debt') - v('forgiven');
    if (owed.has(user) && held !== owed.get(user)) bad.push(`user ${user}: ledger holds ${held}, lines are worth ${owed.get(user)}`);
  }
  // The wallets' cached balances are the sums of their ledger entries, account by account.
  const wallets = await query('SELECT * FROM wallets WHERE merchant_id = $1', [merchantId]);
  const walletUsers = new Set();
  for (const w of wallets) {
    walletUsers.add(Number(w.user_id));
    const a = users.get(Number(w.user_id)) || {};
    for (const k of ['pending', 'frozen', 'available', 'withdrawing', 'withdrawn', 'fee', 'debt', 'forgiven', 'points', 'balance']) {
      if (Number(w[k]) !== (a[k] || 0)) bad.push(`user ${w.user_id}: wallet ${k} ${w[k]}, ledger ${a[k] || 0}`);
    }
  }
  for (const user of users.keys()) if (!walletUsers.has(user)) bad.push(`user ${user}: ledger entries but no wallet`);
  // Every line's rules_version is kept, so the line can be explained later.
  const [{ unexplained }] = await query(`SELECT COUNT(*)::int AS unexplained FROM commission_lines l WHERE l.merchant_id = $1
      AND NOT EXISTS (SELECT 1 FROM rule_versions r WHERE r.merchant_id = l.merchant_id AND r.rules_version = l.rules_version)`, [merchantId]);
  if (unexplained) bad.push(`${unexplained} lines under a rules_version that rule_versions lacks`);
  // The buyer counters: units held per buyer and buyers per program, as the orders say.
  const held = await query(`SELECT b.program_id, b.buyer_id, b.units, COALESCE(SUM(o.units), 0) AS want FROM program_buyers b
      LEFT JOIN orders o ON o.merchant_id = b.merchant_id AND o.program_id = b.program_id AND o.buyer_id = b.buyer_id
        AND o.status IN ('created', 'paid', 'completed')
      WHERE b.merchant_id = $1 GROUP BY b.program_id, b.buyer_id, b.units`, [merchantId]);
  for (const r of held) if (Number(r.units) !== Number(r.want)) bad.push(`buyer ${r.buyer_id} in ${r.program_id}: holds ${r.units} units, orders ${r.want}`);
  const [{ uncounted }] = await query(`SELECT COUNT(*)::int AS uncounted FROM orders o WHERE o.merchant_id = $1 AND o.status IN ('created', 'paid', 'completed')
      AND NOT EXISTS (SELECT 1 FROM program_buyers b WHERE b.merchant_id = o.merchant_id AND b.program_id = o.program_id AND b.buyer_id = o.buyer_id)`, [merchantId]);
  if (uncounted) bad.push(`${uncounted} orders whose buyer program_buyers lacks`);
  const counts = await query(`SELECT p.program_id, p.buyers, (SELECT COUNT(*) FROM program_buyers b WHERE b.merchant_id = p.merchant_id
      AND b.program_id = p.program_id AND b.units > 0)::int AS want FROM programs p WHERE p.merchant_id = $1`, [merchantId]);
  for (const r of counts) if (Number(r.buyers) !== r.want) bad.push(`program ${r.program_id}: buyers ${r.buyers}, holders ${r.want}`);
  // Lines by state agree with the ledger accounts that hold them.
  const perState = await query(`SELECT beneficiary_id, state, SUM(amount - clawed) AS total FROM commission_lines
                                WHERE merchant_id = $1 AND reward = 'cash' GROUP BY beneficiary_id, state`, [merchantId]);
  for (const r of perState) {
    if (r.state !== 'pending' && r.state !== 'frozen') continue;
    const got = (users.get(Number(r.beneficiary_id)) || {})[r.state] || 0;
    if (got !== Number(r.total)) bad.push(`user ${r.beneficiary_id}: ${r.state} lines ${r.total}, ledger ${got}`);
  }
  // Withdrawals: money in flight and paid out match the withdrawal records.
  const w = await query(`SELECT user_id, SUM(CASE WHEN status IN ('requested', 'approved') THEN amount_fen ELSE 0 END) AS flying,
                                SUM(CASE WHEN status = 'paid' THEN net_fen ELSE 0 END) AS paid,
                                SUM(CASE WHEN status = 'paid' THEN fee_fen ELSE 0 END) AS fees
                         FROM withdrawals WHERE merchant_id = $1 GROUP BY user_id`, [merchantId]);
  for (const r of w) {
    const a = users.get(Number(r.user_id)) || {};
    if ((a.withdrawing || 0) !== Number(r.flying)) bad.push(`user ${r.user_id}: withdrawing ${a.withdrawing || 0} vs requests ${r.flying}`);
    if ((a.withdrawn || 0) !== Number(r.paid)) bad.push(`user ${r.user_id}: withdrawn ${a.withdrawn || 0} vs paid ${r.paid}`);
    if ((a.fee || 0) !== Number(r.fees)) bad.push(`user ${r.user_id}: fee ${a.fee || 0} vs fees ${r.fees}`);
  }
  // Every paid order has its commission lines; no order has them twice.
  const orders = await query(`SELECT o.order_id, o.status, o.attribution, COUNT(l.line_id)::int AS lines FROM orders o
      LEFT JOIN commission_lines l ON l.merchant_id = o.merchant_id AND l.order_id = o.order_id
      WHERE o.merchant_id = $1 GROUP BY o.order_id, o.status, o.attribution`, [merchantId]);
  for (const o of orders) {
    const a = o.attribution || {};
    const attributed = a.sharer_id != null || a.bound_distributor_id != null;
    const settled = o.status === 'paid' || o.status === 'completed';
    // A campaign pays its one sharer; a distribution order pays up its chain (one line or more).
    const ok = settled && attributed ? (a.sharer_id != null ? o.lines === 1 : o.lines >= 1) : o.lines === 0;
    if (!ok) bad.push(`order ${o.order_id} (${o.status}): ${o.lines} lines`);
  }
  const [{ twice }] = await query(`SELECT COUNT(*)::int AS twice FROM (SELECT 1 FROM commission_lines WHERE merchant_id = $1
      GROUP BY order_id, item_index, level, role HAVING COUNT(*) > 1) d`, [merchantId]);
  if (twice) bad.push(`${twice} order items credit one level twice`);
  // The merchant's books: everything topped up is free, frozen or paid out.
  const m = await query(`SELECT account, SUM(delta) AS total FROM merchant_ledger WHERE merchant_id = $1 GROUP BY account`, [merchantId]);
  const mb = Object.fromEntries(m.map((r) => [r.account, Number(r.total)]));
  const [{ topups }] = await query(`SELECT COALESCE(SUM(delta), 0) AS topups FROM merchant_ledger WHERE merchant_id = $1 AND account = 'balance'
                                    AND (ref LIKE 'topup:%' OR ref = 'demo-topup')`, [merchantId]);
  if ((mb.balance || 0) + (mb.frozen || 0) + (mb.paid_out || 0) !== Number(topups)) bad.push(`merchant books: ${JSON.stringify(mb)} vs top-ups ${topups}`);
  // Stored top-ups (migration 008) and their ledger rows agree: each key's row carries what its
  // ref put on the balance, and no top-up ref is without its row.
  const tops = await query(`SELECT COALESCE(t.idem_key, substr(g.ref, 7)) AS idem_key, t.amount_fen, COALESCE(SUM(g.delta), 0) AS posted
      FROM (SELECT idem_key, amount_fen FROM topups WHERE merchant_id = $1) t
      FULL JOIN (SELECT ref, delta FROM merchant_ledger WHERE merchant_id = $1 AND account = 'balance' AND ref LIKE 'topup:%') g
        ON g.ref = 'topup:' || t.idem_key
      GROUP BY 1, t.amount_fen`, [merchantId]);
  for (const t of tops) if (Number(t.amount_fen) !== Number(t.posted)) bad.push(`top-up ${t.idem_key}: stored ${t.amount_fen}, ledger ${t.posted}`);
  // Each stored stock change moved the program's frozen budget by what it says.
  const changes = await query(`SELECT c.change_id, c.program_id, c.frozen_change_fen, COALESCE(SUM(g.delta), 0) AS posted FROM stock_changes c
      LEFT JOIN merchant_ledger g ON g.merchant_id = c.merchant_id AND g.account = 'frozen' AND g.ref = 'stock:' || c.program_id || ':' || c.change_id
      WHERE c.merchant_id = $1 GROUP BY c.change_id, c.program_id, c.frozen_change_fen`, [merchantId]);
  for (const c of changes) if (Number(c.frozen_change_fen) !== Number(c.posted)) bad.push(`stock change ${c.change_id}: ${c.frozen_change_fen} vs ledger ${c.posted}`);
  // Only orders that were paid are shipped or due to complete by themselves.
  const [{ unpaidShipped }] = await query(`SELECT COUNT(*)::int AS "unpaidShipped" FROM orders WHERE merchant_id = $1
      AND (shipped_ms IS NOT NULL OR complete_due_ms IS NOT NULL) AND (paid_ms IS NULL OR status NOT IN ('paid', 'completed'))`, [merchantId]);
  if (unpaidShipped) bad.push(`${unpaidShipped} orders shipped or due without being paid`);
  const [{ campaignLines }] = await query(`SELECT COALESCE(SUM(amount), 0) AS "campaignLines" FROM commission_lines l JOIN orders o
      ON o.merchant_id = l.merchant_id AND o.order_id = l.order_id JOIN programs p ON p.merchant_id = o.merchant_id AND p.program_id = o.program_id
      WHERE l.merchant_id = $1 AND p.kind = 'campaign'`, [merchantId]);
  if ((mb.paid_out || 0) !== Number(campaignLines)) bad.push(`paid_out ${mb.paid_out} vs campaign lines ${campaignLines}`);
  // Each program's frozen budget: never negative, and exactly what its state says it holds. A
  // published campaign: one share per unit in stock or in an order (created, paid, completed),
  // less the commission paid out of them. An ended one: only the shares its end kept for orders
  // still unpaid (none once they are all paid or closed). Anything else freezes nothing.
  const budgets = await query(`SELECT p.program_id, p.kind, p.status, p.stock, (p.config ->> 'commission_per_unit_fen')::bigint AS per_unit,
      (SELECT COALESCE(SUM(delta), 0) FROM merchant_ledger m WHERE m.merchant_id = p.merchant_id AND m.program_id = p.program_id
         AND m.account = 'frozen') AS frozen,
      (SELECT COALESCE(SUM(units), 0) FROM orders o WHERE o.merchant_id = p.merchant_id AND o.program_id = p.program_id
         AND o.status IN ('created', 'paid', 'completed')) AS sold,
      (SELECT COALESCE(SUM(l.amount), 0) FROM orders o JOIN commission_lines l ON l.merchant_id = o.merchant_id AND l.order_id = o.order_id
         WHERE o.merchant_id = p.merchant_id AND o.program_id = p.program_id) AS paid,
      (SELECT COALESCE(SUM(end_held_fen), 0) FROM orders o WHERE o.merchant_id = p.merchant_id AND o.program_id = p.program_id
         AND o.status = 'created') AS kept
    FROM programs p WHERE p.merchant_id = $1`, [merchantId]);
  for (const b of budgets) {
    const frozen = Number(b.frozen);
    if (frozen < 0) bad.push(`program ${b.program_id}: frozen ${frozen} is negative`);
    let want = 0;
    if (b.kind === 'campaign' && b.status === 'published') want = (Number(b.stock) + Number(b.sold)) * Number(b.per_unit) - Number(b.paid);
    else if (b.kind === 'campaign' && b.status === 'ended') want = Number(b.kept);
    if (frozen !== want) bad.push(`program ${b.program_id} (${b.kind}, ${b.status}): frozen ${frozen}, should hold ${want}`);
  }
  // The running sums of migration 011 are the sums of the rows they keep.
  const sums = await query(`SELECT g.program_id, g.account, g.total, s.total AS kept FROM
      (SELECT COALESCE(program_id, 0) AS program_id, account, SUM(delta) AS total FROM merchant_ledger WHERE merchant_id = $1 GROUP BY 1, 2) g
      FULL JOIN (SELECT program_id, account, SUM(total) AS total FROM merchant_sums WHERE merchant_id = $1 GROUP BY 1, 2) s
      ON s.program_id = g.program_id AND s.account = g.account`, [merchantId]);
  for (const r of sums) {
    if (Number(r.total || 0) !== Number(r.kept || 0)) bad.push(`merchant_sums ${r.program_id}/${r.account}: ${r.kept}, ledger ${r.total}`);
  }
  const figures = await query(`SELECT f.program_id, f.sold, f.unattributed, f.worth, s.sold AS k_sold, s.unattributed AS k_unattributed, s.worth AS k_worth
    FROM (SELECT o.program_id,
        COALESCE(SUM(o.units) FILTER (WHERE o.status IN ('paid', 'completed')), 0) AS sold,
        COALESCE(SUM(o.units) FILTER (WHERE o.status IN ('paid', 'completed') AND l.order_id IS NULL), 0) AS unattributed,
        COALESCE(SUM(l.worth), 0) AS worth
      FROM orders o LEFT JOIN (SELECT order_id, COALESCE(SUM(amount - clawed) FILTER (WHERE reward = 'cash'), 0) AS worth
        FROM commission_lines WHERE merchant_id = $1 GROUP BY order_id) l ON l.order_id = o.order_id
      WHERE o.merchant_id = $1 GROUP BY o.program_id) f
    FULL JOIN (SELECT program_id, SUM(sold_units) AS sold, SUM(unattributed_units) AS unattributed, SUM(commission_fen) AS worth
      FROM program_sums WHERE merchant_id = $1 GROUP BY program_id) s ON s.program_id = f.program_id`, [merchantId]);
  for (const r of figures) {
    const pairs = [['sold', r.sold, r.k_sold], ['unattributed', r.unattributed, r.k_unattributed], ['commission', r.worth, r.k_worth]];
    for (const [k, want, kept] of pairs) {
      if (Number(want || 0) !== Number(kept || 0)) bad.push(`program_sums ${r.program_id}: ${k} ${kept}, orders and lines say ${want}`);
    }
  }
  return bad;
}

module.exports = { checkLedger };
