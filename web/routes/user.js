// User API (signed session): the activity view, orders and payment, my commissions, my team,
// applying as a distributor, withdrawals. The user id always comes from the session.
'use strict';
const ledger = require('../ledger');
const settle = require('../settle');
const withdraw = require('../withdraw');
const { signSession } = require('../auth');
const { ApiError, bad, conflict, notFound } = require('../errors');

const MAX_CHAIN = 3;

// The inviter tree above `ids` (approved distributors only), as the engine's `distributors`.
async function inviterSlice(q, m, programId, ids) {
  const out = new Map();
  let frontier = ids.filter((x) => x != null);
  for (let hop = 0; hop <= MAX_CHAIN && frontier.length; hop++) {
    const rows = await q(`SELECT user_id, inviter_id, grade FROM distributors WHERE merchant_id = $1 AND program_id = $2
                          AND status = 'approved' AND user_id = ANY($3::bigint[])`, [m, programId, frontier]);
    frontier = [];
    for (const r of rows) {
      const id = Number(r.user_id);
      if (out.has(id)) continue;
      const d = { id };
      if (r.inviter_id != null) { d.inviter_id = Number(r.inviter_id); frontier.push(d.inviter_id); }
      if (r.grade) d.grade = r.grade;
      out.set(id, d);
    }
  }
  return [...out.values()];
}

module.exports = async function userRoutes(app, { ctx }) {
  const { db, engine, clock } = ctx;
  const { AMOUNT, ID, IDEM_KEY } = ctx.schema;
  const auth = { onRequest: ctx.userAuth };
  const body = (properties, required = Object.keys(properties)) => ({
    body: { type: 'object', properties, required, additionalProperties: false },
  });
  const idParam = (name) => ({ params: { type: 'object', properties: { [name]: { type: 'string', pattern: '^[0-9]{1,16}$' } } } });

  // Development login: pick a user. Refused in production, where WeChat OAuth issues sessions.
  app.post('/api/dev/login', { schema: body({ merchant_id: ID, user_id: ID, nickname: { type: 'string', maxLength: 64 } }, ['merchant_id', 'user_id']) }, async (req) => {
    if (ctx.mode !== 'development') throw new ApiError(403, 'E_DEV_ONLY', '', 'development login is disabled in production');
    const { merchant_id: m, user_id: u, nickname = '' } = req.body;
    const rows = await db.query('SELECT 1 FROM merchants WHERE merchant_id = $1', [m]);
    if (!rows.length) throw notFound('merchant', 'merchant_id');
    await db.query(`INSERT INTO users (merchant_id, user_id, nickname, created_ms) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (merchant_id, user_id) DO NOTHING`, [m, u, nickname, clock()]);
    return { ok: true, session: signSession(ctx.secret, m, u, clock()) };
  });

  app.get('/api/programs/:program_id', { ...auth, schema: idParam('program_id') }, async (req) => {
    const m = req.merchant.merchant_id;
    const p = await settle.loadProgram(db.query, m, Number(req.params.program_id));
    if (p.status === 'draft') throw notFound('program');
    const [{ participants }] = await db.query(`SELECT COUNT(DISTINCT beneficiary_id)::int AS participants FROM commission_lines
                                              WHERE merchant_id = $1 AND order_id IN (SELECT order_id FROM orders WHERE merchant_id = $1 AND program_id = $2)`,
    [m, p.program_id]);
    const [{ buyers }] = await db.query(`SELECT COUNT(DISTINCT buyer_id)::int AS buyers FROM orders WHERE merchant_id = $1 AND program_id = $2
                                         AND status IN ('created', 'paid', 'completed')`, [m, p.program_id]);
    return { ok: true, program_id: p.program_id, kind: p.kind, status: p.status, stock: Number(p.stock), participants, buyers,
      config: p.config, rules_version: p.rules_version, role_name: req.merchant.role_name, server_now_ms: clock() };
  });

  app.post('/api/orders', {
    ...auth,
    schema: body({
      program_id: ID, idem_key: IDEM_KEY, units: { type: 'integer', minimum: 1, maximum: 1000000 },
      items: { type: 'array', maxItems: 100, items: { type: 'object', properties: { product_id: { type: 'string', maxLength: 64 }, units: { type: 'integer', minimum: 1, maximum: 1000000 } }, required: ['product_id', 'units'], additionalProperties: false } },
      delivery_region: { type: 'string', pattern: '^[0-9]{6}$' },
    }, ['program_id', 'idem_key']),
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const buyer = req.userId;
    const now = clock();
    return ctx.tx(async (q) => {
      const prior = await q('SELECT * FROM orders WHERE merchant_id = $1 AND buyer_id = $2 AND idem_key = $3', [m, buyer, req.body.idem_key]);
      if (prior.length) return { ok: true, replayed: true, order: prior[0] };
      const p = await settle.loadProgram(q, m, req.body.program_id, true);
      if (p.status !== 'published') throw conflict('E_PHASE', `the program is ${p.status}`, 'program_id');
      let items;
      let attribution;
      let units;
      if (p.kind === 'campaign') {
        const c = p.config;
        units = req.body.units || 1;
        if (now < c.start_ms) throw conflict('E_PHASE', 'the campaign has not started', 'program_id');
        if (now >= c.end_ms) throw conflict('E_PHASE', 'the campaign has ended', 'program_id');
        if (Number(p.stock) < units) throw conflict('E_SOLD_OUT', 'not enough stock', 'units');
        const buyers = await q(`SELECT COUNT(DISTINCT buyer_id)::int AS n, BOOL_OR(buyer_id = $3) AS me FROM orders
                                WHERE merchant_id = $1 AND program_id = $2 AND status IN ('created', 'paid', 'completed')`, [m, p.program_id, buyer]);
        if (c.max_buyers && buyers[0].n >= c.max_buyers && !buyers[0].me) throw conflict('E_BUYERS_FULL', 'the number of buyers is reached', 'program_id');
        if (c.per_user_limit) {
          const [{ bought }] = await q(`SELECT COALESCE(SUM(units), 0) AS bought FROM orders WHERE merchant_id = $1 AND program_id = $2
                                        AND buyer_id = $3 AND status IN ('created', 'paid', 'completed')`, [m, p.program_id, buyer]);
          if (Number(bought) + units > c.per_user_limit) throw conflict('E_PURCHASE_LIMIT', `at most ${c.per_user_limit} per user`, 'units');
        }
        const paid = units * c.product.price_fen;
        if (!Number.isSafeInteger(paid)) throw bad('E_OVERFLOW', 'units', 'amount too large');
        items = [{ units, paid_fen: paid }];
        // Campaigns credit the sharer of the link the buyer came through last (SPEC 5).
        const [visit] = await q(`SELECT sharer_id FROM visits WHERE merchant_id = $1 AND program_id = $2 AND visitor_id = $3
                                 AND sharer_id IS NOT NULL ORDER BY visit_id DESC LIMIT 1`, [m, p.program_id, buyer]);
        attribution = {};
        if (visit) {
          const sharer = Number(visit.sharer_id);
          const [{ n }] = await q(`SELECT COUNT(*)::int AS n FROM orders WHERE merchant_id = $1 AND program_id = $2 AND buyer_id = $3
                                   AND status IN ('paid', 'completed')`, [m, p.program_id, sharer]);
          attribution = { sharer_id: sharer, sharer_has_bought: n > 0 };
        }
        await q('UPDATE programs SET stock = stock - $3 WHERE merchant_id = $1 AND program_id = $2', [m, p.program_id, units]);
      } else {
        if (!req.body.items || !req.body.items.length) throw bad('E_REQUIRED', 'items', 'a distribution order lists its items');
        items = [];
        units = 0;
        for (const [i, it] of req.body.items.entries()) {
          const [prod] = await q('SELECT * FROM products WHERE merchant_id = $1 AND product_id = $2', [m, it.product_id]);
          if (!prod) throw notFound('product', `items[${i}].product_id`);
          const paid = it.units * Number(prod.price_fen);
          if (!Number.isSafeInteger(paid)) throw bad('E_OVERFLOW', `items[${i}].units`, 'amount too large');
          const item = { product_id: it.product_id, units: it.units, paid_fen: paid };
          if (prod.cost_fen != null) item.unit_cost_fen = Number(prod.cost_fen);
          items.push(item);
          units += it.units;
        }
        const [rel] = await q('SELECT bound_id FROM relations WHERE merchant_id = $1 AND program_id = $2 AND customer_id = $3',
          [m, p.program_id, buyer]);
        const bound = rel && rel.bound_id != null ? Number(rel.bound_id) : null;
        attribution = { bound_distributor_id: bound, distributors: await inviterSlice(q, m, p.program_id, [bound, buyer]) };
      }
      const paidTotal = items.reduce((s, it) => s + it.paid_fen, 0);
      if (!Number.isSafeInteger(paidTotal)) throw bad('E_OVERFLOW', 'items', 'amount too large');
      const [order] = await q(`INSERT INTO orders (merchant_id, program_id, buyer_id, status, units, paid_fen, items, attribution, idem_key, created_ms)
        VALUES ($1, $2, $3, 'created', $4, $5, $6, $7, $8, $9) RETURNING *`,
      [m, p.program_id, buyer, units, paidTotal, JSON.stringify(items), JSON.stringify(attribution), req.body.idem_key, now]);
      // What the buyer's sharer will earn, from the engine, so the page can say so before paying.
      const preview = engine.call('previewOrder', { program: p.config, order: await settle.engineOrder(q, order) });
      return { ok: true, order, preview: preview.ok ? preview : null };
    });
  });

  // Pay through the sandbox: succeed, fail, call back late (returned, not applied) or twice.
  app.post('/api/orders/:order_id/pay', {
    ...auth, schema: { ...idParam('order_id'), ...body({ outcome: { type: 'string', enum: ['succeed', 'fail', 'late', 'twice'] } }, []) },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const orderId = Number(req.params.order_id);
    const outcome = (req.body && req.body.outcome) || 'succeed';
    const payment = await ctx.tx(async (q) => {
      const order = await settle.loadOrder(q, m, orderId);
      if (Number(order.buyer_id) !== req.userId) throw notFound('order', 'order_id');
      if (order.status !== 'created') throw conflict('E_ORDER_STATE', `order is ${order.status}`, 'order_id');
      const p = ctx.payments.create(order);
      await q(`INSERT INTO payments (merchant_id, provider_ref, order_id, amount_fen, status, created_ms) VALUES ($1, $2, $3, $4, 'pending', $5)`,
        [m, p.provider_ref, orderId, order.paid_fen, clock()]);
      return p;
    });
    const cb = ctx.payments.callback(payment.provider_ref, outcome === 'fail' ? 'failed' : 'succeeded');
    if (outcome === 'late') return { ok: true, status: 'pending', callback: cb };
    let result = await applyCallback(m, cb);
    if (outcome === 'twice') result = await applyCallback(m, cb);
    return { ok: true, ...result };
  });

  async function applyCallback(m, cb) {
    return ctx.tx(async (q) => {
      const [pay] = await q('SELECT * FROM payments WHERE merchant_id = $1 AND provider_ref = $2 FOR UPDATE', [m, cb.provider_ref]);
      if (!pay) throw notFound('payment', 'provider_ref');
      const order = await settle.loadOrder(q, m, pay.order_id);
      if (pay.status === 'pending') {
        await q('UPDATE payments SET status = $3 WHERE merchant_id = $1 AND provider_ref = $2', [m, cb.provider_ref, cb.status]);
        if (cb.status === 'succeeded') await settle.markPaid(q, engine, m, order, clock());
        else await settle.markFailed(q, m, order);
      }
      const [now] = await q('SELECT status FROM orders WHERE merchant_id = $1 AND order_id = $2', [m, pay.order_id]);
      return { order_id: Number(pay.order_id), status: now.status, payment: cb.status };
    });
  }

  // The provider's notification (WeChat Pay posts here). Signed; applying it twice changes nothing.
  app.post('/api/payments/sandbox/callback', {
    schema: body({ merchant_id: ID, provider_ref: { type: 'string', maxLength: 128 }, status: { type: 'string', enum: ['succeeded', 'failed'] }, signature: { type: 'string', maxLength: 128 } }),
  }, async (req) => {
    if (!ctx.payments.verify(req.body)) throw new ApiError(401, 'E_SIGNATURE', 'signature', 'bad payment signature');
    return { ok: true, ...(await applyCallback(req.body.merchant_id, req.body)) };
  });

  app.get('/api/me/orders', auth, async (req) => {
    const rows = await db.query(`SELECT order_id, program_id, status, units, paid_fen, refunded_fen, created_ms, paid_ms FROM orders
                                 WHERE merchant_id = $1 AND buyer_id = $2 ORDER BY order_id DESC LIMIT 100`, [req.merchant.merchant_id, req.userId]);
    return { ok: true, orders: rows };
  });

  app.get('/api/me/commissions', auth, async (req) => {
    const m = req.merchant.merchant_id;
    await ctx.tx((q) => settle.releaseDue(q, m, clock(), req.userId));
    const lines = await db.query(`SELECT line_id, order_id, role, level, reward, basis, rate_bp, rule, amount, clawed, state, rules_version,
                                         hold_until_ms, created_ms FROM commission_lines WHERE merchant_id = $1 AND beneficiary_id = $2
                                  ORDER BY line_id DESC LIMIT 200`, [m, req.userId]);
    return { ok: true, wallet: await ledger.balances(db.query, m, req.userId), lines };
  });

  app.get('/api/me/wallet', auth, async (req) => {
    const m = req.merchant.merchant_id;
    await ctx.tx((q) => settle.releaseDue(q, m, clock(), req.userId));
    return { ok: true, wallet: await ledger.balances(db.query, m, req.userId), settings: withdraw.settingsOf(req.merchant) };
  });

  app.get('/api/me/team', auth, async (req) => {
    const m = req.merchant.merchant_id;
    const invitees = await db.query(`SELECT program_id, user_id, grade, status, created_ms FROM distributors
                                     WHERE merchant_id = $1 AND inviter_id = $2 ORDER BY created_ms DESC LIMIT 200`, [m, req.userId]);
    const customers = await db.query(`SELECT program_id, customer_id, bound_since_ms FROM relations WHERE merchant_id = $1 AND bound_id = $2
                                      ORDER BY updated_ms DESC LIMIT 200`, [m, req.userId]);
    return { ok: true, invitees, customers };
  });

  app.post('/api/me/apply', { ...auth, schema: body({ program_id: ID }) }, async (req) => {
    const m = req.merchant.merchant_id;
    const now = clock();
    return ctx.tx(async (q) => {
      const p = await settle.loadProgram(q, m, req.body.program_id);
      const existing = await q('SELECT * FROM distributors WHERE merchant_id = $1 AND program_id = $2 AND user_id = $3', [m, p.program_id, req.userId]);
      if (existing.length) return { ok: true, distributor: existing[0] };
      // The inviter is whoever the applicant belongs to now, fixed forever from here (SPEC 5).
      const [rel] = await q('SELECT bound_id FROM relations WHERE merchant_id = $1 AND program_id = $2 AND customer_id = $3', [m, p.program_id, req.userId]);
      const inviter = rel && rel.bound_id != null && Number(rel.bound_id) !== req.userId ? Number(rel.bound_id) : null;
      const auto = !((req.merchant.settings || {}).application || {}).manual_approval;
      const [d] = await q(`INSERT INTO distributors (merchant_id, program_id, user_id, inviter_id, status, created_ms)
                           VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`, [m, p.program_id, req.userId, inviter, auto ? 'approved' : 'pending', now]);
      return { ok: true, distributor: d };
    });
  });

  app.get('/api/me/withdrawals', auth, async (req) => {
    const rows = await db.query('SELECT * FROM withdrawals WHERE merchant_id = $1 AND user_id = $2 ORDER BY withdrawal_id DESC LIMIT 100',
      [req.merchant.merchant_id, req.userId]);
    return { ok: true, withdrawals: rows };
  });

  app.post('/api/me/withdrawals', {
    ...auth, schema: body({ amount_fen: { ...AMOUNT, minimum: 1 }, method: { type: 'string', maxLength: 32 }, idem_key: IDEM_KEY }),
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const now = clock();
    await ctx.tx((q) => settle.releaseDue(q, m, now, req.userId));
    const w = await ctx.tx((q) => withdraw.request(q, req.merchant, req.userId, req.body, now));
    return { ok: true, withdrawal: w };
  });

  app.post('/api/me/withdrawals/:id/confirm', { ...auth, schema: idParam('id') }, async (req) => {
    const m = req.merchant.merchant_id;
    const w = await ctx.tx(async (q) => {
      const [row] = await q('SELECT user_id FROM withdrawals WHERE merchant_id = $1 AND withdrawal_id = $2', [m, Number(req.params.id)]);
      if (!row || Number(row.user_id) !== req.userId) throw notFound('withdrawal', 'id');
      return withdraw.confirm(q, m, Number(req.params.id), clock(), 'user');
    });
    return { ok: true, withdrawal: w };
  });
};

module.exports.inviterSlice = inviterSlice;
