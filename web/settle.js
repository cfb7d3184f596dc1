// Settlement: payments, commission lines, holds, refunds and campaign budgets. Every money figure
// comes from the WASM engine (the same module the page previews with); this file only moves those
// figures through the ledger, inside one transaction per operation.
'use strict';
const ledger = require('./ledger');
const { Retry } = require('./db');
const { bad, notFound, conflict, fromEngine } = require('./errors');

const DAY_MS = 86400000;

// The shop's order settings (merchants.settings.shop, docs/console.md): an order completes by
// itself auto_complete_days (1 … 30) after it was shipped, or after it was paid when the shop
// does not ship.
const SHOP_DEFAULTS = { auto_complete_days: 7, ships: true };
const shopSettings = (settings) => ({ ...SHOP_DEFAULTS, ...((settings && settings.shop) || {}) });

async function loadOrder(q, merchantId, orderId, lock = true) {
  const rows = await q(`SELECT * FROM orders WHERE merchant_id = $1 AND order_id = $2${lock ? ' FOR UPDATE' : ''}`,
    [merchantId, orderId]);
  if (!rows.length) throw notFound('order', 'order_id');
  return rows[0];
}

// The engine's order input for a stored order: what attribution returned when it was placed
// (sharer or bound distributor and the inviter slice), its items and delivery region.
function engineOrder(order) {
  const a = order.attribution || {};
  const input = { order_id: String(order.order_id), buyer_id: Number(order.buyer_id), items: order.items };
  if (a.sharer_id != null) { input.sharer_id = a.sharer_id; input.sharer_has_bought = !!a.sharer_has_bought; }
  if (a.bound_distributor_id != null) input.bound_distributor_id = a.bound_distributor_id;
  if (a.distributors) input.distributors = a.distributors;
  if (order.delivery_region) input.delivery_region = order.delivery_region;
  return input;
}

async function recordRulesVersion(q, merchantId, config, rulesVersion, now) {
  await q(`INSERT INTO rule_versions (merchant_id, rules_version, config, created_ms) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING`, [merchantId, rulesVersion, JSON.stringify(config), now]);
}

// Payment succeeded, in one statement: the order paid (only from `created`, only by its buyer
// when $4 is given), the payment row, the order's commission lines pending, their ledger entries
// and wallet balances, and for a campaign the budget share paid out (SPEC 2: the frozen share of
// a unit sold through a qualifying sharer is paid out of the budget; a unit sold without one
// keeps its share frozen until the campaign ends).
//
// An order placed before its campaign ended and paid after it: the end kept its share frozen and
// wrote the amount on the order (`end_held_fen`, routes/merchant.js). Its payment pays the
// commission out of that share as above and returns the rest (the units without a qualifying
// sharer) to the balance at once, since no end will come to return it.
//
// Why this needs no lock on the program and cannot interleave with the end into a leak (READ
// COMMITTED; this statement runs alone, with no transaction, and its snapshot is taken when it
// starts): the end locks every order of the program still `created`, writes `end_held_fen` on
// each, and only then reads the program's frozen budget and returns the rest, all in one
// transaction that keeps those row locks until it commits. This statement writes the same order
// row, so one of the two waits for the other's commit:
// - this statement first: the end's lock on the row waits for its commit, then finds the row
//   `paid` and does not keep it; the end's later read of frozen (a new statement, a new
//   snapshot) sees this statement's budget moves, committed at once with the order. The order is
//   one paid before the end: commission paid out here, the rest returned by the end.
// - the end first: this UPDATE waits for the end's commit; PostgreSQL then re-checks the row's
//   newest version (still `created`, now with `end_held_fen`) and updates and RETURNs that
//   version, although this statement's snapshot predates the end. So the kept share is settled
//   here, and exactly once (the row leaves `created` once).
// Every order the end keeps can be paid only after the end committed, and every order it does
// not keep was settled before it read frozen: nothing is returned twice or paid from a returned
// budget, nothing stays frozen. (Checked with both orders forced, tests/js/server-campaign-end.)
// A lock on the program row here (FOR SHARE) would serialise with the end as well, but it would
// also make every payment and every order placed (which updates that row's stock) wait for each
// other; the end is rare, so it is the end that pays for this, not the payments.
//
// The lines are the engine's preview: $6 when the caller asked the engine now, else the preview
// stored when the order was placed, which is the engine's answer for this order while the
// program's rules_version is the one it was made under (the engine is deterministic). With no
// $6 and a changed rules_version the statement changes nothing and `paid` is 0.
// Wallets are upserted in user order, so two payments crediting the same two people lock them in
// the same order.
//
// A shop that does not ship (its setting `ships: false`) completes a paid order by itself
// auto_complete_days after the payment: the due time is set here, from the merchant row ($8: the
// default days, SHOP_DEFAULTS), which the statement reads without locking it.
const PAID = `WITH ord AS (
    UPDATE orders o SET status = 'paid', paid_ms = $5,
      complete_due_ms = CASE WHEN COALESCE((m.settings #>> '{shop,ships}')::boolean, true) THEN NULL
        ELSE $5 + COALESCE((m.settings #>> '{shop,auto_complete_days}')::bigint, $8) * ${DAY_MS} END
    FROM programs p, merchants m
    WHERE o.merchant_id = $1 AND o.order_id = $2 AND o.status = 'created' AND ($4::bigint IS NULL OR o.buyer_id = $4)
      AND p.merchant_id = o.merchant_id AND p.program_id = o.program_id AND m.merchant_id = o.merchant_id
      AND ($6::jsonb IS NOT NULL OR o.preview ->> 'rules_version' = p.rules_version)
    RETURNING o.order_id, o.program_id, o.paid_fen, COALESCE($6::jsonb, o.preview) AS preview, p.kind, o.end_held_fen
  ), pay AS (
    INSERT INTO payments (merchant_id, provider_ref, order_id, amount_fen, status, created_ms)
    SELECT $1, $3, order_id, paid_fen, 'succeeded', $5 FROM ord
    ON CONFLICT (merchant_id, provider_ref) DO UPDATE SET status = 'succeeded'
  ), src AS (
    SELECT ord.preview ->> 'rules_version' AS rules_version, (it.item ->> 'index')::int AS item_index, ln.l, it.n, ln.k
    FROM ord, jsonb_array_elements(ord.preview -> 'items') WITH ORDINALITY AS it(item, n),
         jsonb_array_elements(it.item -> 'lines') WITH ORDINALITY AS ln(l, k)
  ), lines AS (
    INSERT INTO commission_lines (merchant_id, order_id, item_index, beneficiary_id, role, level, reward, basis, rate_bp, rule,
                                  amount, state, rules_version, created_ms)
    SELECT $1, $2, item_index, (l ->> 'beneficiary_id')::bigint, l ->> 'role', (l ->> 'level')::int, l ->> 'reward', l ->> 'basis',
           COALESCE((l ->> 'rate_bp')::bigint, 0), l ->> 'rule',
           CASE WHEN l ->> 'reward' = 'points' THEN (l ->> 'amount_points')::bigint ELSE (l ->> 'amount_fen')::bigint END,
           'pending', rules_version, $5
    FROM src ORDER BY n, k
    RETURNING line_id, beneficiary_id, reward, amount
  ), entries AS (
    INSERT INTO ledger (merchant_id, user_id, account, delta, ref, line_id, created_ms)
    SELECT $1, beneficiary_id, 'pending', amount, $7, line_id, $5 FROM lines WHERE reward = 'cash' AND amount <> 0
  ), wallet AS (
    INSERT INTO wallets AS w (merchant_id, user_id, pending)
    SELECT $1, beneficiary_id, SUM(amount) FROM lines WHERE reward = 'cash' GROUP BY beneficiary_id ORDER BY beneficiary_id
    ON CONFLICT (merchant_id, user_id) DO UPDATE SET pending = w.pending + EXCLUDED.pending
  ), budget AS (
    INSERT INTO merchant_ledger (merchant_id, account, delta, program_id, ref, created_ms)
    SELECT $1, b.account, b.delta, ord.program_id, $7, $5
    FROM ord, (SELECT COALESCE(SUM(amount), 0) AS total FROM lines) t,
         LATERAL (VALUES ('frozen', -t.total), ('paid_out', t.total),
                         ('frozen', t.total - COALESCE(ord.end_held_fen, t.total)), ('balance', COALESCE(ord.end_held_fen, t.total) - t.total)) AS b(account, delta)
    WHERE ord.kind = 'campaign' AND b.delta <> 0
  )
  SELECT (SELECT COUNT(*) FROM ord)::int AS paid, (SELECT COUNT(*) FROM lines)::int AS lines`;

// Settles a succeeded payment from the preview stored with the order, in one statement and no
// transaction. False when that cannot be done (not this buyer's created order, or the program was
// edited since): the caller takes the locking path, which says why or asks the engine again.
async function payFromStoredPreview(q, merchantId, orderId, buyerId, providerRef, now) {
  for (let n = 0; ; n++) {
    try {
      const [r] = await q(PAID, [merchantId, orderId, providerRef, buyerId, now, null, `order:${orderId}`, SHOP_DEFAULTS.auto_complete_days]);
      return r.paid === 1;
    } catch (e) {
      // A deadlock (e.g. with an end that locked this order a moment after it was placed) rolled
      // the statement back whole: run it again.
      if (e.code !== '40P01' || n >= 5) throw e;
    }
  }
}

// Payment succeeded, on the locking path: the caller holds the order's row lock and has checked
// that it is still `created`.
async function markPaid(q, engine, order, program, providerRef, now) {
  let preview = null;
  if (!(order.preview && order.preview.rules_version === program.rules_version)) {
    preview = engine.call('previewOrder', { program: program.config, order: engineOrder(order) });
    if (!preview.ok) throw fromEngine(preview, { program: 'config' });
    await recordRulesVersion(q, order.merchant_id, program.config, preview.rules_version, now);
  }
  const [r] = await q(PAID, [order.merchant_id, order.order_id, providerRef, null, now, preview && JSON.stringify(preview), `order:${order.order_id}`,
    SHOP_DEFAULTS.auto_complete_days]);
  // The program is not locked: an edit between reading it and this statement changes its
  // rules_version, and the payment is settled again under the new one.
  if (r.paid !== 1) throw new Retry(`order ${order.order_id}: program edited while paying`);
}

// Payment failed: the order closes and gives back the stock and the buyer's units it held. Before
// its campaign's end the budget share stays frozen with the stock; after it, the share the end
// kept for this order (`end_held_fen`) returns to the balance. The caller holds the order's row
// lock (taken after any end that kept it had committed, or else the end skips the closed order).
const FAILED = `WITH pay AS (
    INSERT INTO payments (merchant_id, provider_ref, order_id, amount_fen, status, created_ms) VALUES ($1, $3, $2, $4, 'failed', $5)
    ON CONFLICT (merchant_id, provider_ref) DO UPDATE SET status = 'failed'
  ), ord AS (
    UPDATE orders SET status = 'closed' WHERE merchant_id = $1 AND order_id = $2 RETURNING end_held_fen
  ), back AS (
    INSERT INTO merchant_ledger (merchant_id, account, delta, program_id, ref, created_ms)
    SELECT $1, b.account, b.delta, $6, $10, $5
    FROM ord, LATERAL (VALUES ('frozen', -ord.end_held_fen), ('balance', ord.end_held_fen)) AS b(account, delta)
    WHERE ord.end_held_fen > 0
  ), held AS (
    UPDATE program_buyers SET units = units - $7 WHERE merchant_id = $1 AND program_id = $6 AND buyer_id = $9 RETURNING units
  )
  UPDATE programs SET stock = stock + $8, buyers = buyers - (SELECT COUNT(*) FROM held WHERE units = 0)
  WHERE merchant_id = $1 AND program_id = $6`;

async function markFailed(q, order, program, providerRef, now) {
  await q(FAILED, [order.merchant_id, order.order_id, providerRef, order.paid_fen, now, order.program_id, order.units,
    program.kind === 'campaign' ? order.units : 0, order.buyer_id, `order:${order.order_id}`]);
}

// Order completed (delivered): pending lines freeze for the program's hold days.
// due: the sweep's call, which completes only a paid order whose due time has passed (null
// otherwise: another process completed it first).
async function complete(q, programs, merchantId, orderId, now, { due = false } = {}) {
  const order = await loadOrder(q, merchantId, orderId);
  if (due && !(order.status === 'paid' && order.complete_due_ms != null && Number(order.complete_due_ms) <= now)) return null;
  if (order.status === 'completed') return order;
  if (order.status !== 'paid') throw conflict('E_ORDER_STATE', `order is ${order.status}, not paid`);
  const program = await programs.load(q, merchantId, order.program_id);
  const holdDays = program.config.hold_days == null ? 7 : Number(program.config.hold_days);
  await q(`UPDATE orders SET status = 'completed', completed_ms = $3 WHERE merchant_id = $1 AND order_id = $2`,
    [merchantId, orderId, now]);
  const lines = await q(`UPDATE commission_lines SET state = 'frozen', hold_until_ms = $3
                         WHERE merchant_id = $1 AND order_id = $2 AND state = 'pending' RETURNING *`,
  [merchantId, orderId, now + holdDays * DAY_MS]);
  lines.sort((a, b) => Number(a.beneficiary_id) - Number(b.beneficiary_id) || Number(a.line_id) - Number(b.line_id));
  for (const l of lines) {
    const left = Number(l.amount) - Number(l.clawed);
    if (l.reward === 'cash') {
      await ledger.post(q, merchantId, l.beneficiary_id, [['pending', -left], ['frozen', left]], `complete:${orderId}`, now, l.line_id);
    }
  }
  return { ...order, status: 'completed' };
}

// 发货: a paid order is shipped once; it completes by itself the shop's auto_complete_days later
// (completeDue). A second request answers the first shipping (replayed) and changes nothing.
async function ship(q, merchantId, orderId, now) {
  const order = await loadOrder(q, merchantId, orderId);
  if (order.status !== 'paid') throw conflict('E_ORDER_STATE', `order is ${order.status}, not paid`);
  if (order.shipped_ms != null) {
    return { order_id: Number(order.order_id), shipped_ms: Number(order.shipped_ms), complete_due_ms: Number(order.complete_due_ms), replayed: true };
  }
  const [m] = await q('SELECT settings FROM merchants WHERE merchant_id = $1', [merchantId]);
  const due = now + shopSettings(m.settings).auto_complete_days * DAY_MS;
  await q('UPDATE orders SET shipped_ms = $3, complete_due_ms = $4 WHERE merchant_id = $1 AND order_id = $2', [merchantId, orderId, now, due]);
  return { order_id: Number(order.order_id), shipped_ms: now, complete_due_ms: due, replayed: false };
}

// The sweep: paid orders whose complete_due_ms has passed complete (holds start), each in its own
// transaction (`tx`), oldest due first, at most `limit` a call. complete() locks the order and
// finds it completed when another process was first, so running this anywhere at once is safe.
async function completeDue(query, tx, programs, merchantId, now, limit = 500) {
  const due = await query(`SELECT order_id FROM orders WHERE merchant_id = $1 AND status = 'paid' AND complete_due_ms IS NOT NULL
                           AND complete_due_ms <= $2 ORDER BY complete_due_ms LIMIT $3`, [merchantId, now, limit]);
  let done = 0;
  for (const { order_id: id } of due) {
    const o = await tx((q) => complete(q, programs, merchantId, Number(id), now, { due: true }));
    if (o) done++;
  }
  return done;
}

// Lines whose hold has passed become available; available money first pays off any debt.
async function releaseDue(q, merchantId, now, userId = null) {
  const lines = await q(`SELECT * FROM commission_lines WHERE merchant_id = $1 AND state = 'frozen'
      AND hold_until_ms <= $2 AND ($3::bigint IS NULL OR beneficiary_id = $3) ORDER BY beneficiary_id, line_id FOR UPDATE`,
  [merchantId, now, userId]);
  const touched = new Map();
  for (const l of lines) {
    const left = Number(l.amount) - Number(l.clawed);
    await q(`UPDATE commission_lines SET state = 'available' WHERE merchant_id = $1 AND line_id = $2`, [merchantId, l.line_id]);
    if (l.reward === 'cash') {
      const b = await ledger.post(q, merchantId, l.beneficiary_id, [['frozen', -left], ['available', left]], `release:${l.line_id}`, now, l.line_id);
      if (b) touched.set(Number(l.beneficiary_id), b);
    } else {
      await ledger.post(q, merchantId, l.beneficiary_id, [[l.reward, left]], `release:${l.line_id}`, now, l.line_id);
    }
  }
  for (const [u, b] of touched) await payDownDebt(q, merchantId, u, b, now);
  return lines.length;
}

async function payDownDebt(q, merchantId, userId, b, now) {
  const x = Math.min(b.debt, b.available);
  if (x > 0) await ledger.post(q, merchantId, userId, [['available', -x], ['debt', -x]], 'debt-payoff', now);
}

// A refund of `amount` on an order: claw-back per SPEC 4, computed by the engine. planRefund
// decides everything (what is left to refund, each line's claw-back and where it comes from) and
// applyRefund writes exactly that plan; the merchant's refund preview is planRefund alone, with
// no locks, so it answers what the refund would do now and writes nothing.
async function refund(q, engine, programs, merchantId, orderId, itemIndex, amount, idemKey, now) {
  // The order's lock first: a parallel request with the same key (a double click) waits here for
  // the first one's commit and then finds its result, instead of a refund of what is now left.
  await loadOrder(q, merchantId, orderId);
  const prior = await q('SELECT result FROM refunds WHERE merchant_id = $1 AND order_id = $2 AND idem_key = $3',
    [merchantId, orderId, idemKey]);
  if (prior.length) return prior[0].result;
  const plan = await planRefund(q, engine, programs, merchantId, orderId, itemIndex, amount);
  return applyRefund(q, merchantId, plan, idemKey, now);
}

// lock: the refund's call (order, lines and wallets row-locked for the transaction that applies
// the plan); false for the preview.
async function planRefund(q, engine, programs, merchantId, orderId, itemIndex, amount, { lock = true } = {}) {
  const order = await loadOrder(q, merchantId, orderId, lock);
  if (order.status === 'created' || order.status === 'closed') throw conflict('E_ORDER_STATE', `order is ${order.status}`);
  const item = order.items[itemIndex];
  if (!item) throw bad('E_RANGE', 'item_index', `the order has ${order.items.length} item(s)`);
  const [{ done }] = await q(`SELECT COALESCE(SUM(amount_fen), 0) AS done FROM refunds
                              WHERE merchant_id = $1 AND order_id = $2 AND item_index = $3`, [merchantId, orderId, itemIndex]);
  const before = Number(done);
  const paid = Number(item.paid_fen);
  if (amount > paid - before) {
    throw bad('E_REFUND_EXCEEDS', 'amount_fen', `refund of ${amount} fen exceeds the ${paid - before} fen left to refund on this item`);
  }
  const program = await programs.load(q, merchantId, order.program_id);
  const lines = await q(`SELECT * FROM commission_lines WHERE merchant_id = $1 AND order_id = $2 AND item_index = $3
                         ORDER BY line_id${lock ? ' FOR UPDATE' : ''}`, [merchantId, orderId, itemIndex]);
  const policy = program.config.after_withdrawal || 'debt';
  const available = new Map(); // user -> available balance as this refund's claw-backs leave it
  const steps = [];
  for (const l of lines) {
    // Replay the cumulative refund through the engine; the last step is this refund's share.
    const refunds = before > 0 ? [{ amount_fen: before }, { amount_fen: amount }] : [{ amount_fen: amount }];
    const r = engine.call('previewRefund', {
      program: program.config,
      line: { amount: Number(l.amount), item_paid_fen: paid, basis: l.basis, ...(l.basis === 'rate' ? { rate_bp: Number(l.rate_bp) } : {}) },
      refunds,
    });
    if (!r.ok) throw fromEngine(r, { program: 'config' });
    const due = r.steps[r.steps.length - 1].clawed_so_far;
    const d = Math.min(due, Number(l.amount)) - Number(l.clawed);
    if (d <= 0) continue;
    steps.push({ line: l, clawback: d, ...(await clawBackPlan(q, merchantId, l, d, policy, available, lock)) });
  }
  return {
    order_id: Number(orderId), item_index: itemIndex, refund_fen: amount, refunded_before_fen: before, refundable_fen: paid - before, steps,
    lines: steps.map((st) => ({ line_id: Number(st.line.line_id), beneficiary_id: Number(st.line.beneficiary_id), clawback: st.clawback,
      from_line: st.from_line, debt: st.debt, forgiven: st.forgiven })),
  };
}

async function applyRefund(q, merchantId, plan, idemKey, now) {
  const orderId = plan.order_id;
  for (const st of plan.steps) {
    const l = st.line;
    await ledger.post(q, merchantId, Number(l.beneficiary_id), st.entries, `refund:${l.order_id}`, now, l.line_id);
    const clawed = Number(l.clawed) + st.clawback;
    await q(`UPDATE commission_lines SET clawed = $3, state = CASE WHEN $3 = amount THEN 'reversed' ELSE state END
             WHERE merchant_id = $1 AND line_id = $2`, [merchantId, l.line_id, clawed]);
  }
  await q('UPDATE orders SET refunded_fen = refunded_fen + $3 WHERE merchant_id = $1 AND order_id = $2',
    [merchantId, orderId, plan.refund_fen]);
  // Stock is not returned on a refund (seed 000, verbatim).
  const out = { order_id: orderId, item_index: plan.item_index, refund_fen: plan.refund_fen,
    refunded_so_far_fen: plan.refunded_before_fen + plan.refund_fen, lines: plan.lines };
  await q(`INSERT INTO refunds (merchant_id, order_id, item_index, amount_fen, idem_key, result, created_ms)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`, [merchantId, orderId, plan.item_index, plan.refund_fen, idemKey, JSON.stringify(out), now]);
  return out;
}

// Where `d` is taken back from, given where the line's money is now: the ledger entries and the
// split. Money already withdrawn becomes debt (or is forgiven by the merchant), never silently
// capped at the current balance. `available` carries each user's available balance from one line
// of this refund to the next (a user's lines take from it in turn).
async function clawBackPlan(q, merchantId, line, d, afterWithdrawal, available, lock) {
  const user = Number(line.beneficiary_id);
  if (line.reward !== 'cash') {
    return { entries: line.state === 'available' ? [[line.reward, -d]] : [], from_line: d, debt: 0, forgiven: 0 };
  }
  const b = lock ? await ledger.lockWallet(q, merchantId, user) : await ledger.balances(q, merchantId, user);
  if (line.state === 'pending' || line.state === 'frozen') return { entries: [[line.state, -d]], from_line: d, debt: 0, forgiven: 0 };
  const have = available.has(user) ? available.get(user) : b.available;
  const fromAvailable = Math.min(d, have);
  available.set(user, have - fromAvailable);
  const rest = d - fromAvailable;
  const forgive = afterWithdrawal === 'forgive';
  return {
    entries: [['available', -fromAvailable], [forgive ? 'forgiven' : 'debt', rest]],
    from_line: fromAvailable, debt: forgive ? 0 : rest, forgiven: forgive ? rest : 0,
  };
}

module.exports = {
  loadOrder, engineOrder, markPaid, payFromStoredPreview, markFailed, complete, completeDue, ship, releaseDue, refund, planRefund,
  recordRulesVersion, shopSettings, SHOP_DEFAULTS, DAY_MS,
};
