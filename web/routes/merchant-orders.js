// Merchant API for orders (docs/console.md, Orders): the list with its filters (keyset pages,
// each filter served by an index: web/db/008_console_ops.sql, plans in docs/server.md), one
// order with its items, lines, payments and refunds and why it was credited, the refund and its
// preview (one plan, web/settle.js), 发货, completing one or many, and the shop's order settings
// (automatic completion). Registered by merchant.js, under its authentication.
'use strict';
const grades = require('../grades');
const settle = require('../settle');
const { withMoneyTexts } = require('../ledger');
const { formatCst, explainZh } = require('../../bindings/engine');
const { bad, notFound, ApiError } = require('../errors');

const STATUS_ZH = { created: '待付款', paid: '待发货', paid_no_shipping: '已付款', shipped: '已发货', completed: '已完成', closed: '已关闭' };
const LINE_STATE_ZH = { pending: '待结算', frozen: '冻结中', available: '可提现', reversed: '已扣回' };
const STATUSES = ['created', 'paid', 'shipped', 'completed', 'closed', 'refunded'];
const MAX_PAGE = 100;
const NARROW_PAID_MS = 31 * 86400000;

// The WHERE of the list for the filters given, as SQL over the orders alias `o` and its
// parameters (after $1, the merchant). Only the given filters appear in the text, so each
// combination is its own prepared statement with its own plan (a catch-all `$n IS NULL OR ...`
// would be planned once for every combination, and badly).
function listFilter(f) {
  const where = ['o.merchant_id = $1'];
  const params = [];
  const p = (v) => { params.push(v); return `$${params.length + 1}`; };
  if (f.program_id != null) where.push(`o.program_id = ${p(f.program_id)}`);
  switch (f.status) {
    case undefined: break;
    // 'paid' is paid and not shipped (待发货), 'shipped' paid and shipped: the two never overlap.
    case 'paid': where.push("o.status = 'paid' AND o.shipped_ms IS NULL"); break;
    case 'shipped': where.push("o.status = 'paid' AND o.shipped_ms IS NOT NULL"); break;
    case 'refunded': where.push('o.refunded_fen > 0'); break;
    default: where.push(`o.status = ${p(f.status)}`);
  }
  if (f.paid_from != null) where.push(`o.paid_ms >= ${p(f.paid_from)}`);
  if (f.paid_to != null) where.push(`o.paid_ms < ${p(f.paid_to)}`);
  if (f.buyer_id != null) where.push(`o.buyer_id = ${p(f.buyer_id)}`);
  if (f.distributor_id != null) {
    where.push(`o.order_id IN (SELECT l.order_id FROM commission_lines l WHERE l.merchant_id = $1 AND l.beneficiary_id = ${p(f.distributor_id)})`);
  }
  if (f.before != null) where.push(`o.order_id < ${p(f.before)}`);
  // A paid range of at most NARROW_PAID_MS is read through orders_paid_ms (index-only, then a
  // top-N sort of its rows): the planner would walk the primary key from the newest order down
  // to the range, which for a day long ago is most of the table (it assumes paid_ms is spread
  // evenly over order ids; it follows them). A wider range is left to the planner, which walks
  // the primary key: fast when the range is recent (the console's "last 30 days").
  const narrow = f.paid_from != null && f.paid_to != null && f.paid_to - f.paid_from <= NARROW_PAID_MS;
  return { where: where.join(' AND '), params, order: narrow ? 'o.order_id + 0 DESC' : 'o.order_id DESC' };
}

// The page's order ids first (index-only where the filter's index covers it), then their rows.
const listSql = (where, limitParam, order = 'o.order_id DESC') => `SELECT o.order_id, o.program_id, o.buyer_id, o.status, o.units, o.paid_fen, o.refunded_fen,
    o.created_ms, o.paid_ms, o.shipped_ms, o.completed_ms, o.complete_due_ms,
    p.config ->> 'title' AS program_title, u.nickname AS buyer_name
  FROM (SELECT o.merchant_id, o.order_id FROM orders o WHERE ${where} ORDER BY ${order} LIMIT ${limitParam}) k
  JOIN orders o ON o.merchant_id = k.merchant_id AND o.order_id = k.order_id
  LEFT JOIN programs p ON p.merchant_id = o.merchant_id AND p.program_id = o.program_id
  LEFT JOIN users u ON u.merchant_id = o.merchant_id AND u.user_id = o.buyer_id
  ORDER BY o.order_id DESC`;

const num = (v) => (v == null ? null : Number(v));
const time = (ms) => (ms == null ? null : formatCst(Number(ms), true));

function statusText(o, shop) {
  let s = o.status;
  if (s === 'paid') s = o.shipped_ms != null ? 'shipped' : shop.ships ? 'paid' : 'paid_no_shipping';
  let text = STATUS_ZH[s] || s;
  const refunded = Number(o.refunded_fen);
  if (refunded > 0) text += refunded === Number(o.paid_fen) ? '（已全额退款）' : '（部分退款）';
  return text;
}

// A list row. Time texts: created_text, paid_at_text (paid_text is the money), shipped_text,
// completed_text, complete_due_text.
function orderView(o, shop) {
  return {
    order_id: Number(o.order_id), program_id: Number(o.program_id), program_title: o.program_title || null,
    buyer_id: Number(o.buyer_id), buyer_name: o.buyer_name || null, status: o.status, shipped: o.shipped_ms != null,
    status_text: statusText(o, shop), units: Number(o.units), paid_fen: Number(o.paid_fen), refunded_fen: Number(o.refunded_fen),
    created_ms: Number(o.created_ms), paid_ms: num(o.paid_ms), shipped_ms: num(o.shipped_ms), completed_ms: num(o.completed_ms),
    complete_due_ms: o.status === 'paid' ? num(o.complete_due_ms) : null,
    created_text: time(o.created_ms), paid_at_text: time(o.paid_ms), shipped_text: time(o.shipped_ms), completed_text: time(o.completed_ms),
    complete_due_text: o.status === 'paid' ? time(o.complete_due_ms) : null,
  };
}

module.exports = async function merchantOrderRoutes(app, { ctx }) {
  const { engine, clock, programs, db } = ctx;
  const { AMOUNT, IDEM_KEY } = ctx.schema;
  const DIGITS = { type: 'string', pattern: '^[0-9]{1,16}$' };
  const orderParams = { params: { type: 'object', properties: { order_id: DIGITS } } };
  const body = (properties, required = Object.keys(properties)) => ({
    body: { type: 'object', properties, required, additionalProperties: false },
  });

  async function shopOf(q, m) {
    const [row] = await q('SELECT settings, role_name FROM merchants WHERE merchant_id = $1', [m]);
    return { shop: settle.shopSettings(row && row.settings), roleName: row ? row.role_name : undefined };
  }

  app.get('/api/merchant/orders', {
    schema: {
      querystring: {
        type: 'object',
        properties: {
          program_id: DIGITS, status: { type: 'string', enum: STATUSES }, paid_from: DIGITS, paid_to: DIGITS, buyer_id: DIGITS,
          distributor_id: DIGITS, before: DIGITS, limit: { type: 'string', pattern: '^[0-9]{1,3}$' },
        },
        additionalProperties: false,
      },
    },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const qs = req.query;
    const limit = qs.limit == null ? 20 : Number(qs.limit);
    if (limit < 1 || limit > MAX_PAGE) throw bad('E_RANGE', 'limit', `limit is 1 … ${MAX_PAGE}`);
    const f = { status: qs.status };
    for (const k of ['program_id', 'paid_from', 'paid_to', 'buyer_id', 'distributor_id', 'before']) if (qs[k] != null) f[k] = Number(qs[k]);
    const { where, params, order } = listFilter(f);
    // The limit is written into the text (a checked integer): a prepared statement's generic
    // plan does not know a $n limit and would plan for a large one, a full sort.
    const rows = await db.query(listSql(where, String(limit + 1), order), [m, ...params]);
    const { shop } = await shopOf(db.query, m);
    const orders = withMoneyTexts(engine, rows.slice(0, limit).map((o) => orderView(o, shop)), ['paid_fen', 'refunded_fen']);
    return { ok: true, orders, next: rows.length > limit ? orders[orders.length - 1].order_id : null };
  });

  app.get('/api/merchant/orders/:order_id', { schema: orderParams }, async (req) => {
    const m = req.merchant.merchant_id;
    const id = Number(req.params.order_id);
    const q = db.query;
    const [o] = await q(listSql('o.merchant_id = $1 AND o.order_id = $2', '1'), [m, id]);
    if (!o) throw notFound('order', 'order_id');
    const [full] = await q('SELECT items, attribution, delivery_region FROM orders WHERE merchant_id = $1 AND order_id = $2', [m, id]);
    const program = await programs.load(q, m, Number(o.program_id));
    const { shop, roleName } = await shopOf(q, m);
    const refunded = await q(`SELECT item_index, COALESCE(SUM(amount_fen), 0) AS fen FROM refunds WHERE merchant_id = $1 AND order_id = $2
                              GROUP BY item_index`, [m, id]);
    const refundedOf = new Map(refunded.map((r) => [Number(r.item_index), Number(r.fen)]));
    const productIds = full.items.map((it) => it.product_id).filter((x) => x != null);
    const names = new Map();
    if (productIds.length) {
      const rows = await q(`SELECT product_id, name FROM products WHERE merchant_id = $1 AND product_id IN (SELECT jsonb_array_elements_text($2::jsonb))`,
        [m, JSON.stringify(productIds)]);
      for (const r of rows) names.set(r.product_id, r.name);
    }
    // A campaign's one product is named in its config; a distribution item by the catalogue.
    const items = full.items.map((it, i) => {
      const paid = Number(it.paid_fen);
      const back = refundedOf.get(i) || 0;
      return {
        item_index: i, product_id: it.product_id == null ? null : it.product_id,
        name: it.product_id == null ? (program.config.product && program.config.product.name) || null : names.get(it.product_id) || null,
        units: Number(it.units), paid_fen: paid, refunded_fen: back, refundable_fen: paid - back,
      };
    });
    const lines = await q(`SELECT line_id, item_index, beneficiary_id, role, level, reward, basis, rate_bp, rule, amount, clawed, state,
                             rules_version, hold_until_ms, created_ms FROM commission_lines WHERE merchant_id = $1 AND order_id = $2
                           ORDER BY line_id`, [m, id]);
    const why = (full.attribution && full.attribution.decision) || null;
    // Nicknames of everyone the order or its explanation names.
    const people = new Set([Number(o.buyer_id), ...lines.map((l) => Number(l.beneficiary_id))]);
    if (why && why.facts) for (const k of ['distributor_id', 'sharer_id', 'customer_id']) if (why.facts[k] != null) people.add(Number(why.facts[k]));
    const nick = {};
    const users = await q(`SELECT user_id, nickname FROM users WHERE merchant_id = $1 AND user_id IN (SELECT jsonb_array_elements_text($2::jsonb)::bigint)`,
      [m, JSON.stringify([...people])]);
    for (const u of users) if (u.nickname) nick[Number(u.user_id)] = u.nickname;
    const lineViews = lines.map((l) => {
      const money = l.reward !== 'points';
      const v = {
        line_id: Number(l.line_id), item_index: l.item_index, beneficiary_id: Number(l.beneficiary_id), beneficiary_name: nick[Number(l.beneficiary_id)] || null,
        role: l.role, level: l.level, reward: l.reward, basis: l.basis, rate_bp: Number(l.rate_bp), rule: l.rule,
        amount: Number(l.amount), clawed: Number(l.clawed), state: l.state, state_text: LINE_STATE_ZH[l.state] || l.state,
        rules_version: l.rules_version, hold_until_ms: num(l.hold_until_ms), hold_until_text: time(l.hold_until_ms), created_ms: Number(l.created_ms),
      };
      // Points are not money: their text is the number of points.
      if (!money) Object.assign(v, { amount_text: `${v.amount} 积分`, clawed_text: `${v.clawed} 积分` });
      return v;
    });
    withMoneyTexts(engine, lineViews.filter((l) => l.reward !== 'points'), ['amount', 'clawed']);
    const payments = await q(`SELECT provider_ref, amount_fen, status, created_ms FROM payments WHERE merchant_id = $1 AND order_id = $2
                              ORDER BY created_ms`, [m, id]);
    const refunds = await q(`SELECT refund_id, item_index, amount_fen, idem_key, result, created_ms FROM refunds WHERE merchant_id = $1
                             AND order_id = $2 ORDER BY refund_id`, [m, id]);
    const order = { ...orderView(o, shop), delivery_region: full.delivery_region || null, items: withMoneyTexts(engine, items, ['paid_fen', 'refunded_fen', 'refundable_fen']) };
    withMoneyTexts(engine, [order], ['paid_fen', 'refunded_fen']);
    return {
      ok: true,
      order,
      buyer: { user_id: Number(o.buyer_id), nickname: nick[Number(o.buyer_id)] || null },
      why,
      why_text: why ? explainZh(why, { names: nick, role: roleName }) : null,
      lines: lineViews,
      payments: withMoneyTexts(engine, payments.map((p) => ({ provider_ref: p.provider_ref, amount_fen: Number(p.amount_fen), status: p.status,
        created_ms: Number(p.created_ms), created_text: time(p.created_ms) })), ['amount_fen']),
      refunds: withMoneyTexts(engine, refunds.map((r) => ({ refund_id: Number(r.refund_id), item_index: r.item_index, amount_fen: Number(r.amount_fen),
        idem_key: r.idem_key, lines: (r.result && r.result.lines) || [], created_ms: Number(r.created_ms), created_text: time(r.created_ms) })), ['amount_fen']),
    };
  });

  const refundTexts = (r) => {
    withMoneyTexts(engine, r.lines, ['clawback', 'from_line', 'debt', 'forgiven']);
    return withMoneyTexts(engine, [r], ['refund_fen', 'refundable_fen', 'refunded_so_far_fen'])[0];
  };

  // What the refund would claw back now: the refund's own plan (settle.planRefund), without locks
  // and without writing; refused exactly as the refund would be.
  app.get('/api/merchant/orders/:order_id/refund-preview', {
    schema: {
      ...orderParams,
      querystring: { type: 'object', properties: { amount_fen: DIGITS, item_index: { type: 'string', pattern: '^[0-9]{1,3}$' } },
        required: ['amount_fen'], additionalProperties: false },
    },
  }, async (req) => {
    const amount = Number(req.query.amount_fen);
    if (!Number.isSafeInteger(amount) || amount < 1) throw bad('E_RANGE', 'amount_fen', 'a refund is 1 fen or more');
    const plan = await settle.planRefund(db.query, engine, programs, req.merchant.merchant_id, Number(req.params.order_id),
      Number(req.query.item_index || 0), amount, { lock: false });
    return { ok: true, ...refundTexts({ order_id: plan.order_id, item_index: plan.item_index, refund_fen: plan.refund_fen,
      refundable_fen: plan.refundable_fen, lines: plan.lines }) };
  });

  app.post('/api/merchant/orders/:order_id/refund', {
    schema: { ...orderParams, ...body({ amount_fen: { ...AMOUNT, minimum: 1 }, item_index: { type: 'integer', minimum: 0, maximum: 999 }, idem_key: IDEM_KEY }, ['amount_fen', 'idem_key']) },
  }, async (req) => {
    const r = await ctx.tx((q) => settle.refund(q, engine, programs, req.merchant.merchant_id, Number(req.params.order_id),
      req.body.item_index || 0, req.body.amount_fen, req.body.idem_key, clock()));
    await grades.afterOrder(ctx, req.merchant.merchant_id, Number(req.params.order_id), clock());
    return { ok: true, ...refundTexts({ ...r, lines: r.lines.map((l) => ({ ...l })) }) };
  });

  // 发货. A second request answers the first shipping (replayed: true).
  app.post('/api/merchant/orders/:order_id/ship', {
    schema: { ...orderParams, body: { type: ['object', 'null'], properties: {}, additionalProperties: false } },
  }, async (req) => {
    const r = await ctx.tx((q) => settle.ship(q, req.merchant.merchant_id, Number(req.params.order_id), clock()));
    return { ok: true, ...r, shipped_text: time(r.shipped_ms), complete_due_text: time(r.complete_due_ms) };
  });

  app.post('/api/merchant/orders/:order_id/complete', { schema: orderParams }, async (req) => {
    const o = await ctx.tx((q) => settle.complete(q, programs, req.merchant.merchant_id, Number(req.params.order_id), clock()));
    await grades.afterOrder(ctx, req.merchant.merchant_id, Number(req.params.order_id), clock());
    return { ok: true, order_id: Number(o.order_id), status: o.status };
  });

  // Many at once: each order in its own transaction (one refused order does not hold back the
  // others); an order already completed counts as done, as completing it again would answer.
  app.post('/api/merchant/orders/complete', {
    schema: body({ order_ids: { type: 'array', minItems: 1, maxItems: 100, uniqueItems: true, items: ctx.schema.ID } }),
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const done = [];
    const failed = [];
    for (const id of req.body.order_ids) {
      try {
        await ctx.tx((q) => settle.complete(q, programs, m, id, clock()));
        await grades.afterOrder(ctx, m, id, clock());
        done.push(id);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        failed.push({ order_id: id, code: e.code, message: e.message });
      }
    }
    return { ok: true, done, failed };
  });

  // The shop's order settings (merchants.settings.shop): auto_complete_days 1 … 30 (default 7),
  // ships (default true). Given fields replace the stored ones. A change of `ships` moves the
  // paid, unshipped orders with it: not shipping, they are due auto_complete_days after their
  // payment; shipping again, they wait for 发货. A change of the days applies to orders shipped
  // (or paid, not shipping) from then on.
  app.get('/api/merchant/settings/shop', async (req) => ({ ok: true, settings: (await shopOf(db.query, req.merchant.merchant_id)).shop }));

  app.put('/api/merchant/settings/shop', {
    schema: body({ auto_complete_days: { type: 'integer', minimum: 1, maximum: 30 }, ships: { type: 'boolean' } }, []),
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const settings = await ctx.tx(async (q) => {
      const [cur] = await q('SELECT settings FROM merchants WHERE merchant_id = $1 FOR UPDATE', [m]);
      const before = settle.shopSettings(cur.settings);
      const shop = { ...before, ...req.body };
      await q(`UPDATE merchants SET settings = jsonb_set(COALESCE(settings, '{}'), '{shop}', $2::jsonb) WHERE merchant_id = $1`, [m, JSON.stringify(shop)]);
      if (before.ships && !shop.ships) {
        await q(`UPDATE orders SET complete_due_ms = paid_ms + $2 WHERE merchant_id = $1 AND status = 'paid' AND shipped_ms IS NULL
                 AND complete_due_ms IS NULL`, [m, shop.auto_complete_days * settle.DAY_MS]);
      } else if (!before.ships && shop.ships) {
        await q(`UPDATE orders SET complete_due_ms = NULL WHERE merchant_id = $1 AND status = 'paid' AND shipped_ms IS NULL
                 AND complete_due_ms IS NOT NULL`, [m]);
      }
      return shop;
    });
    return { ok: true, settings };
  });
};

// The list's SQL, for EXPLAIN (docs/server.md).
module.exports.listFilter = listFilter;
module.exports.listSql = listSql;
