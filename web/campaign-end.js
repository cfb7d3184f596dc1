// The end of a campaign (SPEC 2): the merchant's button, and the sweep that ends a published
// campaign once its end_ms has passed. Both are the one function below; its preview runs the same
// computation without writing. The reasoning about payments meeting the end is in web/settle.js
// (PAID and FAILED).
'use strict';
const ledger = require('./ledger');
const { conflict, fromEngine } = require('./errors');

// Freezing or releasing `units` shares goes through the engine's budget rules.
function budgetFor(engine, config, units, balance) {
  const r = engine.call('previewBudget', {
    program: { ...config, product: { ...config.product, stock: units } }, balance_fen: balance, events: [{ type: 'publish' }],
  });
  if (!r.ok) throw fromEngine(r, { program: 'config' });
  const step = r.steps[0];
  return { refused: step.refused, amount: step.state.frozen_fen };
}

// The end of a campaign's orders that are placed and not yet paid: row-locked first (pass 1,
// before the program's lock, in the order a payment takes them: order row, then program row or
// merchant row), then, under the program's lock, kept: each carries the share the end leaves
// frozen for it (pass 2, which also catches an order placed in between). The preview sums the
// same shares without writing them.
const LOCK_OPEN_ORDERS = `SELECT order_id FROM orders WHERE merchant_id = $1 AND program_id = $2 AND status = 'created'
  ORDER BY order_id FOR UPDATE`;
const KEEP_OPEN_ORDERS = `WITH kept AS (
    UPDATE orders SET end_held_fen = units * $3 WHERE merchant_id = $1 AND program_id = $2 AND status = 'created' RETURNING end_held_fen
  ) SELECT COALESCE(SUM(end_held_fen), 0) AS held, COUNT(*)::int AS orders FROM kept`;
const OPEN_SHARES = `SELECT COALESCE(SUM(units * $3), 0) AS held, COUNT(*)::int AS orders FROM orders
  WHERE merchant_id = $1 AND program_id = $2 AND status = 'created'`;

// What ending program `p` now returns and holds. keep: write each open order's share on it (the
// end, under the locks it took); otherwise only sum them (the preview).
async function endFigures(q, engine, merchantId, p, keep) {
  // Every unused frozen share returns to the balance (SPEC 2), except the shares of orders
  // placed and not yet paid: those stay frozen, written on each order, and its payment or
  // failure settles them (web/settle.js, PAID and FAILED, which also say why this cannot
  // interleave with a payment into a leak).
  let held = 0;
  let open = 0;
  if (p.kind === 'campaign') {
    // The per-unit share is fixed since publishing (E_LOCKED_FIELD); the engine prices it.
    const share = budgetFor(engine, p.config, 1, Number.MAX_SAFE_INTEGER).amount;
    const [k] = await q(keep ? KEEP_OPEN_ORDERS : OPEN_SHARES, [merchantId, p.program_id, share]);
    held = Number(k.held);
    open = k.orders;
  }
  // Read after keeping: every order not kept was settled before, and its budget move is seen.
  const { frozen } = await ledger.merchantBalances(q, merchantId, p.program_id);
  const returned = frozen - held;
  if (returned < 0) throw new Error(`program ${p.program_id}: frozen ${frozen} is less than the ${held} its open orders hold`);
  return { returned_fen: returned, held_fen: held, open_orders: open };
}

async function preview(q, engine, programs, merchantId, programId) {
  const p = await programs.load(q, merchantId, programId);
  if (p.status === 'ended') throw conflict('E_STATE', 'program has already ended');
  return endFigures(q, engine, merchantId, p, false);
}

// Ends the program inside the caller's transaction. due: the sweep's call, which ends only a
// published campaign whose end_ms has passed and answers null for anything else (another process
// ended it first, it was not due): found under the program's lock, so the sweep is idempotent and
// several processes may run it at once.
async function end(q, engine, programs, merchantId, programId, now, { due = false } = {}) {
  const isDue = (p) => p.kind === 'campaign' && p.status === 'published' && Number(p.config.end_ms) <= now;
  const seen = await programs.load(q, merchantId, programId);
  if (due && !isDue(seen)) return null;
  if (seen.status === 'ended') throw conflict('E_STATE', 'program has already ended');
  if (seen.kind === 'campaign') await q(LOCK_OPEN_ORDERS, [merchantId, programId]);
  await ledger.lockMerchant(q, merchantId);
  const p = await programs.load(q, merchantId, programId, true);
  if (due && !isDue(p)) return null;
  if (p.status === 'ended') throw conflict('E_STATE', 'program has already ended');
  // No order can be placed from here on: placing takes stock from this row, which is locked, and
  // finds the program ended.
  const figures = await endFigures(q, engine, merchantId, p, true);
  await ledger.postMerchant(q, merchantId, [['frozen', -figures.returned_fen], ['balance', figures.returned_fen]], programId,
    `end:${programId}`, now);
  await q(`UPDATE programs SET status = 'ended', updated_ms = $3 WHERE merchant_id = $1 AND program_id = $2`, [merchantId, programId, now]);
  return { program_id: programId, status: 'ended', ...figures };
}

// The sweep: every published campaign of the merchant whose end_ms has passed ends, each in its
// own transaction (`tx` runs one, retrying lost races). Returns how many this call ended.
async function endDue(query, tx, engine, programs, merchantId, now) {
  const due = await query(`SELECT program_id FROM programs WHERE merchant_id = $1 AND kind = 'campaign' AND status = 'published'
                           AND (config ->> 'end_ms')::bigint <= $2 ORDER BY program_id`, [merchantId, now]);
  let ended = 0;
  for (const { program_id: id } of due) {
    const r = await tx((q) => end(q, engine, programs, merchantId, Number(id), now, { due: true }));
    if (r) ended++;
  }
  return ended;
}

module.exports = { budgetFor, end, preview, endDue, endFigures };
