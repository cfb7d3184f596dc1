// Settlement: orders, payments, commission lines, holds, refunds and campaign budgets. Every money
// figure comes from the WASM engine (the same module the page previews with); this file only moves
// those figures through the ledger, inside one transaction per operation.
'use strict';
const ledger = require('./ledger');
const { bad, notFound, conflict, fromEngine } = require('./errors');

const DAY_MS = 86400000;

async function loadProgram(q, merchantId, programId, lock = false) {
  const rows = await q(`SELECT * FROM programs WHERE merchant_id = $1 AND program_id = $2${lock ? ' FOR UPDATE' : ''}`,
    [merchantId, programId]);
  if (!rows.length) throw notFound('program', 'program_id');
  return rows[0];
}

async function loadOrder(q, merchantId, orderId, lock = true) {
  const rows = await q(`SELECT * FROM orders WHERE merchant_id = $1 AND order_id = $2${lock ? ' FOR UPDATE' : ''}`,
    [merchantId, orderId]);
  if (!rows.length) throw notFound('order', 'order_id');
  return rows[0];
}

// The engine's order input for a stored order: buyer, attribution snapshot, inviter slice.
async function engineOrder(q, order) {
  const a = order.attribution || {};
  const input = { order_id: String(order.order_id), buyer_id: Number(order.buyer_id), items: order.items };
  if (a.sharer_id != null) { input.sharer_id = a.sharer_id; input.sharer_has_bought = !!a.sharer_has_bought; }
  if (a.bound_distributor_id != null) input.bound_distributor_id = a.bound_distributor_id;
  if (a.distributors) input.distributors = a.distributors;
  return input;
}

async function recordRulesVersion(q, merchantId, config, rulesVersion, now) {
  await q(`INSERT INTO rule_versions (merchant_id, rules_version, config, created_ms) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING`, [merchantId, rulesVersion, JSON.stringify(config), now]);
}

// Payment succeeded: order paid, commission lines pending, the campaign budget moves.
async function markPaid(q, engine, merchantId, order, now) {
  if (order.status !== 'created') return false; // a second callback changes nothing
  const program = await loadProgram(q, merchantId, order.program_id, true);
  const preview = engine.call('previewOrder', { program: program.config, order: await engineOrder(q, order) });
  if (!preview.ok) throw fromEngine(preview, { program: 'config' });
  await recordRulesVersion(q, merchantId, program.config, preview.rules_version, now);
  await q(`UPDATE orders SET status = 'paid', paid_ms = $3 WHERE merchant_id = $1 AND order_id = $2`,
    [merchantId, order.order_id, now]);
  let sharesPaid = 0;
  for (const item of preview.items) {
    for (const l of item.lines) {
      const amount = l.reward === 'points' ? l.amount_points : l.amount_fen;
      const rows = await q(`INSERT INTO commission_lines (merchant_id, order_id, item_index, beneficiary_id, role, level,
          reward, basis, rate_bp, rule, amount, state, rules_version, created_ms)
        VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,'pending',$12,$13) RETURNING line_id`,
      [merchantId, order.order_id, item.index, l.beneficiary_id, l.role, l.level, l.reward, l.basis,
        l.rate_bp || 0, l.rule, amount, preview.rules_version, now]);
      if (l.reward === 'cash') {
        await ledger.lockWallet(q, merchantId, l.beneficiary_id);
        await ledger.post(q, merchantId, l.beneficiary_id, [['pending', amount]], `order:${order.order_id}`, now, rows[0].line_id);
      }
      if (program.kind === 'campaign') sharesPaid += amount;
    }
  }
  if (program.kind === 'campaign') {
    // The frozen share of a unit sold through a qualifying sharer is paid out of the budget; a
    // unit sold without one keeps its share frozen until the campaign ends (SPEC 2).
    if (sharesPaid > 0) {
      await ledger.postMerchant(q, merchantId, [['frozen', -sharesPaid], ['paid_out', sharesPaid]],
        program.program_id, `order:${order.order_id}`, now);
    } else {
      await q('UPDATE programs SET held_units = held_units + $3 WHERE merchant_id = $1 AND program_id = $2',
        [merchantId, program.program_id, order.units]);
    }
  }
  return true;
}

async function markFailed(q, merchantId, order) {
  if (order.status !== 'created') return false;
  await q(`UPDATE orders SET status = 'closed' WHERE merchant_id = $1 AND order_id = $2`, [merchantId, order.order_id]);
  // Return the reserved stock.
  await q('UPDATE programs SET stock = stock + $3 WHERE merchant_id = $1 AND program_id = $2',
    [merchantId, order.program_id, order.units]);
  return true;
}

// Order completed (delivered): pending lines freeze for the program's hold days.
async function complete(q, merchantId, orderId, now) {
  const order = await loadOrder(q, merchantId, orderId);
  if (order.status === 'completed') return order;
  if (order.status !== 'paid') throw conflict('E_ORDER_STATE', `order is ${order.status}, not paid`);
  const program = await loadProgram(q, merchantId, order.program_id);
  const holdDays = program.config.hold_days == null ? 7 : Number(program.config.hold_days);
  await q(`UPDATE orders SET status = 'completed', completed_ms = $3 WHERE merchant_id = $1 AND order_id = $2`,
    [merchantId, orderId, now]);
  const lines = await q(`SELECT * FROM commission_lines WHERE merchant_id = $1 AND order_id = $2 AND state = 'pending' FOR UPDATE`,
    [merchantId, orderId]);
  for (const l of lines) {
    await q(`UPDATE commission_lines SET state = 'frozen', hold_until_ms = $3 WHERE merchant_id = $1 AND line_id = $2`,
      [merchantId, l.line_id, now + holdDays * DAY_MS]);
    const left = Number(l.amount) - Number(l.clawed);
    if (l.reward === 'cash') {
      await ledger.lockWallet(q, merchantId, l.beneficiary_id);
      await ledger.post(q, merchantId, l.beneficiary_id, [['pending', -left], ['frozen', left]], `complete:${orderId}`, now, l.line_id);
    }
  }
  return { ...order, status: 'completed' };
}

// Lines whose hold has passed become available; available money first pays off any debt.
async function releaseDue(q, merchantId, now, userId = null) {
  const lines = await q(`SELECT * FROM commission_lines WHERE merchant_id = $1 AND state = 'frozen'
      AND hold_until_ms <= $2 AND ($3::bigint IS NULL OR beneficiary_id = $3) ORDER BY line_id FOR UPDATE`,
  [merchantId, now, userId]);
  const touched = new Set();
  for (const l of lines) {
    const left = Number(l.amount) - Number(l.clawed);
    await q(`UPDATE commission_lines SET state = 'available' WHERE merchant_id = $1 AND line_id = $2`, [merchantId, l.line_id]);
    await ledger.lockWallet(q, merchantId, l.beneficiary_id);
    if (l.reward === 'cash') {
      await ledger.post(q, merchantId, l.beneficiary_id, [['frozen', -left], ['available', left]], `release:${l.line_id}`, now, l.line_id);
      touched.add(Number(l.beneficiary_id));
    } else {
      await ledger.post(q, merchantId, l.beneficiary_id, [[l.reward, left]], `release:${l.line_id}`, now, l.line_id);
    }
  }
  for (const u of touched) await payDownDebt(q, merchantId, u, now);
  return lines.length;
}

async function payDownDebt(q, merchantId, userId, now) {
  const b = await ledger.balances(q, merchantId, userId);
  const x = Math.min(b.debt, b.available);
  if (x > 0) await ledger.post(q, merchantId, userId, [['available', -x], ['debt', -x]], 'debt-payoff', now);
}

// A refund of `amount` on an order: claw-back per SPEC 4, computed by the engine.
async function refund(q, engine, merchantId, orderId, itemIndex, amount, idemKey, now) {
  const prior = await q('SELECT result FROM refunds WHERE merchant_id = $1 AND order_id = $2 AND idem_key = $3',
    [merchantId, orderId, idemKey]);
  if (prior.length) return prior[0].result;
  const order = await loadOrder(q, merchantId, orderId);
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
  const program = await loadProgram(q, merchantId, order.program_id);
  const lines = await q(`SELECT * FROM commission_lines WHERE merchant_id = $1 AND order_id = $2 AND item_index = $3
                         ORDER BY line_id FOR UPDATE`, [merchantId, orderId, itemIndex]);
  const out = { order_id: Number(orderId), item_index: itemIndex, refund_fen: amount, refunded_so_far_fen: before + amount, lines: [] };
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
    const moved = await clawBack(q, merchantId, l, d, program.config.after_withdrawal || 'debt', now);
    const clawed = Number(l.clawed) + d;
    await q(`UPDATE commission_lines SET clawed = $3, state = CASE WHEN $3 = amount THEN 'reversed' ELSE state END
             WHERE merchant_id = $1 AND line_id = $2`, [merchantId, l.line_id, clawed]);
    out.lines.push({ line_id: Number(l.line_id), beneficiary_id: Number(l.beneficiary_id), clawback: d, ...moved });
  }
  await q('UPDATE orders SET refunded_fen = refunded_fen + $3 WHERE merchant_id = $1 AND order_id = $2',
    [merchantId, orderId, amount]);
  // Stock is not returned on a refund (seed 000, verbatim).
  await q(`INSERT INTO refunds (merchant_id, order_id, item_index, amount_fen, idem_key, result, created_ms)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`, [merchantId, orderId, itemIndex, amount, idemKey, JSON.stringify(out), now]);
  return out;
}

// Takes `d` back from where the line's money is now. Money already withdrawn becomes debt (or is
// forgiven by the merchant), never silently capped at the current balance.
async function clawBack(q, merchantId, line, d, afterWithdrawal, now) {
  const user = Number(line.beneficiary_id);
  const ref = `refund:${line.order_id}`;
  if (line.reward !== 'cash') {
    if (line.state === 'available') {
      await ledger.lockWallet(q, merchantId, user);
      await ledger.post(q, merchantId, user, [[line.reward, -d]], ref, now, line.line_id);
    }
    return { from_line: d, debt: 0, forgiven: 0 };
  }
  await ledger.lockWallet(q, merchantId, user);
  if (line.state === 'pending' || line.state === 'frozen') {
    await ledger.post(q, merchantId, user, [[line.state, -d]], ref, now, line.line_id);
    return { from_line: d, debt: 0, forgiven: 0 };
  }
  const b = await ledger.balances(q, merchantId, user);
  const fromAvailable = Math.min(d, b.available);
  const rest = d - fromAvailable;
  const entries = [['available', -fromAvailable]];
  if (afterWithdrawal === 'forgive') entries.push(['forgiven', rest]);
  else entries.push(['debt', rest]);
  await ledger.post(q, merchantId, user, entries, ref, now, line.line_id);
  return { from_line: fromAvailable, debt: afterWithdrawal === 'forgive' ? 0 : rest, forgiven: afterWithdrawal === 'forgive' ? rest : 0 };
}

module.exports = { loadProgram, loadOrder, engineOrder, markPaid, markFailed, complete, releaseDue, refund, recordRulesVersion, DAY_MS };
