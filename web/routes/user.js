// User API (signed session): the activity view, orders and payment, my commissions, my team,
// applying as a distributor, withdrawals. The user id always comes from the session.
'use strict';
const ledger = require('../ledger');
const settle = require('../settle');
const withdraw = require('../withdraw');
const { signSession } = require('../auth');
const { ApiError, bad, conflict, notFound } = require('../errors');

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

  app.get('/api/programs/:program_id', {
    ...auth, schema: { ...idParam('program_id'), querystring: { type: 'object', properties: { pass: { type: 'string', maxLength: 128 } } } },
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const p = await settle.loadProgram(db.query, m, Number(req.params.program_id));
    if (p.status === 'draft') throw notFound('program');
    const gate = p.kind === 'campaign' ? await ctx.gates.evaluate(db.query, p, req.userId, req.query.pass, clock()) : null;
    const [{ participants }] = await db.query(`SELECT COUNT(DISTINCT beneficiary_id)::int AS participants FROM commission_lines
                                              WHERE merchant_id = $1 AND order_id IN (SELECT order_id FROM orders WHERE merchant_id = $1 AND program_id = $2)`,
    [m, p.program_id]);
    const [{ buyers }] = await db.query(`SELECT COUNT(DISTINCT buyer_id)::int AS buyers FROM orders WHERE merchant_id = $1 AND program_id = $2
                                         AND status IN ('created', 'paid', 'completed')`, [m, p.program_id]);
    // The ticker's raw entries; the engine masks the names and words the times (campaignDisplay).
    const recent = (await db.query(`SELECT u.nickname, o.paid_ms FROM orders o LEFT JOIN users u ON u.merchant_id = o.merchant_id AND u.user_id = o.buyer_id
                                    WHERE o.merchant_id = $1 AND o.program_id = $2 AND o.paid_ms IS NOT NULL ORDER BY o.paid_ms DESC LIMIT 10`, [m, p.program_id]))
      .map((r) => ({ name: r.nickname || '微信用户', at_ms: Number(r.paid_ms) }));
    return { ok: true, program_id: p.program_id, kind: p.kind, status: p.status, stock: Number(p.stock), participants, buyers, recent,
      config: p.config, rules_version: p.rules_version, role_name: req.merchant.role_name, server_now_ms: clock(), gate };
  });

  // The password never reaches the browser: the server checks it and hands out a signed pass.
  app.post('/api/gates/password', {
    ...auth, schema: body({ program_id: ID, password: { type: 'string', maxLength: 128 } }),
  }, async (req) => {
    const m = req.merchant.merchant_id;
    const r = await ctx.tx(async (q) => ctx.gates.attempt(q, await settle.loadProgram(q, m, req.body.program_id), req.userId, req.body.password, clock()));
    if (r.ok) return { ok: true, pass: r.pass, expires_ms: r.expires_ms };
    const err = new ApiError(r.code === 'G_LOCKED_OUT' ? 429 : 403, r.code, 'password', r.code === 'G_LOCKED_OUT' ? 'locked out after 5 wrong tries' : 'wrong password');
    err.errors = [{ code: r.code, path: 'password', message: err.message, tries_left: r.tries_left, lock_until_ms: r.lock_until_ms }];
    throw err;
  });

  // Development stand-in for the WeChat profile (follower of the official account, region).
  app.post('/api/me/profile', {
    ...auth, schema: body({ is_fan: { type: 'boolean' }, region: { type: 'string', pattern: '^[0-9]{6}$' }, real_name: { type: 'boolean' } }, []),
  }, async (req) => {
    if (ctx.mode !== 'development') throw new ApiError(403, 'E_DEV_ONLY', '', 'profiles come from WeChat in production');
    const b = req.body || {};
    const [u] = await db.query(`UPDATE users SET is_fan = COALESCE($3, is_fan), region = COALESCE($4, region), real_name = COALESCE($5, real_name)
                                WHERE merchant_id = $1 AND user_id = $2 RETURNING user_id, is_fan, region, real_name`,
    [req.merchant.merchant_id, req.userId, b.is_fan ?? null, b.region ?? null, b.real_name ?? null]);
    return { ok: true, profile: u };
  });

  app.post('/api/orders', {
    ...auth,
    schema: body({
      program_id: ID, idem_key: IDEM_KEY, units: { type: 'integer', minimum: 1, maximum: 1000000 },
      items: { type: 'array', maxItems: 100, items: { type: 'object', properties: { product_id: { type: 'string', maxLength: 64 }, units: { type: 'integer', minimum: 1, maximum: 1000000 } }, required: ['product_id', 'units'], additionalProperties: false } },
      delivery_region: { type: 'string', pattern: '^[0-9]{6}$' },
      pass: { type: 'string', maxLength: 128 },
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
        // The gate (phase, stock, buyers, fans, region, password pass, purchase limit) refuses here,
        // with the same rule the page shows.
        await ctx.gates.requireBuy(q, p, buyer, req.body.pass, units, now);
        if (Number(p.stock) < units) throw conflict('E_SOLD_OUT', 'not enough stock', 'units');
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
        attribution = await ctx.attribution.order(q, p, buyer, now);
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
      let inviter = null;
      if (p.kind === 'distribution') {
        const decision = await ctx.attribution.register(q, p, req.userId, now);
        inviter = decision.facts && decision.facts.inviter_id != null ? decision.facts.inviter_id : null;
      }
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

