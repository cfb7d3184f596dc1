// Placing and paying orders: the two requests every sale makes, so each takes as few round trips
// as it can. Placing reads everything the decision needs in one query, lets the engine decide
// (gate, attribution, commission preview), and writes in one statement. That statement is atomic
// by itself and carries its own guards, so a plain campaign order needs no transaction: the stock
// cannot go below zero, and the buyer's units move only from the value the gate saw (otherwise
// the statement sets them to -1, which their CHECK refuses). Either failure aborts the statement
// and the order is decided again on fresh rows (db.Retry / isRetryable). Distribution orders,
// capped and password campaigns read or write more than that one statement, inside a transaction.
'use strict';
const settle = require('./settle');
const { Retry, isRetryable } = require('./db');
const { ApiError, bad, conflict, notFound } = require('./errors');

const NEEDS_TX = Symbol('needs a transaction');

// Everything placing an order reads, in one round trip. $5: the config version this process has
// cached; $6: the product ids of a distribution order.
const READ = (COLUMNS) => `SELECT
    (SELECT row_to_json(o) FROM orders o WHERE o.merchant_id = $1 AND o.buyer_id = $3 AND o.idem_key = $4) AS prior,
    ${COLUMNS.split(',').map((c) => `p.${c.trim()}`).join(', ')},
    CASE WHEN p.config_version = $5 THEN NULL ELSE p.config END AS config,
    (SELECT units FROM program_buyers WHERE merchant_id = $1 AND program_id = $2 AND buyer_id = $3) AS bought_units,
    u.is_fan, u.region,
    r.state AS relation,
    (p.kind = 'campaign' AND EXISTS (SELECT 1 FROM orders s WHERE s.merchant_id = $1 AND s.program_id = $2
       AND s.buyer_id = (r.state -> 'share' ->> 'sharer_id')::bigint AND s.status IN ('paid', 'completed'))) AS sharer_has_bought,
    (SELECT json_agg(pr) FROM products pr WHERE pr.merchant_id = $1 AND pr.product_id IN (SELECT jsonb_array_elements_text($6::jsonb))) AS products,
    nextval(pg_get_serial_sequence('orders', 'order_id')) AS next_order_id
  FROM programs p
  LEFT JOIN users u ON u.merchant_id = $1 AND u.user_id = $3
  LEFT JOIN relations r ON r.merchant_id = $1 AND r.program_id = $2 AND r.customer_id = $3
  WHERE p.merchant_id = $1 AND p.program_id = $2`;

// The order and what it holds, in one statement: stock taken (only while the program is still
// published: ended meanwhile, the stock check fails), the buyer's units moved from the value the
// gate saw ($10; NULL when he held none), the buyer counted when he is new.
const WRITE = `WITH stock AS (
    UPDATE programs SET stock = CASE WHEN status = 'published' THEN stock - $8 ELSE -1 END, buyers = buyers + $9
    WHERE merchant_id = $1 AND program_id = $2 AND ($8 > 0 OR $9 > 0)
  ), held AS (
    INSERT INTO program_buyers AS b (merchant_id, program_id, buyer_id, units) VALUES ($1, $2, $3, $5)
    ON CONFLICT (merchant_id, program_id, buyer_id)
    DO UPDATE SET units = CASE WHEN b.units = $10 THEN b.units + EXCLUDED.units ELSE -1 END
  )
  INSERT INTO orders (merchant_id, order_id, program_id, buyer_id, status, units, paid_fen, items, attribution, idem_key, created_ms,
                      preview, delivery_region)
  OVERRIDING SYSTEM VALUE
  VALUES ($1, $11, $2, $3, 'created', $5, $6, $7, $12, $4, $13, $14, $15)`;

function publicOrder(row) {
  const { preview, ...order } = row;
  return order;
}

module.exports = function orders(ctx) {
  const { engine, programs } = ctx;
  const read = READ(programs.COLUMNS);

  // One attempt at placing the order with `q` (a transaction's, or plain statements when inTx is
  // false); NEEDS_TX when the program needs more than the single guarded write.
  async function attempt(q, inTx, merchantId, buyer, body, now) {
    const productIds = (body.items || []).map((it) => it.product_id);
    const [row] = await q(read, [merchantId, body.program_id, buyer, body.idem_key, programs.heldVersion(merchantId, body.program_id),
      JSON.stringify(productIds)]);
    if (!row) throw notFound('program', 'program_id');
    if (row.prior) return { ok: true, replayed: true, order: publicOrder(row.prior), preview: row.prior.preview };
    const p = programs.resolve(row);
    if (!p) throw new Retry('program config cache');
    if (p.status !== 'published') throw conflict('E_PHASE', `the program is ${p.status}`, 'program_id');
    if (!inTx && (p.kind !== 'campaign' || p.password_hash || p.config.max_buyers > 0)) return NEEDS_TX;
    const seen = row.bought_units == null ? null : Number(row.bought_units);
    const orderId = Number(row.next_order_id);
    let items;
    let units;
    if (p.kind === 'campaign') {
      const c = p.config;
      units = body.units || 1;
      if (c.max_buyers > 0) {
        // The buyer cap counts people, so orders of new buyers must not pass it side by side:
        // capped campaigns take their row lock before the gate and decide on its live values.
        const [live] = await q('SELECT stock, buyers FROM programs WHERE merchant_id = $1 AND program_id = $2 FOR UPDATE', [merchantId, p.program_id]);
        p.stock = live.stock;
        p.buyers = live.buyers;
      }
      // The gate (phase, stock, buyers, fans, region, password pass, purchase limit) refuses here,
      // with the same rule the page shows.
      await ctx.gates.requireBuy(q, p, buyer, body.pass, units, now, { is_fan: row.is_fan, region: row.region, bought_units: seen || 0 });
      if (Number(p.stock) < units) throw conflict('E_SOLD_OUT', 'not enough stock', 'units');
      const paid = units * c.product.price_fen;
      if (!Number.isSafeInteger(paid)) throw bad('E_OVERFLOW', 'units', 'amount too large');
      items = [{ units, paid_fen: paid }];
    } else {
      if (!body.items || !body.items.length) throw bad('E_REQUIRED', 'items', 'a distribution order lists its items');
      const catalogue = new Map((row.products || []).map((pr) => [pr.product_id, pr]));
      items = [];
      units = 0;
      for (const [i, it] of body.items.entries()) {
        const prod = catalogue.get(it.product_id);
        if (!prod) throw notFound('product', `items[${i}].product_id`);
        const paid = it.units * Number(prod.price_fen);
        if (!Number.isSafeInteger(paid)) throw bad('E_OVERFLOW', `items[${i}].units`, 'amount too large');
        const item = { product_id: it.product_id, units: it.units, paid_fen: paid };
        if (prod.cost_fen != null) item.unit_cost_fen = Number(prod.cost_fen);
        items.push(item);
        units += it.units;
      }
    }
    const paidTotal = items.reduce((s, it) => s + it.paid_fen, 0);
    if (!Number.isSafeInteger(paidTotal) || !Number.isSafeInteger(units)) throw bad('E_OVERFLOW', 'items', 'amount too large');
    // Who is credited and why, and what they will earn (attributeOrder, then previewOrder).
    const input = { order_id: String(orderId), items };
    if (body.delivery_region) input.delivery_region = body.delivery_region;
    const a = await ctx.attribution.order(q, p, buyer, row.relation, row.sharer_has_bought, input, now);
    if (a.save && !inTx) return NEEDS_TX;
    const { buyer_id: _b, items: _i, order_id: _o, delivery_region: _d, ...credited } = a.result.order;
    const attribution = { ...credited, decision: a.result.decision };
    const stockTaken = p.kind === 'campaign' ? units : 0;
    const region = body.delivery_region || null;
    await q(WRITE, [merchantId, p.program_id, buyer, body.idem_key, units, paidTotal, JSON.stringify(items),
      stockTaken, seen ? 0 : 1, seen, orderId, JSON.stringify(attribution), now, JSON.stringify(a.result.commission), region]);
    if (a.save) await a.save(q);
    // The row as written (the columns a replay returns), without reading it back.
    const order = { merchant_id: merchantId, order_id: orderId, program_id: p.program_id, buyer_id: buyer, status: 'created', units,
      paid_fen: paidTotal, refunded_fen: 0, items, attribution, idem_key: body.idem_key, created_ms: now, paid_ms: null, completed_ms: null,
      delivery_region: region };
    return { ok: true, order, preview: a.result.commission };
  }

  async function place(merchantId, buyer, body, now) {
    for (let n = 0; ; n++) {
      try {
        const r = await attempt(ctx.db.query, false, merchantId, buyer, body, now);
        return r === NEEDS_TX ? await ctx.tx((q) => attempt(q, true, merchantId, buyer, body, now)) : r;
      } catch (e) {
        if (!isRetryable(e)) throw e;
        if (n >= 5) throw new ApiError(409, 'E_BUSY', '', 'too many concurrent changes; try again');
      }
    }
  }

  // The order to pay, row-locked, with what settling it needs of its program. The config comes
  // along only when the preview stored with the order cannot be reused (an edit changed the
  // program's rules_version since the order was placed).
  const LOCK_FOR_PAYMENT = `SELECT o.*, p.kind AS p_kind, p.rules_version AS p_rules_version,
      CASE WHEN o.preview ->> 'rules_version' = p.rules_version THEN NULL ELSE p.config END AS p_config
    FROM orders o JOIN programs p ON p.merchant_id = o.merchant_id AND p.program_id = o.program_id
    WHERE o.merchant_id = $1 AND o.order_id = $2 FOR UPDATE OF o`;

  async function lockForPayment(q, merchantId, orderId) {
    const [row] = await q(LOCK_FOR_PAYMENT, [merchantId, orderId]);
    if (!row) throw notFound('order', 'order_id');
    const { p_kind: kind, p_rules_version: rulesVersion, p_config: config, ...order } = row;
    return { order, program: { merchant_id: order.merchant_id, program_id: order.program_id, kind, rules_version: rulesVersion, config } };
  }

  // Applies a payment's outcome to its order, once; the caller holds the order's row lock, so a
  // second (or parallel) notification finds the order settled and changes nothing.
  async function apply(q, order, program, providerRef, status, now) {
    if (order.status !== 'created') return order.status;
    if (status === 'succeeded') {
      await settle.markPaid(q, engine, order, program, providerRef, now);
      return 'paid';
    }
    await settle.markFailed(q, order, program, providerRef, now);
    return 'closed';
  }

  return { place, lockForPayment, apply };
};
